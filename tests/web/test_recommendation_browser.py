"""The projector view (大屏) and the results page in Debian's Chromium, screenshotted for review."""

from __future__ import annotations

from typing import Any

import pytest
from test_recommendation_flow import add_nominees, load_roster
from web_helpers import PASSWORD, screenshot

pytestmark = pytest.mark.browser


def test_projector_and_results_pages(chromium: Any, live_server: Any, county_admin: Any, election: Any) -> None:
    from zhixuan.web.recommendation import actions

    load_roster(election, county_admin)
    add_nominees(election, {
        "secretary": [("A1", "王一"), ("A2", "李二")],
        "deputy_secretary": [("A2", "李二"), ("A3", "张三"), ("A4", "赵四"), ("A5", "周五")],
    })  # fmt: skip
    [stage] = actions.do_create_stages(county_admin, election=election)
    lot = actions.do_commit_lot(county_admin, election=election, purpose="speech")
    lot = actions.do_draw_lot(county_admin, lot=lot, entropy="3 1 6 2 5")
    actions.do_open_stage(county_admin, stage=stage)
    actions.do_next_speaker(county_admin, stage=stage)
    actions.do_start_clock(county_admin, stage=stage)
    members, public = stage.groups.all()
    positions = {p.kind: p for p in election.positions.all()}
    actions.do_record_group_total(county_admin, stage=stage, group=members, position=positions["secretary"],
                                  valid=40, votes={"A1": 26, "A2": 13})  # fmt: skip
    actions.do_record_group_total(county_admin, stage=stage, group=public, position=positions["secretary"],
                                  valid=12, votes={"A1": 5, "A2": 7})  # fmt: skip
    actions.do_record_group_total(county_admin, stage=stage, group=members, position=positions["deputy_secretary"],
                                  valid=40, votes={"A2": 22, "A3": 30, "A4": 12, "A5": 9})  # fmt: skip
    actions.do_record_group_total(county_admin, stage=stage, group=public, position=positions["deputy_secretary"],
                                  valid=12, votes={"A2": 6, "A3": 8, "A4": 7, "A5": 2})  # fmt: skip

    context = chromium.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="选举看板").wait_for()

    first = {"A1": "王一", "A2": "李二", "A3": "张三", "A4": "赵四", "A5": "周五"}[lot.result[0]]
    page.goto(f"/elections/{election.pk}/recommendation/{stage.key}/screen/")
    assert page.locator("#zx-speaker").inner_text() == first
    page.wait_for_function("document.getElementById('zx-clock').textContent.includes(':')")
    clock = page.locator("#zx-clock").inner_text()
    assert clock.startswith("04:5") or clock == "05:00"
    screenshot(page, "recommendation-screen")

    actions.do_close_stage(county_admin, stage=stage)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/elections/{election.pk}/recommendation/results/")
    page.locator("#preliminary").wait_for()
    # 王一 = 7/10·26/40 + 3/10·5/12 = 45.50% + 12.50% = 58.00%
    assert page.locator(".zx-score").first.inner_text() == "58.00%"
    screenshot(page, "recommendation-results")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "recommendation-results-phone")
    context.close()
