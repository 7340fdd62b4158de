"""Paper ballots of a round (issue 4, items 4 and 5): the printed ballot, issued batches, two tellers'
independent entries, their comparison, and the core's count of the round (M4, M5, M6, S1).

A round for the two deputy-secretary seats with three candidates; two approved tellers (M2)
each enter the ballots from the box on their own sheet.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from web_helpers import PASSWORD, make_user, roster_csv

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.meeting.models import Meeting, Officer, OfficerRole, Round, RoundStatus
from zhixuan.web.tally import actions, selectors
from zhixuan.web.tally.models import SheetMode, TallySheet

# Candidates in ballot order (C4: 王 4 strokes, 李 7, 张 7 — the round stores the order it opened with).
CANDIDATES = {"a01": "王煦", "a02": "李青", "a03": "张明"}


@dataclass
class Setup:
    election: Any
    staff: Any
    round: Round
    t1: Any
    t2: Any


def make_round(election: Any, meeting: Meeting, *, key: str = "deputy", order: int = 1, **kw: Any) -> Round:
    args: dict[str, Any] = {
        "meeting": meeting,
        "order": order,
        "key": key,
        "position": election.positions.get(kind="deputy_secretary"),
        "seats": 2,
        "candidates": list(CANDIDATES),
        "present": 10,
    }
    args.update(kw)
    return Round.objects.create(**args)


@pytest.fixture
def setup(election: Any, qingquan_staff: Any) -> Setup:
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.roster.actions import do_import_members
    from zhixuan.web.roster.models import Member

    do_import_members(qingquan_staff, election=election, filename="members.csv", data=roster_csv(12))
    members = {m.number: m for m in Member.objects.filter(election=election)}
    for i, (number, name) in enumerate(CANDIDATES.items(), start=1):
        Applicant.objects.create(election=election, number=number, name=name, member=members[f"{i:04d}"])
    meeting = Meeting.objects.create(election=election, title="清泉镇党员大会")
    tellers = []
    for username, number in (("teller1", "0010"), ("teller2", "0011")):
        user = make_user(username, "teller", election=election)
        Officer.objects.create(
            meeting=meeting, member=members[number], role=OfficerRole.TELLER, user=user, approved_at=timezone.now()
        )
        tellers.append(user)
    rnd = make_round(election, meeting)
    actions.do_record_issue(qingquan_staff, round=rnd, count=10)
    Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.CLOSED)
    rnd.refresh_from_db()
    return Setup(election, qingquan_staff, rnd, tellers[0], tellers[1])


def ballot(for_: list[str] = (), against: list[str] = (), write_ins: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    marks: dict[str, Any] = {}
    if for_:
        marks["for"] = list(for_)
    if against:
        marks["against"] = list(against)
    if write_ins:
        marks["write_ins"] = [{"name": w, "for": True} for w in write_ins]
    return marks


# Ten ballots: 6 × (王煦, 李青), 3 × (李青, 张明 against 王煦), 1 blank.
BOX = [
    (ballot(["a01", "a02"]), 6),
    (ballot(["a02", "a03"], ["a01"]), 3),
    (ballot(), 1),
]


def enter(s: Setup, user: Any, box: list[tuple[dict[str, Any], int]], *, collected: int | None = None) -> TallySheet:
    sheet = actions.do_start_sheet(user, round=s.round, mode=SheetMode.BALLOTS)
    for marks, count in box:
        actions.do_add_ballot(user, sheet=sheet, marks=marks, count=count)
    total = sum(c for _m, c in box)
    return actions.do_submit_sheet(user, sheet=sheet, collected=total if collected is None else collected)


def state(s: Setup) -> selectors.PaperState:
    s.round.refresh_from_db()
    return selectors.paper_state(s.round)


# --- the printed ballot --------------------------------------------------------------------------


def test_ballot_pdf_prints_the_candidates_in_round_order_with_write_in_rows_and_no_serial(
    client: Any, setup: Setup
) -> None:
    spec = selectors.ballot_spec(setup.round)
    assert spec.election == f"election-{setup.election.pk}"
    assert spec.round_key == "deputy" and spec.style == "A"
    assert spec.title == "清泉镇党委副书记选举票"
    assert spec.candidates == ("王煦", "李青", "张明")
    assert spec.write_in_rows == 2  # one per seat (M4)

    client.force_login(setup.staff)
    response = client.get(reverse("tally:ballot_pdf", args=[setup.election.pk, setup.round.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils missing: run scripts/test-tools.sh")
    png = subprocess.run(["pdftoppm", "-r", "50", "-png", "-"], input=pdf, capture_output=True, check=True).stdout
    assert png.startswith(b"\x89PNG")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = text.decode("utf-8")
    assert "清泉镇党委副书记选举票" in text
    positions = [text.index(name) for name in ("王煦", "李青", "张明")]
    assert positions == sorted(positions)
    assert text.count("另选他人：") == 2
    # The same round always prints the same bytes' worth of picture: no per-voter serial (S1).
    again = client.get(reverse("tally:ballot_pdf", args=[setup.election.pk, setup.round.pk])).content
    assert subprocess.run(["pdftoppm", "-r", "50", "-png", "-"], input=again, capture_output=True).stdout == png


def test_a_tie_revote_ballot_has_no_write_in_rows(setup: Setup) -> None:
    revote = make_round(
        setup.election, setup.round.meeting, key="deputy/revote-1", order=2, kind="revote", seats=1,
        candidates=["a02", "a03"], followup_of=setup.round,
    )  # fmt: skip
    assert selectors.ballot_spec(revote).write_in_rows == 0
    assert selectors.ballot_spec(revote).candidates == ("李青", "张明")


# --- issued ballots ------------------------------------------------------------------------------


def test_issued_batches_add_up_into_the_rounds_issued_count_and_are_audited(election: Any, setup: Setup) -> None:
    rnd = make_round(election, setup.round.meeting, key="member", order=2)
    actions.do_record_issue(setup.staff, round=rnd, count=7)
    actions.do_record_issue(setup.staff, round=rnd, count=3)
    rnd.refresh_from_db()
    assert selectors.paper_issued(rnd) == 10 and rnd.issued == 10
    entry = AuditEntry.objects.filter(action="tally.record_issue").order_by("-seq").first()
    assert entry is not None and entry.data["count"] == 3 and entry.data["issued"] == 10
    with pytest.raises(ValidationError, match="发出票数须为正整数"):
        actions.do_record_issue(setup.staff, round=rnd, count=0)
    with pytest.raises(ValidationError, match="本轮投票已结束，不能再发出选票"):
        actions.do_record_issue(setup.staff, round=setup.round, count=1)  # the closed round


# --- two tellers ---------------------------------------------------------------------------------


def test_two_tellers_entering_the_same_ballots_in_any_order_agree_and_the_core_counts_the_round(
    setup: Setup,
) -> None:
    enter(setup, setup.t1, BOX)
    # The second teller reads the box in another order, some identical ballots one by one.
    other = [(ballot(), 1), (ballot(["a02", "a03"], ["a01"]), 3)] + [(ballot(["a02", "a01"]), 1)] * 6
    enter(setup, setup.t2, other)
    before = state(setup)
    assert before.comparison is not None and before.comparison.same
    assert not before.ready  # not yet confirmed

    after = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert after.agreed is not None and after.agreed.agreed
    assert TallySheet.objects.filter(round=setup.round, agreed=True).count() == 1
    assert after.ready and not after.void
    tally = after.tally
    assert tally is not None
    assert (tally.issued, tally.collected, tally.valid, tally.invalid) == (10, 10, 10, 0)
    assert tally.counts["a01"].for_ == 6 and tally.counts["a01"].against == 3 and tally.counts["a01"].abstain == 1
    assert tally.counts["a02"].for_ == 9 and tally.counts["a03"].for_ == 3
    m6 = after.decisions[0]
    assert (m6.rule, m6.code) == ("M6", "round_valid")
    assert m6.zh == "发出选票 10 张，收回 10 张，收回不多于发出，本轮选举有效；有效票 10 张，无效票 0 张"
    # Agreed sheets are locked.
    with pytest.raises(ValidationError, match="已核对一致并确认，不能再修改"):
        actions.do_add_ballot(setup.t1, sheet=after.agreed, marks=ballot(), count=1)


def test_tellers_who_disagree_see_the_differing_ballots_side_by_side_until_one_corrects(
    client: Any, setup: Setup
) -> None:
    enter(setup, setup.t1, BOX)
    wrong = [(ballot(["a01", "a02"]), 5), (ballot(["a01", "a03"]), 1), *BOX[1:]]
    sheet2 = enter(setup, setup.t2, wrong)

    comparison = state(setup).comparison
    assert comparison is not None and not comparison.same and comparison.basis == "ballots"
    assert [(d.zh, d.values) for d in comparison.differences] == [
        ("赞成：王煦、李青", (6, 5)),
        ("赞成：王煦、张明", (0, 1)),
    ]
    with pytest.raises(ValidationError) as refused:
        actions.do_agree_sheets(setup.staff, round=setup.round)
    assert refused.value.messages == ["两名计票人的录入不一致：赞成：王煦、李青：6 / 5；赞成：王煦、张明：0 / 1"]

    client.force_login(setup.staff)
    page = client.get(reverse("tally:round", args=[setup.election.pk, setup.round.pk])).content.decode()
    assert 'id="differences"' in page and "赞成：王煦、张明" in page and "teller1" in page and "teller2" in page
    assert 'id="agree-button" disabled' in page

    # Teller 2 finds the misread ballot, removes it and enters it again correctly.
    misread = next(e for e in sheet2.entries.all() if e.marks == {"for": ["a01", "a03"]})
    actions.do_remove_entry(setup.t2, sheet=sheet2, entry_id=misread.pk)
    actions.do_add_ballot(setup.t2, sheet=sheet2, marks=ballot(["a02", "a01"]), count=1)
    sheet2.refresh_from_db()
    assert sheet2.submitted_at is None  # a change withdraws the submission
    actions.do_submit_sheet(setup.t2, sheet=sheet2, collected=10)
    assert actions.do_agree_sheets(setup.staff, round=setup.round).agreed is not None


def test_more_ballots_collected_than_issued_voids_the_round_by_the_cores_m6(setup: Setup) -> None:
    box = [*BOX, (ballot(["a03"]), 1)]  # 11 ballots in the box, 10 handed out
    enter(setup, setup.t1, box)
    enter(setup, setup.t2, box)
    after = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert after.void and after.agreed is not None
    void = after.decisions[0]
    assert (void.rule, void.code) == ("M6", "round_void")
    assert void.zh == "收回选票 11 张 > 发出选票 10 张，本轮选举无效，须重新投票"


def test_the_core_decides_which_ballots_are_invalid_over_vote_m5(setup: Setup) -> None:
    box = [
        (ballot(["a01", "a02"]), 7),
        (ballot(["a01", "a02", "a03"]), 2),  # three for-marks for two seats
        # Against one, for two and a write-in: 3 for-marks with the write-in (M4, M5).
        (ballot(["a02", "a03"], ["a01"], ["0005"]), 1),
    ]
    enter(setup, setup.t1, box)
    enter(setup, setup.t2, box)
    after = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert after.tally is not None
    assert (after.tally.valid, after.tally.invalid) == (7, 3)
    assert after.tally.invalid_by_reason == {"over_vote": 3}
    over = next(d for d in after.decisions if d.code == "invalid_over_vote")
    assert over.rule == "M5" and over.zh.startswith("3 张选票无效：赞成人数（含另选他人）超过应选 2 名")
    # The teller's own screen marks those ballots invalid as they are entered.
    rows = selectors.ledger(after.agreed, setup.round)
    assert sum(r.entry.count for r in rows if not r.valid) == 3
    assert {r.reason.zh for r in rows if r.reason} == {"无效票：赞成 3 人（含另选），超过应选 2 名"}


def test_a_sheet_must_add_up_to_the_ballots_collected_m6(setup: Setup) -> None:
    sheet = actions.do_start_sheet(setup.t1, round=setup.round, mode=SheetMode.BALLOTS)
    actions.do_add_ballot(setup.t1, sheet=sheet, marks=ballot(["a01"]), count=9)
    with pytest.raises(ValidationError) as refused:
        actions.do_submit_sheet(setup.t1, sheet=sheet, collected=10)
    assert refused.value.messages == ["清点的选票 9 张与收回的 10 张不符，请重新清点 (M6)"]
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


def test_entries_are_checked_before_they_are_stored(setup: Setup) -> None:
    sheet = actions.do_start_sheet(setup.t1, round=setup.round, mode=SheetMode.BALLOTS)
    with pytest.raises(ValidationError, match="a09 不是本轮候选人"):
        actions.do_add_ballot(setup.t1, sheet=sheet, marks=ballot(["a09"]), count=1)
    with pytest.raises(ValidationError, match="王煦 在同一张选票上只能有一个标记"):
        actions.do_add_ballot(setup.t1, sheet=sheet, marks=ballot(["a01"], ["a01"]), count=1)
    with pytest.raises(ValidationError, match="另选他人“9999”不是名册中的党员编号"):
        actions.do_add_ballot(setup.t1, sheet=sheet, marks=ballot([], ["a01"], ["9999"]), count=1)
    with pytest.raises(ValidationError, match="相同选票张数须为正整数"):
        actions.do_add_ballot(setup.t1, sheet=sheet, marks=ballot(), count=0)
    assert sheet.entries.count() == 0
    # Only the sheet's own teller writes on it; only an approved teller has one (M2).
    with pytest.raises(PermissionDenied):
        actions.do_add_ballot(setup.t2, sheet=sheet, marks=ballot(), count=1)
    with pytest.raises(PermissionDenied):
        actions.do_start_sheet(setup.staff, round=setup.round, mode=SheetMode.BALLOTS)


# --- totals mode ---------------------------------------------------------------------------------


def totals(s: Setup, user: Any, *, wang_for: int = 6) -> TallySheet:
    sheet = actions.do_start_sheet(user, round=s.round, mode=SheetMode.TOTALS)
    actions.do_set_totals(
        user,
        sheet=sheet,
        collected=10,
        valid=10,
        invalid=0,
        candidates={
            "a01": {"for": wang_for, "against": 3, "abstain": 7 - wang_for},
            "a02": {"for": 9, "against": 0, "abstain": 1},
            "a03": {"for": 3, "against": 0, "abstain": 7},
        },
    )
    return actions.do_submit_sheet(user, sheet=sheet, collected=10)


def test_totals_that_match_the_other_tellers_ballots_agree_and_the_ballots_become_the_record(setup: Setup) -> None:
    ballots_sheet = enter(setup, setup.t1, BOX)
    totals(setup, setup.t2)
    after = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert after.agreed is not None and after.agreed.pk == ballots_sheet.pk


def test_totals_that_differ_name_the_candidate_count(setup: Setup) -> None:
    enter(setup, setup.t1, BOX)
    totals(setup, setup.t2, wang_for=5)
    comparison = state(setup).comparison
    assert comparison is not None and comparison.basis == "totals"
    assert [(d.zh, d.values) for d in comparison.differences] == [("王煦 赞成", (6, 5)), ("王煦 弃权", (1, 2))]


def test_totals_must_add_up_per_candidate(setup: Setup) -> None:
    sheet = actions.do_start_sheet(setup.t1, round=setup.round, mode=SheetMode.TOTALS)
    with pytest.raises(ValidationError) as refused:
        actions.do_set_totals(
            setup.t1,
            sheet=sheet,
            collected=10,
            valid=10,
            invalid=0,
            candidates={
                "a01": {"for": 6, "against": 3, "abstain": 0},
                "a02": {"for": 9, "against": 0, "abstain": 1},
                "a03": {"for": 3, "against": 0, "abstain": 7},
            },
        )
    assert refused.value.messages == ["王煦：赞成 6 + 不赞成 3 + 弃权 0 = 9，与有效票 10 张不符，请重新清点 (M6)"]


def test_totals_mode_is_refused_when_the_round_has_electronic_ballots(setup: Setup) -> None:
    from zhixuan.web.evoting.models import ElectronicBallot

    ElectronicBallot.objects.create(id="x" * 32, round=setup.round, marks={"for": ["a01"]}, receipt_hash="0" * 64)
    with pytest.raises(ValidationError, match="本轮有电子选票，不能按候选人汇总录入纸质票"):
        actions.do_start_sheet(setup.t1, round=setup.round, mode=SheetMode.TOTALS)


def test_electronic_ballots_are_counted_with_the_agreed_paper_sheet(setup: Setup) -> None:
    from zhixuan.web.evoting.models import ElectronicBallot

    ElectronicBallot.objects.create(id="e" * 32, round=setup.round, marks={"for": ["a03"]}, receipt_hash="1" * 64)
    box = BOX[:2]  # 9 paper ballots + 1 electronic = 10 of the 10 issued
    enter(setup, setup.t1, box)
    enter(setup, setup.t2, box)
    after = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert after.tally is not None and after.electronic == 1
    assert (after.tally.collected, after.tally.valid) == (10, 10)
    assert after.tally.counts["a03"].for_ == 4


# --- access --------------------------------------------------------------------------------------


def test_staff_of_another_township_get_404_and_non_tellers_cannot_enter(
    client: Any, setup: Setup, lingshan_staff: Any
) -> None:
    args = [setup.election.pk, setup.round.pk]
    client.force_login(lingshan_staff)
    for name in ("tally:round", "tally:ballot_pdf", "tally:sheet"):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.get(reverse("tally:rounds", args=args[:1])).status_code == 404
    assert client.post(reverse("tally:record_issue", args=args), {"count": 5}).status_code == 404
    client.force_login(setup.staff)
    assert client.get(reverse("tally:round", args=args)).status_code == 200
    assert client.get(reverse("tally:sheet", args=args)).status_code == 403  # staff, not a teller


# --- the entry screen over HTTP ------------------------------------------------------------------


def test_entry_screen_records_a_ballot_per_request_and_returns_the_ledger_fragment(client: Any, setup: Setup) -> None:
    args = [setup.election.pk, setup.round.pk]
    assert client.login(username="teller1", password=PASSWORD)
    page = client.get(reverse("tally:sheet", args=args)).content.decode()
    assert "逐张录入（推荐）" in page
    client.post(reverse("tally:start_sheet", args=args), {"mode": "ballots"})
    page = client.get(reverse("tally:sheet", args=args)).content.decode()
    assert 'id="ballot-grid"' in page
    assert page.index("王煦") < page.index("李青") < page.index("张明")

    fetch = {"HTTP_X_REQUESTED_WITH": "fetch"}
    url = reverse("tally:add_ballot", args=args)
    response = client.post(url, {"m-a01": "for", "m-a02": "for", "m-a03": "against", "count": "3"}, **fetch)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="entered-count">3<' in fragment and "赞成：王煦、李青；不赞成：张明" in fragment
    response = client.post(url, {"m-a01": "for", "m-a02": "for", "m-a03": "for"}, **fetch)
    assert 'id="invalid-count">1<' in response.content.decode()  # over-vote, by the core (M5)
    response = client.post(url, {"m-a01": "against", "write_ins": "9999"}, **fetch)
    assert response.status_code == 422
    assert "另选他人“9999”不是名册中的党员编号" in response.content.decode()
    response = client.post(reverse("tally:remove_entry", args=args), {}, **fetch)  # undo last
    assert 'id="entered-count">3<' in response.content.decode()
    sheet = TallySheet.objects.get(round=setup.round, teller=setup.t1)
    assert [(e.marks, e.count) for e in sheet.entries.all()] == [({"for": ["a01", "a02"], "against": ["a03"]}, 3)]
    # An audit entry per change, carrying the ballot's contents and nothing about any voter (S1).
    logged = AuditEntry.objects.filter(action="tally.add_ballot").order_by("seq")
    assert [e.data["count"] for e in logged] == [3, 1]
    assert set(logged[0].data) == {"round", "marks", "count"}

    response = client.post(reverse("tally:submit_sheet", args=args), {"collected": "3"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.collected == 3 and sheet.submitted_at is not None


def test_round_page_in_english_from_the_apps_catalogue(client: Any, setup: Setup) -> None:
    enter(setup, setup.t1, BOX)
    client.force_login(setup.staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("tally:round", args=[setup.election.pk, setup.round.pk])).content.decode()
    assert "Download ballot PDF (A4)" in page and "Tellers' entries" in page
    assert "two tellers must each enter and submit the paper ballots (1 submitted)" in page
    from django.utils import translation

    translation.activate("zh-hans")  # the request left English active in this thread; later tests expect Chinese
