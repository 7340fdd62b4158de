"""Reads of the members' meeting, handed to the rules core for every decision (M1, M2, M3, M8–M10).

Quorum is ``rules.meeting.check_quorum`` over the roster's expected attendance (P2) and the eligible
members checked in (P1); who may serve is ``check_scrutineers`` (M2); the next round's candidates
come from the core: the formal candidates and ``cascade`` (M3), or the ``needs`` of the run of the
election's record (M8–M10), ordered by surname strokes (C4) as the runner orders them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum

from zhixuan.rules import people
from zhixuan.rules.ballots import RoundSpec
from zhixuan.rules.decision import Decision
from zhixuan.rules.meeting import (
    RoundOrderError,
    RoundOutcome,
    cascade,
    check_quorum,
    check_scrutineers,
    check_tellers,
)
from zhixuan.rules.settings import Settings, preset_settings
from zhixuan.rules.stroke_order import name_key
from zhixuan.strokes import stroke_table
from zhixuan.web.elections.models import Election, Position, PositionKind
from zhixuan.web.elections.outcomes import ElectionOutcome, election_outcome
from zhixuan.web.meeting.models import (
    Attendance,
    Meeting,
    Officer,
    OfficerRole,
    OptIn,
    Round,
    RoundKind,
    RoundStatus,
)
from zhixuan.web.roster import selectors as roster
from zhixuan.web.roster.models import Member

SCRUTINEER_ROLES = (OfficerRole.SCRUTINEER, OfficerRole.CHIEF_SCRUTINEER)
UNFINISHED = (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED)
DONE = (RoundStatus.ACCEPTED, RoundStatus.PUBLISHED)


def meeting_of(election: Election) -> Meeting | None:
    return Meeting.objects.filter(election=election).first()


def election_settings(election: Election) -> Settings:
    return preset_settings(election.preset, election.overrides)


def formal_candidates(election: Election, outcome: ElectionOutcome | None = None) -> dict[str, list[str]]:
    """Position kind → formal candidates' applicant numbers, as the core decides them (C1–C3)."""
    formal = (outcome or election_outcome(election)).outcome("formal")
    if not isinstance(formal, dict):
        return {}
    return {str(k): [str(n) for n in v] for k, v in formal.items() if v}


# --- attendance and quorum (P1, P2, M1) -----------------------------------------------------------


def has_rights(member: Member) -> bool:
    return people.has_voting_rights(roster.to_rules_member(member))


def present(meeting: Meeting) -> QuerySet[Attendance]:
    """Members in the hall now (checked in, not checked out), by roster number."""
    return (
        Attendance.objects.filter(meeting=meeting, checked_out_at=None)
        .select_related("member")
        .order_by("member__number")
    )


def present_eligible(meeting: Meeting) -> int:
    """P1: only full members with intact rights count as present; probationary members never."""
    statuses = [s.value for s in people.MemberStatus if people.has_voting_rights(people.Member("", "", s))]
    return present(meeting).filter(member__status__in=statuses).count()


@dataclass(frozen=True)
class Quorum:
    expected: int
    present: int
    present_all: int
    decision: Decision

    @property
    def met(self) -> bool:
        return self.decision.code == "quorum_met"


def quorum(meeting: Meeting, subject: str = "meeting") -> Quorum:
    """M1 now: eligible present against 应到会 (P2) under the election's preset."""
    election = meeting.election
    expected = roster.attendance(election).expected
    count = present_eligible(meeting)
    decision = check_quorum(count, expected, election_settings(election), subject)
    return Quorum(expected, count, present(meeting).count(), decision)


def committee_members(meeting: Meeting, outcome: ElectionOutcome | None = None) -> list[str]:
    """Numbers (applicant or member) elected to the committee so far (standard preset plenary, M3)."""
    elected = (outcome or election_outcome(meeting.election)).outcome("elected")
    if not isinstance(elected, dict):
        return []
    return [str(n) for ids in elected.values() for n in ids]


def round_quorum(rnd: Round) -> Quorum:
    """M1 for one round: the members, or for a committee plenary the committee members present."""
    meeting = rnd.meeting
    if rnd.electorate != "committee":
        return quorum(meeting, rnd.key)
    committee = set(committee_members(meeting))
    member_numbers = _committee_member_numbers(meeting.election, committee)
    here = set(present(meeting).values_list("member__number", flat=True))
    count = len(member_numbers & here)
    decision = check_quorum(count, len(member_numbers), election_settings(meeting.election), rnd.key)
    return Quorum(len(member_numbers), count, present(meeting).count(), decision)


def _committee_member_numbers(election: Election, numbers: set[str]) -> set[str]:
    from zhixuan.web.nomination.models import Applicant

    out = {n for n in numbers if Member.objects.filter(election=election, number=n).exists()}
    for a in Applicant.objects.filter(election=election, number__in=numbers).select_related("member"):
        if a.member is not None:
            out.add(a.member.number)
    return out


