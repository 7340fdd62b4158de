"""The members' meeting through the meeting app's actions and pages: check-in and quorum (M1, P1),
scrutineers (M2), rounds created by the core (M3 cascade, M8 re-vote, M9 supplementary vote, C4
order) and the two-person confirmations (S3). A web meeting with the example's ballots reaches the
example's winners (``tests/test_examples.py``)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import Client
from test_candidates_example_fixture import EXAMPLES, load_example, names
from web_helpers import PASSWORD, create_election, make_user

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.meeting import actions, selectors
from zhixuan.web.meeting.models import Meeting, Officer, Round
from zhixuan.web.nomination.models import Applicant
from zhixuan.web.roster.models import Member
from zhixuan.web.tally.models import BallotIssue, PaperBallotEntry, TallySheet

LINGSHAN = "three-round-township.yaml"


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _example_rounds() -> list[dict[str, Any]]:
    doc = yaml.safe_load((EXAMPLES / LINGSHAN).read_text(encoding="utf-8"))
    return list(doc["meeting"]["rounds"])


def _check_in(staff: Any, meeting: Meeting, numbers: list[str]) -> None:
    for number in numbers:
        actions.do_check_in(staff, meeting=meeting, method="number", number=number)


def _lingshan_present() -> list[str]:
    """36 of the 40 expected (m01–m20, m26–m41), plus the two probationary members m21, m22."""
    return [f"m{i:02d}" for i in [*range(1, 21), *range(26, 42)]] + ["m21", "m22"]


@pytest.fixture
def lingshan(county_admin: Any, townships: Any, qingquan_staff: Any) -> dict[str, Any]:
    """The three-round example up to formal candidates, an open meeting of 36, approved officers."""
    election = load_example(county_admin, townships["清泉镇"], LINGSHAN, candidates=True)
    meeting = actions.do_create_meeting(qingquan_staff, election=election, title="灵山乡党员大会")
    _check_in(qingquan_staff, meeting, _lingshan_present())
    actions.do_open_meeting(qingquan_staff, meeting=meeting)
    users = {}
    for number, role, username in [
        ("m30", "chief_scrutineer", "jp1"),
        ("m31", "scrutineer", "jp2"),
        ("m33", "teller", "jj1"),
    ]:
        officer = actions.do_propose_officer(qingquan_staff, meeting=meeting, number=number, role=role)
        users[username] = make_user(username, "member", election=election)
        actions.do_link_officer_user(qingquan_staff, officer=officer, username=username)
    actions.do_approve_officers(qingquan_staff, meeting=meeting)
    return {"election": election, "meeting": meeting, "staff": qingquan_staff, **users}


def _marks(ballot: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ballot.items() if k != "count"}


def _step(ctx: dict[str, Any], rnd: Round, step: str) -> Round:
    actions.do_request_step(ctx["staff"], rnd=rnd, step=step)
    return actions.do_confirm_step(ctx["jp1"], rnd=rnd, step=step)


def _hold(ctx: dict[str, Any], rnd: Round, ballots: list[dict[str, Any]]) -> Round:
    """Open, hand out paper ballots, close, enter the agreed sheet, accept and publish (S3 each)."""
    rnd = _step(ctx, rnd, "open")
    BallotIssue.objects.create(round=rnd, count=rnd.present)
    rnd = _step(ctx, rnd, "close")
    sheet = TallySheet.objects.create(
        round=rnd, teller=ctx["jj1"], mode="ballots", collected=sum(b.get("count", 1) for b in ballots), agreed=True
    )
    for b in ballots:
        PaperBallotEntry.objects.create(sheet=sheet, marks=_marks(b), count=b.get("count", 1))
    rnd = _step(ctx, rnd, "accept")
    return _step(ctx, rnd, "publish")


def _ids(election: Any, members: list[str]) -> list[str]:
    """Applicant numbers of the example's ids (applicant ids are kept as numbers by the fixture)."""
    return members


# --- M1 quorum and P1 -----------------------------------------------------------------------------


