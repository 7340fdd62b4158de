"""The phone voting page in a real browser (390×844): mark, review with the core's warning, confirm, receipt."""

from __future__ import annotations

from typing import Any

import pytest
from test_evoting_support import make_meeting, make_round
from web_helpers import screenshot


@pytest.mark.django_db(transaction=True)
def test_a_voter_casts_on_a_phone(live_server: Any, chromium: Any, election: Any):
    from zhixuan.web.evoting.actions import do_issue_code
    from zhixuan.web.evoting.models import ElectronicBallot

    meeting = make_meeting(election)
    make_round(meeting, kind="deputy_secretary", seats=2, candidates=["A02", "A01", "A03"])
    code = do_issue_code(None, meeting=meeting)
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/v/{code}/")
    assert page.locator("h1").inner_text() == "党委副书记 · 应选 2 名"
    for number in ("A02", "A01", "A03"):
        page.click(f"label[for=m-{number}-for]")
    assert page.locator("#over-vote").is_visible()  # three for-marks, two seats: warned before review
    page.click("label[for=m-A03-against]")
    assert not page.locator("#over-vote").is_visible()
    screenshot(page, "evoting-ballot-phone")
    page.click("button[value=review]")
    assert page.locator("#confirm-for").inner_text() == "李二、王一"
    assert page.locator("#confirm-against").inner_text() == "张三"
    screenshot(page, "evoting-confirm-phone")
    page.click("button[value=cast]")  # sent with fetch to /v/cast/; the receipt appears in place
    page.wait_for_selector("#cast-done:not(.d-none)")
    assert not page.locator("#confirm").is_visible()
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt.replace("-", "")) == 12
    screenshot(page, "evoting-done-phone")
    assert ElectronicBallot.objects.get().marks == {"for": ["A02", "A01"], "against": ["A03"]}
    page.goto(f"{live_server.url}/public/receipt/?receipt={receipt}")
    assert "此回执对应的选票已保存在“党委副书记”这一轮。" in page.locator("#receipt-result").inner_text()
    page.close()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_confirm_form_still_casts(live_server: Any, chromium: Any, election: Any):
    from zhixuan.web.evoting.actions import do_issue_code
    from zhixuan.web.evoting.models import ElectronicBallot

    meeting = make_meeting(election)
    make_round(meeting, kind="secretary", seats=1, candidates=["A01", "A02"])
    code = do_issue_code(None, meeting=meeting)
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/v/{code}/")
    page.click("label[for=m-A02-for]")
    page.click("button[value=review]")
    page.click("button[value=cast]")  # a plain form post to /v/<code>/
    assert page.url.endswith(f"/v/{code}/")
    assert "投票成功，您的选票已保存。" in page.content()
    assert len(page.locator("#receipt").inner_text().replace("-", "")) == 12
    assert ElectronicBallot.objects.get().marks == {"for": ["A02"], "against": []}
    context.close()