def round_issued(rnd: Round) -> int:
    """M6 issued: paper ballots handed out for the round + electronic codes still active."""
    from zhixuan.web.evoting.models import VotingCode

    paper = rnd.paper_issues.aggregate(n=Sum("count"))["n"] or 0
    return int(paper) + VotingCode.objects.filter(meeting=rnd.meeting, active=True).count()


def paper_agreed(rnd: Round) -> bool:
    """A round's paper count is ready: the tellers' sheets agree, or no paper ballot was issued."""
    if not rnd.paper_issues.filter(count__gt=0).exists():
        return True
    return rnd.tally_sheets.filter(agreed=True).exists()


def search_members(election: Election, query: str, limit: int = 20) -> list[Member]:
    query = query.strip()
    if not query:
        return []
    rows = Member.objects.filter(election=election).filter(
        Q(name__contains=query) | Q(number__istartswith=query) | Q(branch__contains=query)
    )
    return list(rows.select_related("excusal").order_by("number")[:limit])


def attendance_state(meeting: Meeting) -> dict[int, Attendance]:
    return {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}


# --- people labels and stroke order (C4) ----------------------------------------------------------


@dataclass
class Labels:
    """Display label <-> scenario id for applicants and members (one label when the same person)."""

    to_label: dict[str, str]
    to_id: dict[str, str]
    names: dict[str, str]

    def labels(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.to_label.get(i, i) for i in ids)

    def ids(self, labels: Iterable[str]) -> list[str]:
        return [self.to_id.get(label, label) for label in labels]

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def stroke_sorted(self, ids: Iterable[str]) -> list[str]:
        """C4 with the runner's tie-break (by id), so the app's ballots match ``zhixuan run``."""
        table = stroke_table()
        return sorted(ids, key=lambda i: (name_key(self.name(i), table), i))


def labels(election: Election) -> Labels:
    from zhixuan.web.nomination.models import Applicant

    names: dict[str, str] = {}
    same: dict[str, str] = {}
    for a in Applicant.objects.filter(election=election).select_related("member"):
        names[a.number] = a.name
        if a.member is not None:
            same[a.member.number] = a.number
    for m in Member.objects.filter(election=election).only("number", "name"):
        names.setdefault(m.number, m.name)
    people_ids = {i: n for i, n in names.items() if i not in same}
    counts: dict[str, int] = {}
    for name in people_ids.values():
        counts[name] = counts.get(name, 0) + 1
    to_label = {i: n if counts[n] == 1 else f"{n}（{i}）" for i, n in people_ids.items()}
    to_id = {label: i for i, label in to_label.items()}
    for member, applicant in same.items():
        to_label[member] = to_label[applicant]
    return Labels(to_label, to_id, names)


# --- officers (M2) --------------------------------------------------------------------------------


def officers(meeting: Meeting) -> QuerySet[Officer]:
    return Officer.objects.filter(meeting=meeting).select_related("member", "user").order_by("role", "pk")


def candidate_numbers(meeting: Meeting, outcome: ElectionOutcome | None = None) -> set[str]:
    """Every applicant who stands in any round of the meeting: formal lists, rounds, opt-ins (M2)."""
    numbers = {n for ids in formal_candidates(meeting.election, outcome).values() for n in ids}
    for cands in Round.objects.filter(meeting=meeting).values_list("candidates", flat=True):
        numbers.update(str(c) for c in cands)
    numbers.update(
        OptIn.objects.filter(round__meeting=meeting, stands=True).values_list("applicant__number", flat=True)
    )
    return numbers


def candidate_members(meeting: Meeting, outcome: ElectionOutcome | None = None) -> set[str]:
    """Roster numbers of the meeting's candidates: the linked member, else a member of the same name."""
    from zhixuan.web.nomination.models import Applicant

    numbers = candidate_numbers(meeting, outcome)
    election = meeting.election
    by_name: dict[str, list[str]] = {}
    for number, name in Member.objects.filter(election=election).values_list("number", "name"):
        by_name.setdefault(name, []).append(number)
    out: set[str] = set()
    for a in Applicant.objects.filter(election=election, number__in=numbers).select_related("member"):
        if a.member is not None:
            out.add(a.member.number)
        else:
            out.update(by_name.get(a.name, []))
    roster_numbers = {m for ms in by_name.values() for m in ms}
    out.update(n for n in numbers if n in roster_numbers)  # write-in winners are named by roster number
    return out


OFFICER_ELIGIBLE = ("scrutineer_eligible", "teller_eligible")