def _small_meeting(county_admin: Any, township: Any, preset: str, *, full: int, probationary: int = 0) -> Meeting:
    election = create_election(county_admin, township, preset=preset)
    for i in range(1, full + 1):
        Member.objects.create(election=election, number=f"{i:04d}", name=f"党员{i}", status="full")
    for i in range(full + 1, full + probationary + 1):
        Member.objects.create(election=election, number=f"{i:04d}", name=f"党员{i}", status="probationary")
    return Meeting.objects.create(election=election, title="测试党员大会")


def test_m1_exactly_four_fifths_is_enough_under_three_round(county_admin: Any, townships: Any) -> None:
    meeting = _small_meeting(county_admin, townships["清泉镇"], "three-round", full=10)
    _check_in(county_admin, meeting, [f"{i:04d}" for i in range(1, 9)])
    q = selectors.quorum(meeting)
    assert (q.expected, q.present) == (10, 8)
    assert q.met
    assert q.decision.zh.startswith("实到会 8 人，不低于应到会 10 人的 4/5（8 人）")


def test_m1_exactly_four_fifths_is_not_enough_under_standard(county_admin: Any, townships: Any) -> None:
    meeting = _small_meeting(county_admin, townships["清泉镇"], "standard", full=10)
    _check_in(county_admin, meeting, [f"{i:04d}" for i in range(1, 9)])
    q = selectors.quorum(meeting)
    assert not q.met
    assert q.decision.facts["minimum_present"] == 9
    with pytest.raises(ValidationError, match="至少需 9 人"):
        actions.do_open_meeting(county_admin, meeting=meeting)
    actions.do_check_in(county_admin, meeting=meeting, method="qr", number="0009")
    assert selectors.quorum(meeting).met
    actions.do_open_meeting(county_admin, meeting=meeting)


