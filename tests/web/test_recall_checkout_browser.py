"""Browser test of check-out at the recall meeting, in Chromium: the town of ``test_recall_flow`` with 32
members in the hall, three of them holding voting codes, the recall vote's electronic voting open.

The desk checks a member out by number with the code of the slip handed back (deactivated, S1); a
member holding a slip is refused without it, with the message on the page; a member without a slip
leaves from the attendance list in one click. The phone page refuses the handed-back code. Screenshots
go to ``test-artifacts/screenshots/recall-checkout-NN-<page>.png``.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_evoting_recall import convened, hall_with_codes
from test_recall_browser import LAPTOP, PHONE, log_in, new_page, no_sideways_scroll
from test_recall_flow import HALL
from test_results_report import hold_meeting, import_example
from web_helpers import make_user, screenshot

from zhixuan.web.evoting.actions import code_hash
from zhixuan.web.recall import actions
from zhixuan.web.recall.models import CheckIn, VotingCode
from zhixuan.web.roster.models import Member


@pytest.mark.django_db(transaction=True)
def test_check_out_at_the_recall_meeting_in_the_browser(
    chromium: Any, live_server: Any, county_admin: Any, county: Any
) -> None:
    from zhixuan.web.meeting.models import Meeting

    election, kinds = import_example(county_admin, county)
    Meeting.objects.filter(election=election).delete()
    hold_meeting(election, kinds)
    Member.objects.filter(election=election, number__in=["m24", "m25"]).update(status="rights_suspended")
    town = {
        "election": election,
        "staff": make_user("gongzuozu", "working_group", township=election.township),
        "scrutineer": make_user("jianpiao", "scrutineer", election=election),
    }
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=3)
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")

    contexts: list[Any] = []
    try:
        staff = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(staff, "gongzuozu")
        staff.goto(f"/elections/{election.pk}/recall/{petition.pk}/#check-out")
        assert "实到会 32 人" in staff.locator("#stage-quorum-vote").inner_text()

        # Holding a slip, no code typed: refused on the page, nothing stored (S1).
        staff.locator("#checkout-number").fill(HALL[0])
        staff.locator("#check-out-submit").click()
        staff.locator("#errors-check-out").get_by_text("领取了投票码：请输入或扫描交回的投票码条上的投票码").wait_for()
        assert staff.locator("#checkout-number").input_value() == HALL[0]  # kept for the retry
        screenshot(staff, "recall-checkout-01-slip-asked")
        assert CheckIn.objects.get(petition=petition, member__number=HALL[0]).checked_out_at is None

        # The slip's code scanned: checked out, the code deactivated.
        staff.locator("#checkout-code").fill(codes[0])
        staff.locator("#check-out-submit").click()
        staff.get_by_text("已签退，交回的投票码已作废。").wait_for()
        assert not VotingCode.objects.get(code_hash=code_hash(codes[0].replace("-", ""))).active
        assert staff.locator("#present-count").inner_text() == "31"
        assert "另有 1 个已交回作废。" in staff.locator("#codes-handed-back").inner_text()

        # A member without a slip leaves from the attendance list.
        staff.locator("#present-list summary").click()
        staff.locator(f"#attendee-{HALL[10]}").get_by_role("button", name="签退").click()
        staff.get_by_text(f"（{HALL[10]}）已签退。").wait_for()
        staff.locator("#present-list summary").click()
        assert "已签退" in staff.locator(f"#attendee-{HALL[10]}").inner_text()
        assert "已交回" in staff.locator(f"#attendee-{HALL[0]}").inner_text()
        assert staff.locator("#present-count").inner_text() == "30"
        screenshot(staff, "recall-checkout-02-list")

        # The handed-back code on the phone: refused with the voting page's message.
        phone = new_page(chromium, live_server, PHONE, contexts)
        phone.goto(f"/v/{codes[0]}/")
        phone.get_by_text("此投票码已收回，不能投票。").wait_for()
        no_sideways_scroll(phone)
        screenshot(phone, "recall-checkout-03-code-refused-phone")
    finally:
        for context in contexts:
            context.close()
