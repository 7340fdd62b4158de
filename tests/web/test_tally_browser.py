"""A teller enters paper ballots with the keyboard only, in Debian's Chromium: each ballot is stored
without a page reload, an over-vote shows as invalid at once (M5), undo takes the last ballot back,
and the sheet is submitted against the ballots collected (M6)."""

from __future__ import annotations

from typing import Any

import pytest
from test_tally_paper import Setup
from test_tally_paper import setup as setup  # the shared round fixture
from web_helpers import PASSWORD, screenshot

from zhixuan.web.tally.models import TallySheet

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Any:
    context = chromium.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def keys(page: Any, *pressed: str) -> None:
    for key in pressed:
        page.keyboard.press(key)


def test_teller_enters_ballots_by_keyboard_without_reloading(page: Any, setup: Setup) -> None:
    log_in(page, "teller1")
    page.goto(f"/elections/{setup.election.pk}/tally/rounds/{setup.round.pk}/sheet/")
    page.get_by_role("button", name="逐张录入（推荐）").click()
    page.locator("#ballot-grid").wait_for()
    page.evaluate("window.zxNoReload = true")
    entered = page.locator("#entered-count")
    invalid = page.locator("#invalid-count")

    keys(page, "1", "1", "2", "Enter")  # 王煦 for, 李青 for, 张明 against
    page.wait_for_function("document.getElementById('entered-count').textContent === '1'")
    keys(page, "1", "0", "1", "x", "4", "Enter")  # four identical ballots
    page.wait_for_function("document.getElementById('entered-count').textContent === '5'")
    keys(page, "1", "1", "1", "Enter")  # three for two seats: invalid (M5)
    page.wait_for_function("document.getElementById('invalid-count').textContent === '1'")
    assert page.get_by_text("无效票：赞成 3 人（含另选），超过应选 2 名").is_visible()
    keys(page, "u")  # undo the last ballot
    page.wait_for_function("document.getElementById('invalid-count').textContent === '0'")
    keys(page, "2", "1", "?", "w")  # against 王煦, for 李青, unreadable 张明, write in member 0005
    page.keyboard.type("0005")
    keys(page, "Enter")
    page.wait_for_function("document.getElementById('entered-count').textContent === '6'")
    keys(page, "1", "w")
    page.keyboard.type("9999")
    keys(page, "Enter")
    page.locator("#entry-error").wait_for()
    assert "另选他人“9999”不是名册中的党员编号" in page.locator("#entry-error").inner_text()
    assert entered.inner_text() == "6" and invalid.inner_text() == "0"
    assert page.evaluate("window.zxNoReload") is True  # every ballot went in without a page load
    keys(page, "Escape")
    page.locator("#write-ins").fill("")
    screenshot(page, "tally-entry-laptop")

    page.set_viewport_size(PHONE)
    screenshot(page, "tally-entry-phone")

    sheet = TallySheet.objects.get(round=setup.round, teller=setup.t1)
    assert sorted((tuple(sorted(e.marks.items(), key=str)), e.count) for e in sheet.entries.all()) == sorted(
        [
            ((("against", ["a03"]), ("for", ["a01", "a02"])), 1),
            ((("for", ["a01", "a03"]),), 4),
            (
                (
                    ("against", ["a01"]),
                    ("for", ["a02"]),
                    ("unclear", ["a03"]),
                    ("write_ins", [{"name": "0005", "for": True}]),
                ),
                1,
            ),
        ]
    )
    page.set_viewport_size(LAPTOP)
    page.get_by_label("从票箱收回的选票张数").fill("6")
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("录入已提交，待与另一名计票人的录入核对").wait_for()
    screenshot(page, "tally-round-after-submit")
    sheet.refresh_from_db()
    assert sheet.collected == 6 and sheet.submitted_at is not None

    # Teller 2 misreads one ballot: the round page shows both counts of each differing ballot.
    from zhixuan.web.tally import actions

    other = actions.do_start_sheet(setup.t2, round=setup.round, mode="ballots")
    for marks, count in (
        ({"for": ["a01", "a02"], "against": ["a03"]}, 1),
        ({"for": ["a01", "a03"]}, 3),
        ({"for": ["a01"]}, 1),
        ({"for": ["a02"], "against": ["a01"], "unclear": ["a03"], "write_ins": [{"name": "0005", "for": True}]}, 1),
    ):
        actions.do_add_ballot(setup.t2, sheet=other, marks=marks, count=count)
    actions.do_submit_sheet(setup.t2, sheet=other, collected=6)
    page.reload()
    rows = page.locator("#differences tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t") == ["赞成：王煦、张明", "4", "3"]
    assert rows.nth(1).inner_text().split("\t") == ["赞成：王煦", "0", "1"]
    assert page.locator("#agree-button").is_disabled()
    screenshot(page, "tally-round-differences")
