# ruff: noqa: F811  -- the ``town`` fixture of test_recall_flow is imported and requested by name
"""Issue 5 item 3 with issue 4 item 1: members who leave the recall meeting are checked out.

The town of ``test_recall_flow`` (40 members with voting rights, 应到会 40; the S0 preset's quorum is at
least 4/5, 32 members). At the recall meeting:

- a member leaves by membership number, member card QR code or from the list; nothing records which code
  a member got (S1), so the code typed or scanned from the slip handed back is deactivated in the same
  step, one audit entry, no code in it; a cast with that code is refused with the voting page's message;
- a member who holds a slip must hand it back or staff say it was not handed back (the code then stays
  valid and the member gets no second code); a bad code, a code for a member without a slip, a second
  check-out or one without check-in are refused and store nothing;
- back in the hall the member gets a new code only once the old slip was handed back, and not while a
  stage is under way (the old code may have voted in it); a member who arrives after a stage opened
  waits for it to end (M1);
- each stage's members present are those in the hall when a scrutineer opened it: departures after the
  recall vote lower the by-election's present and below 4/5 it cannot open (M1); the export carries each
  stage's present, and ``zhixuan run`` on it gives the app's decisions;
- paper ballots + codes of a stage never exceed its present (M6): a code that voted and was then handed
  back still counts as issued for that stage, a code handed back before voting does not.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from test_evoting_recall import convened, hall_with_codes, phone_vote
from test_recall_flow import FULL, HALL, LEADER, client_for, town, url  # noqa: F401
from test_results_report import cli_run

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.evoting.actions import CastRefused, code_hash
from zhixuan.web.recall import actions, selectors
from zhixuan.web.recall.export import recall_scenario
from zhixuan.web.recall.models import CheckIn, Petition, VotingCode


def row(petition: Petition, number: str) -> CheckIn:
    return CheckIn.objects.get(petition=petition, member__number=number)


def code_row(code: str) -> VotingCode:
    return VotingCode.objects.get(code_hash=code_hash(code.replace("-", "")))


def test_check_out_deactivates_the_code_on_the_returned_slip_and_its_cast_is_refused(town: dict[str, Any]) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=3)
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    staff = client_for(town["staff"])

    # A member holding a slip cannot just leave: the slip's code is asked for (S1); nothing stored.
    before = AuditEntry.objects.count()
    refused = staff.post(url(petition, "check-out/"), {"method": "number", "number": HALL[0]})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "领取了投票码：请输入或扫描交回的投票码条上的投票码，使其作废" in page and 'id="errors-check-out"' in page
    assert row(petition, HALL[0]).checked_out_at is None and AuditEntry.objects.count() == before

    # The slip handed back, its code scanned: checked out and the code deactivated in one step.
    done = staff.post(url(petition, "check-out/"), {"method": "qr", "number": HALL[0], "code": codes[0]}, follow=True)
    assert "已签退，交回的投票码已作废。" in done.content.decode()
    left = row(petition, HALL[0])
    assert left.checked_out_at is not None and left.slip == "returned"
    assert code_row(codes[0]).active is False
    assert [code_row(c).active for c in codes[1:]] == [True, True]

    # The phone page refuses the handed-back code with its message; the action refuses it too.
    for step in ("review", "cast"):
        phone = Client().post(f"/v/{codes[0]}/", {"round": "vote", "choice": "yes", "step": step})
        assert phone["X-Vote-Status"] == "inactive_code" and "此投票码已收回，不能投票。" in phone.content.decode()
    with pytest.raises(CastRefused) as cast:
        actions.do_cast(code=codes[0], stage="vote", marks={"choice": "yes"})
    assert cast.value.reason == "inactive_code"
    assert phone_vote(codes[1], {"round": "vote", "choice": "no"})[0] == "cast"  # the others still vote

    # One audit entry: who left, how, that a code came back — never which code.
    entry = AuditEntry.objects.get(action="recall.check_out")
    assert entry.data == {
        "leader": LEADER,
        "member": HALL[0],
        "method": "qr",
        "code_returned": True,
        "slip_not_returned": False,
        "present": 31,
        "quorum": "quorum_failed",
        "codes": 2,
    }
    assert codes[0].replace("-", "") not in str(list(AuditEntry.objects.values_list("data", flat=True)))
    # The open vote keeps the 32 present at its opening (M1); the live quorum shows the departure.
    petition.refresh_from_db()
    assert len(selectors.stage_present(petition, "vote") or []) == 32
    assert selectors.stage_quorum(petition, "vote").code == "quorum_met"  # type: ignore[union-attr]
    assert selectors.quorum(petition).facts["present"] == 31


def test_check_out_refusals_store_nothing(town: dict[str, Any]) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=2)
    before = AuditEntry.objects.count()
    cases = [
        ({"number": "x99"}, "名册中没有编号为 x99 的党员"),
        ({"number": FULL[35]}, "没有签到，无需签退"),
        ({"number": HALL[0], "code": "ABC"}, "投票码应为 10 位字母或数字，输入的是 3 位。"),
        ({"number": HALL[0], "code": "AAAAA-BBBBB"}, "本次罢免表决会议没有发放过投票码 AAAAA-BBBBB，请核对。"),
        # HALL[5] took no code: a slip handed in with their name is someone else's (S1).
        ({"number": HALL[5], "code": codes[1]}, "没有未交回的投票码条，交回的投票码不是其投票码"),
        ({"number": HALL[0], "method": "fax"}, "签退方式无效"),
        ({"number": ""}, "请输入党员编号或扫描党员证二维码"),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError, match=message):
            actions.do_check_out(town["staff"], petition=petition, **data)  # type: ignore[arg-type]
    assert AuditEntry.objects.count() == before
    assert not CheckIn.objects.filter(petition=petition).exclude(checked_out_at=None).exists()
    assert VotingCode.objects.filter(petition=petition, active=True).count() == 2

    # From the list, a member without a slip leaves in one click; a second check-out is refused.
    actions.do_check_out(town["staff"], petition=petition, number=HALL[5], method="list")
    with pytest.raises(ValidationError, match=r"已于 \d\d:\d\d 签退"):
        actions.do_check_out(town["staff"], petition=petition, number=HALL[5])
    # A code handed back twice: the second time it is already deactivated.
    actions.do_check_out(town["staff"], petition=petition, number=HALL[0], code=codes[0])
    actions.do_check_in(town["staff"], petition=petition, text=HALL[0])
    second = actions.do_issue_code(town["staff"], petition=petition, member_number=HALL[0])
    with pytest.raises(ValidationError, match="已经收回"):
        actions.do_check_out(town["staff"], petition=petition, number=HALL[0], code=codes[0])
    actions.do_check_out(town["staff"], petition=petition, number=HALL[0], code=second)


def test_a_new_code_only_after_the_old_slip_was_handed_back_and_not_during_a_stage(town: dict[str, Any]) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=3)
    staff = town["staff"]

    # Left without handing the slip back: the code cannot be named, it stays valid, and no second code.
    actions.do_check_out(staff, petition=petition, number=HALL[0], slip_not_returned=True)
    assert code_row(codes[0]).active is True and row(petition, HALL[0]).slip == "held"
    assert AuditEntry.objects.get(action="recall.check_out").data["slip_not_returned"] is True
    actions.do_check_in(staff, petition=petition, text=HALL[0])
    with pytest.raises(ValidationError, match="已领取投票码，原投票码条交回并作废后才能补发 \\(M6\\)"):
        actions.do_issue_code(staff, petition=petition, member_number=HALL[0])

    # Handed back: back in the hall (the same check-in row, its new way), a new code.
    actions.do_check_out(staff, petition=petition, number=HALL[1], code=codes[1])
    with pytest.raises(ValidationError, match="尚未签到或已签退"):
        actions.do_issue_code(staff, petition=petition, member_number=HALL[1])
    actions.do_check_in(staff, petition=petition, text=HALL[1], method="qr")
    again = row(petition, HALL[1])
    assert again.checked_out_at is None and again.method == "qr"
    assert CheckIn.objects.filter(petition=petition, member__number=HALL[1]).count() == 1
    assert AuditEntry.objects.filter(action="recall.check_in").latest("pk").data["returning"] == [HALL[1]]
    new = actions.do_issue_code(staff, petition=petition, member_number=HALL[1])
    assert new != codes[1] and code_row(new).active and not code_row(codes[1]).active

    # While the recall vote is under way, a returner's old code may have voted: no new code until it ends;
    # a member arriving after it opened is not present for it (M1) and waits too.
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    assert phone_vote(codes[2], {"round": "vote", "choice": "yes"})[0] == "cast"
    actions.do_check_out(staff, petition=petition, number=HALL[2], code=codes[2])
    actions.do_check_in(staff, petition=petition, text=HALL[2])
    with pytest.raises(ValidationError, match="交回的投票码可能已在罢免表决中投票：待这项表决结束后才能领取新投票码"):
        actions.do_issue_code(staff, petition=petition, member_number=HALL[2])
    actions.do_check_in(staff, petition=petition, text=FULL[32])
    with pytest.raises(ValidationError, match="在罢免表决开始后到会，不参加这项表决"):
        actions.do_issue_code(staff, petition=petition, member_number=FULL[32])
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="vote")
    actions.do_issue_code(staff, petition=petition, member_number=HALL[2])
    actions.do_issue_code(staff, petition=petition, member_number=FULL[32])


def test_a_code_that_voted_then_came_back_still_counts_as_issued_for_its_stage(town: dict[str, Any]) -> None:
    petition = convened(town)
    codes = hall_with_codes(town, petition, electronic=5)
    actions.do_open_voting(town["scrutineer"], petition=petition, stage="vote")
    for code in codes[:4]:
        assert phone_vote(code, {"round": "vote", "choice": "yes"})[0] == "cast"
    # HALL[0] voted and leaves; HALL[4] leaves before voting. Both hand their slips back.
    actions.do_check_out(town["staff"], petition=petition, number=HALL[0], code=codes[0])
    actions.do_check_out(town["staff"], petition=petition, number=HALL[4], code=codes[4])
    petition.refresh_from_db()
    assert selectors.codes_issued(petition) == 3  # active now
    assert selectors.stage_codes(petition, "vote") == 4  # 3 active + 1 that voted (M6)
    # 27 paper + 4 codes = 31 of the 32 present at the opening: accepted; 29 paper would be 33 (M6).
    with pytest.raises(ValidationError, match="发出纸质票 29 张 \\+ 电子投票码 4 个，多于到会有表决权党员 32 人"):
        actions.do_enter_vote_count(
            town["teller1"], petition=petition, data={"issued": 29, "yes": 20, "no": 9, "abstain": 0, "invalid": 0}
        )
    actions.do_close_voting(town["scrutineer"], petition=petition, stage="vote")
    petition.refresh_from_db()
    assert petition.stages["vote"]["codes"] == 4
    assert AuditEntry.objects.get(action="recall.close_voting").data["codes"] == 4
    # A code printed after the close cannot vote in the vote and does not change its issued.
    actions.do_check_in(town["staff"], petition=petition, text=FULL[32])
    actions.do_issue_code(town["staff"], petition=petition, member_number=FULL[32])
    paper = {"issued": 27, "yes": 18, "no": 8, "abstain": 1, "invalid": 0}
    actions.do_enter_vote_count(town["teller1"], petition=petition, data=paper)
    actions.do_enter_vote_count(town["teller2"], petition=petition, data=paper)
    actions.do_accept_vote(town["scrutineer"], petition=petition)
    petition.refresh_from_db()
    assert (petition.vote_counts["issued"], petition.vote_counts["yes"]) == (31, 22)
    assert len(petition.vote_present) == 32 and FULL[32] not in petition.vote_present


def test_by_election_present_and_quorum_reflect_departures_and_zhixuan_run_agrees(
    town: dict[str, Any], tmp_path: Any
) -> None:
    petition = convened(town)
    staff, scrutineer = town["staff"], town["scrutineer"]
    hall_with_codes(town, petition, electronic=0)
    actions.do_open_stage(scrutineer, petition=petition, stage="vote")
    # Two members leave during the recall vote: its present stays the 32 of its opening.
    for number in HALL[:2]:
        actions.do_check_out(staff, petition=petition, number=number)
    paper = {"issued": 32, "yes": 25, "no": 6, "abstain": 1, "invalid": 0}
    actions.do_enter_vote_count(town["teller1"], petition=petition, data=paper)
    actions.do_enter_vote_count(town["teller2"], petition=petition, data=paper)
    actions.do_accept_vote(scrutineer, petition=petition)
    petition.refresh_from_db()
    assert petition.vote_present == sorted(HALL)
    actions.do_set_by_candidates(staff, petition=petition, text="m40\nm41")

    # 30 in the hall, below 4/5 of 40: the by-election cannot open (M1), nothing recorded.
    with pytest.raises(ValidationError, match="实到会 30 人，低于应到会 40 人的 4/5"):
        actions.do_open_stage(scrutineer, petition=petition, stage="by_election")
    with pytest.raises(ValidationError, match="实到会 30 人，低于应到会 40 人的 4/5"):
        actions.do_open_voting(scrutineer, petition=petition, stage="by_election")
    petition.refresh_from_db()
    assert "by_election" not in petition.stages and not petition.evoting.get("by_election")
    # Three more arrive: 33 present, and the by-election opens with them.
    actions.do_check_in(staff, petition=petition, text=" ".join(FULL[32:35]))
    actions.do_open_stage(scrutineer, petition=petition, stage="by_election")
    opened = AuditEntry.objects.filter(action="recall.open_stage").latest("pk")
    assert (opened.data["stage"], opened.data["present"], opened.data["m1"]) == ("by_election", 33, "quorum_met")
    with pytest.raises(ValidationError, match="补选已开始表决，不能再更改候选人"):
        actions.do_set_by_candidates(staff, petition=petition, text="m40\nm42")
    # Leaving now changes nothing for the open by-election (M1 at its opening), and M6 is against 33.
    actions.do_check_out(staff, petition=petition, number=FULL[32])
    too_many = {
        "issued": 34, "valid": 33, "invalid": 1,
        "candidates": {
            "m40": {"for": 17, "against": 14, "abstain": 2},
            "m41": {"for": 12, "against": 19, "abstain": 2},
        },
    }  # fmt: skip
    with pytest.raises(ValidationError, match="发出票数 34 多于到会有表决权党员 33 人"):
        actions.do_enter_by_count(town["teller1"], petition=petition, data=too_many)
    totals = {
        "issued": 33, "valid": 32, "invalid": 1,
        "candidates": {
            "m40": {"for": 17, "against": 13, "abstain": 2},
            "m41": {"for": 12, "against": 18, "abstain": 2},
        },
    }  # fmt: skip
    actions.do_enter_by_count(town["teller1"], petition=petition, data=totals)
    actions.do_enter_by_count(town["teller2"], petition=petition, data=totals)
    actions.do_accept_by_election(scrutineer, petition=petition)
    petition.refresh_from_db()
    assert len(petition.by_present) == 33 and FULL[32] in petition.by_present and HALL[0] not in petition.by_present

    # The export carries each stage's own present; the core decides M1 per stage on them.
    vote = recall_scenario(town["election"])["recall"]["votes"][0]
    assert vote["present"] == sorted(HALL)
    assert len(vote["by_election"]["present"]) == 33
    outcome = election_outcome(town["election"])
    section = outcome.section(f"round:{petition.by_election_key}")
    assert section is not None
    texts = [d.zh for d in section.decisions]
    assert any("赞成 17 > 实到会 33 的一半" in t for t in texts), texts
    assert "m40" in outcome.outcome("elected")["deputy_secretary"]  # type: ignore[index]
    # ``zhixuan run`` on the download gives the same decisions and the same team.
    run = cli_run(town["election"], tmp_path)
    recall = next(s for s in run["sections"] if s["key"] == "recall")
    assert [(d["rule"], d["code"], d["zh"]) for d in recall["decisions"]] == [
        (d.rule, d.code, d.zh)
        for d in outcome.section("recall").decisions  # type: ignore[union-attr]
    ]
    by = next(s for s in run["sections"] if s["key"] == f"round:{petition.by_election_key}")
    assert [d["zh"] for d in by["decisions"]] == texts
    assert run["outcome"]["elected"] == outcome.outcome("elected")