def officer_check(meeting: Meeting, member: Member, role: str, outcome: ElectionOutcome | None = None) -> Decision:
    """M2 by the core for ``member`` in ``role``: no candidate of any round; a scrutineer must also have
    voting rights (``check_scrutineers``), a teller need not (``check_tellers``)."""
    election = meeting.election
    lab = labels(election)
    if role == OfficerRole.TELLER:
        return check_tellers(lab.labels([member.number]), lab.labels(sorted(candidate_members(meeting, outcome))))[0]
    rights = [m.number for m in roster.members(election) if has_rights(m)]
    decisions = check_scrutineers(
        lab.labels([member.number]), lab.labels(sorted(candidate_members(meeting, outcome))), lab.labels(rights)
    )
    return decisions[0]


def scrutineer_of(user: Any, meeting: Meeting) -> Officer | None:
    """The approved scrutineer ``user`` acts as in ``meeting`` (S3 confirmations), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Officer.objects.filter(meeting=meeting, user=user, role__in=SCRUTINEER_ROLES, approved_at__isnull=False)
        .select_related("member")
        .first()
    )


def officer_of(user: Any, meeting: Meeting) -> Officer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Officer.objects.filter(meeting=meeting, user=user, approved_at__isnull=False).first()


# --- rounds (M3, M8–M10) --------------------------------------------------------------------------


def rounds(meeting: Meeting) -> QuerySet[Round]:
    return Round.objects.filter(meeting=meeting).select_related("position", "followup_of").order_by("order")


def position_order(election: Election) -> list[Position]:
    """The preset's round order (M3): top-down by the positions' order, or the committee first."""
    positions = list(election.positions.order_by("order"))
    if election_settings(election).round_order == "committee_first":
        positions.sort(key=lambda p: (p.kind != PositionKind.MEMBER, p.order))
    return positions


def run_rounds(outcome: ElectionOutcome) -> list[dict[str, Any]]:
    rows = outcome.outcome("rounds")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def chain_results(rnd: Round, outcome: ElectionOutcome) -> list[dict[str, Any]]:
    """The core's results for a regular round and its follow-ups, in order."""
    return [r for r in run_rounds(outcome) if r["key"] == rnd.key or str(r["key"]).startswith(f"{rnd.key}/")]


def result_of(rnd: Round, outcome: ElectionOutcome) -> dict[str, Any] | None:
    """The core's result for this very vote (a regular round or one follow-up)."""
    return next((r for r in run_rounds(outcome) if r["key"] == rnd.key), None)


def chain_complete(rnd: Round, outcome: ElectionOutcome) -> bool:
    results = chain_results(rnd, outcome)
    return bool(results) and results[-1]["status"] == "complete"


def chain_winners(rnd: Round, outcome: ElectionOutcome) -> list[str]:
    return [str(w) for r in chain_results(rnd, outcome) for w in r["winners"]]


@dataclass
class RoundPlan:
    """What the next round will be, or why none can be created yet (``blocked``)."""

    kind: str = RoundKind.REGULAR
    position: Position | None = None
    key: str = ""
    seats: int = 0
    candidates: list[str] = field(default_factory=list)
    followup_of: Round | None = None
    electorate: str = "members"
    decisions: list[Decision] = field(default_factory=list)
    rule: str = "M3"
    zh: str = ""
    en: str = ""
    blocked: str = ""
    finished: bool = False