def test_p1_probationary_members_are_listed_but_never_counted(
    county_admin: Any, townships: Any, qingquan_staff: Any
) -> None:
    meeting = _small_meeting(county_admin, townships["清泉镇"], "three-round", full=5, probationary=2)
    election = meeting.election
    client = _client("qingquan")
    response = client.post(
        f"/elections/{election.pk}/meeting/checkin/record/",
        {"method": "number", "number": "0006"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "党员6（0006）已签到：无选举权，不发选票 (P1)" in page
    assert 'id="present-0006"' in page and "无选举权" in page
    _check_in(qingquan_staff, meeting, ["0001", "0007"])
    q = selectors.quorum(meeting)
    assert (q.expected, q.present, q.present_all) == (5, 1, 3)
    # Searching the roster shows the mark too; checking in twice is refused with the time.
    found = client.get(f"/elections/{election.pk}/meeting/checkin/search/", {"q": "党员7"}).content.decode()
    assert "无选举权" in found and "已签到" in found
    again = client.post(
        f"/elections/{election.pk}/meeting/checkin/record/",
        {"method": "number", "number": "0001"},
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 422
    assert "党员1（0001）已于" in again.content.decode()
    unknown = client.post(
        f"/elections/{election.pk}/meeting/checkin/record/", {"method": "qr", "number": "9999"}, HTTP_HX_REQUEST="true"
    )
    assert "名册中没有编号为 9999 的党员" in unknown.content.decode()


def test_check_out_lowers_the_count_for_the_next_round(county_admin: Any, townships: Any) -> None:
    meeting = _small_meeting(county_admin, townships["清泉镇"], "three-round", full=5)
    _check_in(county_admin, meeting, ["0001", "0002", "0003", "0004"])
    row = meeting.attendance.get(member__number="0004")
    actions.do_check_out(county_admin, attendance=row)
    q = selectors.quorum(meeting)
    assert (q.present, q.met) == (3, False)
    # A member who comes back is checked in again on the same row.
    actions.do_check_in(county_admin, meeting=meeting, method="search", member_id=row.member_id)
    assert selectors.quorum(meeting).present == 4


def test_meeting_is_refused_before_formal_candidates(county_admin: Any, townships: Any) -> None:
    election = create_election(county_admin, townships["清泉镇"])
    with pytest.raises(ValidationError, match="尚未产生正式候选人"):
        actions.do_create_meeting(county_admin, election=election)
    assert not Meeting.objects.filter(election=election).exists()


# --- M2, S3, access, audit ------------------------------------------------------------------------


def test_m2_refuses_a_candidate_by_name(lingshan: dict[str, Any]) -> None:
    meeting, staff = lingshan["meeting"], lingshan["staff"]
    # m01 周文斌 is a formal candidate for secretary; m12 董小红 for committee member.
    with pytest.raises(ValidationError, match="周文斌 是本次大会的候选人，不能担任监票人"):
        actions.do_propose_officer(staff, meeting=meeting, number="m01", role="scrutineer")
    # A teller is checked by the teller rule of M2 and refused in the teller's words.
    with pytest.raises(ValidationError, match="董小红 是本次大会的候选人，不能担任计票人"):
        actions.do_propose_officer(staff, meeting=meeting, number="m12", role="teller")
    with pytest.raises(ValidationError, match="未签到"):
        actions.do_propose_officer(staff, meeting=meeting, number="m42", role="scrutineer")
    assert not Officer.objects.filter(meeting=meeting, member__number__in=["m01", "m12", "m42"]).exists()


def test_s3_the_requester_and_non_scrutineers_cannot_confirm(lingshan: dict[str, Any]) -> None:
    meeting, staff = lingshan["meeting"], lingshan["staff"]
    rnd = actions.do_create_next_round(staff, meeting=meeting)
    # A scrutineer who requests cannot confirm their own request.
    actions.do_request_step(lingshan["jp1"], rnd=rnd, step="open")
    with pytest.raises(ValidationError, match="申请人不能自己确认"):
        actions.do_confirm_step(lingshan["jp1"], rnd=rnd, step="open")
    with pytest.raises(ValidationError, match="只有大会通过的监票人才能确认"):
        actions.do_confirm_step(staff, rnd=rnd, step="open")
    with pytest.raises(ValidationError, match="只有大会通过的监票人才能确认"):
        actions.do_confirm_step(lingshan["jj1"], rnd=rnd, step="open")  # a teller is not a scrutineer
    rnd.refresh_from_db()
    assert rnd.status == "draft"
    rnd = actions.do_confirm_step(lingshan["jp2"], rnd=rnd, step="open")
    assert (rnd.status, rnd.present) == ("open", 36)
    # Closing cannot be confirmed before it is requested, and accept waits for the tellers' sheet.
    with pytest.raises(ValidationError, match="尚未由工作人员申请"):
        actions.do_confirm_step(lingshan["jp1"], rnd=rnd, step="close")
    BallotIssue.objects.create(round=rnd, count=36)
    rnd = _step(lingshan, rnd, "close")
    assert rnd.issued == 36
    with pytest.raises(ValidationError, match="核对一致"):
        actions.do_request_step(staff, rnd=rnd, step="accept")


def test_a_round_cannot_open_below_quorum(lingshan: dict[str, Any]) -> None:
    meeting, staff = lingshan["meeting"], lingshan["staff"]
    rnd = actions.do_create_next_round(staff, meeting=meeting)
    actions.do_request_step(staff, rnd=rnd, step="open")
    for number in ["m13", "m14", "m15", "m16", "m17"]:  # 36 → 31, below 32 = 4/5 of 40
        actions.do_check_out(staff, attendance=meeting.attendance.get(member__number=number))
    with pytest.raises(ValidationError, match="至少需 32 人"):
        actions.do_confirm_step(lingshan["jp1"], rnd=rnd, step="open")
    rnd.refresh_from_db()
    assert rnd.status == "draft"


def test_other_township_staff_get_404(lingshan: dict[str, Any], lingshan_staff: Any) -> None:
    election = lingshan["election"]
    rnd = actions.do_create_next_round(lingshan["staff"], meeting=lingshan["meeting"])
    client = _client("lingshan")
    for url in ["", "checkin/", "checkin/search/?q=周", "cards/", f"rounds/{rnd.pk}/"]:
        assert client.get(f"/elections/{election.pk}/meeting/{url}").status_code == 404, url
    assert client.post(f"/elections/{election.pk}/meeting/checkin/record/", {"number": "m42"}).status_code == 404
    # A scrutineer sees the round page (to confirm) but not the staff pages.
    scrutineer = _client("jp1")
    assert scrutineer.get(f"/elections/{election.pk}/meeting/rounds/{rnd.pk}/").status_code == 200
    assert scrutineer.get(f"/elections/{election.pk}/meeting/checkin/").status_code == 403


def test_audit_entries_record_each_step(lingshan: dict[str, Any]) -> None:
    election = lingshan["election"]
    rnd = actions.do_create_next_round(lingshan["staff"], meeting=lingshan["meeting"])
    _step(lingshan, rnd, "open")
    entries = list(AuditEntry.objects.filter(chain__key=election.audit_chain).order_by("seq"))
    actions_seen = [e.action for e in entries]
    for action in [
        "meeting.create",
        "meeting.check_in",
        "meeting.open",
        "meeting.propose_officer",
        "meeting.link_officer_user",
        "meeting.approve_officers",
        "meeting.create_round",
        "meeting.request_step",
        "meeting.confirm_step",
    ]:
        assert action in actions_seen, action
    assert actions_seen.count("meeting.check_in") == 38
    opened = [e for e in entries if e.action == "meeting.confirm_step"][-1]
    assert opened.data["present"] == 36 and opened.data["m1"] == "quorum_met"
    assert opened.actor_label.startswith("jp1")
    created = next(e for e in entries if e.action == "meeting.create_round")
    assert created.data["candidates"] == ["heli", "zhouwb"]  # 何 (7 strokes) before 周 (8), C4
    # Closing commits to the electronic ballots by counts and digest only, never a code (S1, S2).
    _step(lingshan, rnd, "close")
    closed = AuditEntry.objects.filter(chain__key=election.audit_chain, action="meeting.confirm_step").last()
    assert closed is not None and closed.data["step"] == "close"
    assert set(closed.data["electronic"]) >= {"electronic_ballots", "codes_used", "ballots_sha256"}


# --- rounds from the core: cascade (M3), supplementary (M9), tie re-vote (M8) ----------------------


def test_three_rounds_with_cascade_and_supplementary_vote_reach_the_examples_winners(
    lingshan: dict[str, Any],
) -> None:
    election, meeting, staff = lingshan["election"], lingshan["meeting"], lingshan["staff"]
    example = _example_rounds()

    r1 = actions.do_create_next_round(staff, meeting=meeting)
    assert (r1.key, r1.seats, names(election, r1.candidates)) == ("r1-secretary", 1, ["何丽", "周文斌"])
    # The next round's ballot waits for this one to end (M3).
    with pytest.raises(ValidationError, match="尚未确认计票结果"):
        actions.do_create_next_round(staff, meeting=meeting)
    _hold(lingshan, r1, example[0]["ballots"])

    # 何丽 lost: asked whether she stands for deputy secretary (M3).
    questions = selectors.opt_in_questions(meeting)
    assert [(q.name, q.answer) for q in questions] == [("何丽", None)]
    actions.do_record_opt_in(staff, rnd=r1, applicant_number="heli", stands=True)
    with pytest.raises(ValidationError, match="不是本轮的落选者"):
        actions.do_record_opt_in(staff, rnd=r1, applicant_number="zhouwb", stands=True)

    plan = selectors.next_round(meeting)
    assert any(d.code == "cascade_joined" and d.subject == "何丽" for d in plan.decisions)
    r2 = actions.do_create_next_round(staff, meeting=meeting)
    assert r2.key == "r2-deputy_secretary"
    assert set(names(election, r2.candidates)) == {"唐明", "邓海波", "许静", "韩立新", "何丽"}
    assert Applicant.objects.get(election=election, number=r2.candidates[0]).name == "邓海波"  # 邓 4 strokes, C4
    _hold(lingshan, r2, example[1]["ballots"])
    for number, stands in [("denghb", True), ("xujing", True), ("hanlx", False)]:
        actions.do_record_opt_in(staff, rnd=r2, applicant_number=number, stands=stands)

    r3 = actions.do_create_next_round(staff, meeting=meeting)
    assert len(r3.candidates) == 10 and {"denghb", "xujing"} <= set(r3.candidates)
    _hold(lingshan, r3, example[2]["ballots"])

    # The core says one seat is left: a supplementary vote among 于敏, 潘建华, 袁超 (M9).
    plan = selectors.next_round(meeting)
    assert (plan.kind, plan.seats, plan.rule) == ("supplementary", 1, "M9")
    assert set(names(election, plan.candidates)) == {"于敏", "潘建华", "袁超"}
    r4 = actions.do_create_next_round(staff, meeting=meeting)
    assert (r4.key, r4.followup_of_id, r4.kind) == ("r3-member/supplementary-1", r3.pk, "supplementary")
    _hold(lingshan, r4, example[2]["followups"][0]["ballots"])

    outcome = election_outcome(election)
    assert outcome.report is not None and outcome.report.needs is None
    elected = outcome.outcome("elected")
    assert isinstance(elected, dict)
    assert names(election, elected["secretary"]) == ["周文斌"]
    assert set(names(election, elected["deputy_secretary"])) == {"唐明", "何丽"}
    assert set(names(election, elected["member"])) == {"田军", "董小红", "邓海波", "于敏"}
    assert selectors.next_round(meeting).finished

    # The round page shows the counts and the core's decisions with rule IDs.
    page = _client("qingquan").get(f"/elections/{election.pk}/meeting/rounds/{r3.pk}/").content.decode()
    assert "于敏 未当选：赞成 18 = 实到会 36 的一半，未过半数" in page
    assert '<span class="zx-rule">M7</span>' in page


def test_a_tie_at_the_last_seat_creates_a_revote_among_the_tied(lingshan: dict[str, Any]) -> None:
    election, meeting, staff = lingshan["election"], lingshan["meeting"], lingshan["staff"]
    r1 = actions.do_create_next_round(staff, meeting=meeting)
    _hold(lingshan, r1, _example_rounds()[0]["ballots"])
    actions.do_record_opt_in(staff, rnd=r1, applicant_number="heli", stands=True)
    r2 = actions.do_create_next_round(staff, meeting=meeting)
    # 唐明 20; 何丽 and 邓海波 19 each (both over 18) for the one seat left.
    ballots = [
        {"count": 12, "for": ["tangming", "heli"]},
        {"count": 8, "for": ["tangming", "denghb"]},
        {"count": 7, "for": ["heli", "denghb"]},
        {"count": 4, "for": ["denghb", "xujing"]},
        {"count": 5},
    ]
    _hold(lingshan, r2, ballots)
    assert selectors.opt_in_questions(meeting) == []  # the round has not ended: no cascade question yet
    plan = selectors.next_round(meeting)
    assert (plan.kind, plan.seats, plan.rule) == ("revote", 1, "M8")
    assert names(election, plan.candidates) == ["邓海波", "何丽"]  # C4: 邓 before 何
    r3 = actions.do_create_next_round(staff, meeting=meeting)
    assert (r3.key, r3.kind, r3.followup_of_id) == ("r2-deputy_secretary/revote-1", "revote", r2.pk)
    _hold(lingshan, r3, [{"count": 20, "for": ["heli"]}, {"count": 16, "for": ["denghb"]}])
    elected = election_outcome(election).outcome("elected")
    assert isinstance(elected, dict)
    assert set(names(election, elected["deputy_secretary"])) == {"唐明", "何丽"}
    assert [q.name for q in selectors.opt_in_questions(meeting)] == ["邓海波", "许静", "韩立新"]


def test_an_officer_account_created_on_the_spot_shows_its_password_once(lingshan: dict[str, Any]) -> None:
    election, meeting = lingshan["election"], lingshan["meeting"]
    client = _client("qingquan")
    response = client.post(f"/elections/{election.pk}/meeting/officers/", {"number": "m32", "role": "scrutineer"})
    assert response.status_code == 302
    officer = Officer.objects.get(meeting=meeting, member__number="m32")
    assert officer.approved_at is None
    page = client.post(
        f"/elections/{election.pk}/meeting/officers/{officer.pk}/user/", {"username": "jp3", "mode": "create"}
    ).content.decode()
    officer.refresh_from_db()
    assert officer.user is not None and officer.user.username == "jp3"
    password = page.split('id="new-password"><code class="fs-5">')[1].split("</code>")[0]
    assert Client().login(username="jp3", password=password)
    assert password not in str(AuditEntry.objects.filter(action="meeting.link_officer_user").last().data)  # type: ignore[union-attr]
    # Not yet approved by the meeting: cannot confirm anything (S3).
    assert selectors.scrutineer_of(officer.user, meeting) is None
