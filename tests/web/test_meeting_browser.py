"""The meeting pages in a real browser: scanner check-in with the live quorum, and a round opened
by staff and confirmed by a scrutineer (S3), on a laptop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from test_meeting_flow import lingshan  # noqa: F401 -- the fixture
from web_helpers import PASSWORD, screenshot

from zhixuan.web.meeting import actions

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _page(chromium: Any, live_server: Any, username: str, viewport: dict[str, int]) -> Any:
    context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def test_scanner_check_in_updates_the_quorum(chromium: Any, live_server: Any, lingshan: Any) -> None:  # noqa: F811
    election = lingshan["election"]
    page = _page(chromium, live_server, "qingquan", LAPTOP)
    page.goto(f"/elections/{election.pk}/meeting/checkin/")
    assert page.locator("#q-present").inner_text() == "36"
    page.locator("#scan").fill("m42")
    page.locator("#scan").press("Enter")
    page.locator("#checkin-notice").wait_for()
    assert "曾小平（m42）签到成功" in page.locator("#checkin-notice").inner_text()
    assert page.locator("#q-present").inner_text() == "37"
    page.locator("#q").fill("李雪")
    page.locator("#search-results .list-group-item").first.wait_for()
    assert "无选举权" in page.locator("#search-results").inner_text()
    screenshot(page, "meeting-checkin-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "meeting-checkin-phone")
    page.context.close()


def test_round_opened_by_staff_and_confirmed_by_a_scrutineer(chromium: Any, live_server: Any, lingshan: Any) -> None:  # noqa: F811
    election = lingshan["election"]
    rnd = actions.do_create_next_round(lingshan["staff"], meeting=lingshan["meeting"])
    url = f"/elections/{election.pk}/meeting/rounds/{rnd.pk}/"
    staff = _page(chromium, live_server, "qingquan", LAPTOP)
    staff.goto(url)
    assert staff.locator("#ballot-names").inner_text().split("\n")[0].startswith("何丽")
    staff.get_by_role("button", name="申请开始投票").click()
    assert "等待监票人确认" in staff.locator("#step-open").inner_text()
    screenshot(staff, "meeting-round-requested-laptop")

    scrutineer = _page(chromium, live_server, "jp1", PHONE)
    scrutineer.goto(url)
    scrutineer.get_by_role("button", name="监票人确认").click()
    assert scrutineer.locator("#round-status").inner_text() == "投票中"
    assert scrutineer.locator("#round-present").inner_text() == "36"
    screenshot(scrutineer, "meeting-round-confirmed-phone")
    staff.goto(f"/elections/{election.pk}/meeting/")
    screenshot(staff, "meeting-overview-laptop")
    staff.context.close()
    scrutineer.context.close()