def next_round(meeting: Meeting, outcome: ElectionOutcome | None = None) -> RoundPlan:
    """The next round per the core: a follow-up the run needs (M8–M10), else the next position (M3)."""
    election = meeting.election
    existing = list(rounds(meeting))
    unfinished = [r for r in existing if r.status in UNFINISHED]
    if unfinished:
        r = unfinished[0]
        return RoundPlan(blocked=f"第 {r.order} 轮（{r.key}）尚未确认计票结果；下一轮的选票须在上一轮结束后产生 (M3)")
    outcome = outcome or election_outcome(election)
    if outcome.report is None:
        problems = "；".join(p.zh for p in outcome.problems)
        return RoundPlan(blocked=f"选举记录无法由规则核心计算：{problems}")
    lab = labels(election)
    regular = [r for r in existing if r.followup_of_id is None]
    needs = outcome.report.needs
    if needs is not None and existing:
        last = run_rounds(outcome)[-1] if run_rounds(outcome) else None
        detail = last.get("needs") if last else None
        if not detail:
            return RoundPlan(blocked=f"{needs.zh} ({needs.rule})")
        parent = next((r for r in regular if r.key == str(last["key"]).split("/")[0]), None)  # type: ignore[index]
        if parent is None:
            return RoundPlan(blocked=f"{needs.zh} ({needs.rule})")
        if detail["kind"] == "supplementary" and not detail["candidates"]:
            return RoundPlan(blocked=f"{needs.zh} ({needs.rule})")
        kind = "rerun" if detail["kind"] in ("rerun", "quorum") else str(detail["kind"])
        step = sum(1 for r in existing if r.followup_of_id == parent.pk) + 1
        return RoundPlan(
            kind=kind,
            position=parent.position,
            key=f"{parent.key}/{kind}-{step}",
            seats=int(detail["seats"]),
            candidates=lab.stroke_sorted(str(c) for c in detail["candidates"]),
            followup_of=parent,
            electorate=parent.electorate,
            rule=needs.rule,
            zh=needs.zh,
            en=needs.en,
        )
    if needs is not None:
        return RoundPlan(blocked=f"{needs.zh} ({needs.rule})")
    done = {r.position_id for r in regular}
    position = next((p for p in position_order(election) if p.pk not in done), None)
    if position is None:
        return RoundPlan(finished=True, blocked="各职位均已选举完毕 (M3)")
    formal = formal_candidates(election, outcome)
    if not formal:
        return RoundPlan(blocked="尚未产生正式候选人，不能安排选举轮次 (C1–C3)")
    settings = election_settings(election)
    committee = settings.round_order == "committee_first" and position.kind != PositionKind.MEMBER
    own = list(formal.get(position.kind, []))
    name = position.get_kind_display()
    key = f"r{len(regular) + 1}-{position.kind}"
    if committee:
        elected = set(committee_members(meeting, outcome))
        own = [n for n in own if n in elected]
        if not own:
            return RoundPlan(blocked=f"{name}的正式候选人中没有新当选的委员，委员会全体会议无法选举 (M3)")
        return RoundPlan(
            position=position,
            key=key,
            seats=position.seats,
            candidates=lab.stroke_sorted(own),
            electorate="committee",
            zh=f"委员会全体会议选举{name}",
            en=f"the committee's plenary elects the {position.kind}",
        )
    if not own:
        return RoundPlan(blocked=f"{name}没有正式候选人 (C1)")
    previous: list[RoundOutcome] = []
    for r in regular:
        if r.electorate == "committee":
            continue
        spec = RoundSpec(key=r.key, position=r.position.get_kind_display(), seats=r.seats,
                         candidates=lab.labels(r.candidates))  # fmt: skip
        previous.append(RoundOutcome(spec, "complete", lab.labels(chain_winners(r, outcome))))
    opt_ins: list[str] = []
    if regular:
        opt_ins = list(
            OptIn.objects.filter(round=regular[-1], stands=True)
            .order_by("pk")
            .values_list("applicant__number", flat=True)
        )
    spec = RoundSpec(key=key, position=str(name), seats=position.seats, candidates=lab.labels(own))
    try:
        joined, decisions = cascade(previous, lab.labels(opt_ins), spec, settings)
    except RoundOrderError as exc:
        return RoundPlan(blocked=f"轮次顺序错误：{exc} (M3)")
    return RoundPlan(
        position=position,
        key=key,
        seats=position.seats,
        candidates=lab.stroke_sorted(lab.ids(joined)),
        decisions=decisions,
        zh=f"{name}选举",
        en=f"election of the {position.kind}",
    )


@dataclass
class OptInQuestion:
    round: Round
    applicant_number: str
    name: str
    answer: bool | None


def opt_in_questions(meeting: Meeting, outcome: ElectionOutcome | None = None) -> list[OptInQuestion]:
    """M3: the losers of the last ended regular round, asked whether they stand in the next round."""
    election = meeting.election
    if not election_settings(election).cascade:
        return []
    existing = list(rounds(meeting))
    regular = [r for r in existing if r.followup_of_id is None and r.electorate != "committee"]
    if not regular or any(r.status in UNFINISHED for r in existing):
        return []
    last = regular[-1]
    done = {r.position_id for r in regular}
    remaining = [p for p in position_order(election) if p.pk not in done]
    if not remaining:
        return []
    if election_settings(election).round_order == "committee_first":
        return []
    outcome = outcome or election_outcome(election)
    if not chain_complete(last, outcome):
        return []
    winners = set(committee_members(meeting, outcome))
    lab = labels(election)
    answers = {o.applicant.number: o.stands for o in OptIn.objects.filter(round=last).select_related("applicant")}
    return [
        OptInQuestion(last, n, lab.name(n), answers.get(n))
        for n in lab.stroke_sorted(str(c) for c in last.candidates)
        if n not in winners
    ]


def pending_confirmations(rnd: Round) -> list[Any]:
    return list(rnd.confirmations.filter(confirmed_at=None).select_related("requested_by"))


def ordered_names(election: Election, numbers: Sequence[str]) -> list[tuple[str, str]]:
    lab = labels(election)
    return [(n, lab.name(n)) for n in numbers]
