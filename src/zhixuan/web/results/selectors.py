"""Reads for the meeting's results, the result report, the projector and the observer view (M1, M11, S2).

Nothing here decides. Per-candidate counts, winners, what a round still needs and every decision
with its rule ID come from the rules core's run of the election's record (``elections.outcomes``):
staff see the run of every accepted round; the public sees the run of the record cut back to the
published rounds, so nothing of a round shows outside before the scrutineers confirm its
publication (S3). Quorum for the hall is ``rules.meeting.check_quorum`` (M1) on the roster's
expected attendance (P2) and the eligible members checked in (P1).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhixuan.rules.decision import Decision
from zhixuan.rules.meeting import check_quorum
from zhixuan.rules.stroke_order import name_key
from zhixuan.scenario.errors import Problem, ScenarioError
from zhixuan.scenario.loader import validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.strokes import stroke_table
from zhixuan.web.audit.models import AuditChain
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections.models import Election, PositionKind
from zhixuan.web.elections.outcomes import ElectionOutcome, election_outcome
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.meeting import selectors as meeting_selectors
from zhixuan.web.meeting.models import (
    Meeting,
    Officer,
    OfficerRole,
    ReportSignature,
    ResultReport,
    Round,
    RoundStatus,
)
from zhixuan.web.roster import selectors as roster

DONE = (RoundStatus.ACCEPTED, RoundStatus.PUBLISHED)
SIGNING_ROLES = (OfficerRole.SCRUTINEER, OfficerRole.CHIEF_SCRUTINEER)


# --- the rounds as the core decided them ----------------------------------------------------------


@dataclass(frozen=True)
class VoteView:
    """One vote of a round (the round itself, a tie re-vote, a supplementary vote or a re-run)."""

    key: str
    kind: str
    seats: int
    present: int | None
    issued: int
    collected: int
    valid: int
    invalid: int
    # The core's table: candidate, for, against, abstain, elected mark — all candidates by votes (M11).
    columns: list[tuple[str, str]]
    rows: list[list[Any]]
    winners: list[str]
    status: str
    needs: dict[str, Any] | None


@dataclass(frozen=True)
class RoundView:
    key: str
    title_zh: str
    title_en: str
    position: str
    status: str
    status_label: str
    votes: list[VoteView]
    elected: list[str]  # names by surname strokes (C4, M11)
    decisions: list[Decision]


@dataclass(frozen=True)
class ElectedView:
    position: str
    title: str
    seats: int
    names: list[str]  # by surname strokes (C4, M11)
    numbers: list[str]


@dataclass
class Results:
    problems: tuple[Problem, ...] = ()
    rounds: list[RoundView] = field(default_factory=list)
    elected: list[ElectedView] = field(default_factory=list)
    needs: Any = None  # a scenario ``Needed`` when the next vote must be generated (M8–M10)
    settings: dict[str, Any] = field(default_factory=dict)
    expected: int | None = None


def meeting_of(election: Election) -> Meeting | None:
    return Meeting.objects.filter(election=election).first()


def _names(election: Election) -> dict[str, str]:
    from zhixuan.web.nomination.models import Applicant

    names = {m.number: m.name for m in roster.members(election)}
    names.update(dict(Applicant.objects.filter(election=election).values_list("number", "name")))
    return names


def by_strokes(numbers: list[str], names: dict[str, str]) -> list[str]:
    """C4 order of people given by number, as the runner orders them (surname strokes, then number)."""
    table = stroke_table()
    return sorted(numbers, key=lambda n: (name_key(names.get(n, n), table), n))


def _vote_rows(meeting: Meeting | None) -> dict[str, Round]:
    """Each counted vote's round row by the key the core gives the vote (``r3``, ``r3/supplementary-1``)."""
    if meeting is None:
        return {}
    rows = list(Round.objects.filter(meeting=meeting).order_by("order"))
    out: dict[str, Round] = {r.key: r for r in rows if r.followup_of_id is None}
    parents = {r.pk: r for r in rows}
    numbered: dict[int, int] = {}
    for r in rows:
        if r.followup_of_id is None or r.status not in DONE:
            continue
        parent = parents[r.followup_of_id]
        step = numbered[parent.pk] = numbered.get(parent.pk, 0) + 1
        out[f"{parent.key}/{r.kind}-{step}"] = r  # the runner's key of the n-th follow-up
    return out


def _results(election: Election, outcome: ElectionOutcome) -> Results:
    result = Results(problems=outcome.problems)
    report = outcome.report
    if report is None:
        return result
    result.needs = report.needs
    result.settings = dict(report.settings)
    expected = report.outcome.get("expected")
    result.expected = expected if isinstance(expected, int) else None
    names = _names(election)
    meeting = meeting_of(election)
    rows_by_key = _vote_rows(meeting)
    votes_json = report.outcome.get("rounds")
    votes_json = votes_json if isinstance(votes_json, list) else []
    for section in outcome.sections("round:"):
        key = section.key.split(":", 1)[1]
        own = [v for v in votes_json if v["key"] == key or str(v["key"]).startswith(key + "/")]
        votes = []
        for data, table in zip(own, section.tables, strict=False):
            row = rows_by_key.get(data["key"])
            votes.append(
                VoteView(
                    key=data["key"],
                    kind=data["kind"],
                    seats=data["seats"],
                    present=row.present if row is not None else None,
                    issued=data["issued"],
                    collected=data["collected"],
                    valid=data["valid"],
                    invalid=data["invalid"],
                    columns=list(table.columns),
                    rows=[list(r) for r in table.rows],
                    winners=[names.get(w, w) for w in data["winners"]],
                    status=data["status"],
                    needs=data["needs"],
                )
            )
        row = rows_by_key.get(key)
        elected = section.facts.get("当选 / elected")
        result.rounds.append(
            RoundView(
                key=key,
                title_zh=section.title_zh,
                title_en=section.title_en,
                position=own[0]["position_id"] if own else "",
                status=row.status if row is not None else "",
                status_label=str(row.get_status_display()) if row is not None else "",
                votes=votes,
                elected=list(elected) if isinstance(elected, list) else [],
                decisions=list(section.decisions),
            )
        )
    elected_ids = report.outcome.get("elected")
    if not isinstance(elected_ids, dict):
        # The run stopped for the next vote (M8–M10): those elected so far are each vote's winners.
        elected_ids = {}
        for data in votes_json:
            elected_ids.setdefault(data["position_id"], []).extend(data["winners"])
    if result.rounds:
        kinds = dict(PositionKind.choices)
        for position in election.positions.all():
            numbers = by_strokes(list(elected_ids.get(position.kind, [])), names)
            result.elected.append(
                ElectedView(
                    position=position.kind,
                    title=str(kinds.get(position.kind, position.kind)),
                    seats=position.seats,
                    names=[names.get(n, n) for n in numbers],
                    numbers=numbers,
                )
            )
    return result


def staff_results(election: Election) -> Results:
    """Every round the scrutineers accepted, as the core decides it (staff only)."""
    return _results(election, election_outcome(election))


def published_document(election: Election) -> dict[str, Any]:
    """The election's record with the meeting cut back to its published votes.

    Rounds run in order (M3: a round depends on the one before), so the record stops at the first
    regular round not yet published, and at the first of its follow-ups not yet published.
    """
    doc = election_scenario(election)
    meeting_doc = doc.get("meeting")
    if not meeting_doc or not meeting_doc.get("rounds"):
        return doc
    meeting = meeting_of(election)
    rows = list(Round.objects.filter(meeting=meeting).order_by("order"))
    by_key = {r.key: r for r in rows if r.followup_of_id is None}
    followups: dict[int, list[str]] = {}
    for r in rows:
        if r.followup_of_id is not None and r.status in DONE:
            followups.setdefault(r.followup_of_id, []).append(r.status)
    kept: list[dict[str, Any]] = []
    for entry in meeting_doc["rounds"]:
        row = by_key.get(entry.get("id", ""))
        if row is None or row.status != RoundStatus.PUBLISHED:
            break
        statuses = followups.get(row.pk, [])
        shown = next((i for i, s in enumerate(statuses) if s != RoundStatus.PUBLISHED), len(statuses))
        entry = copy.deepcopy(entry)
        if shown < len(statuses):
            entry["followups"] = entry.get("followups", [])[:shown]
            if not entry["followups"]:
                del entry["followups"]
            entry.pop("leave_empty", None)
            kept.append(entry)
            break
        kept.append(entry)
    if kept:
        doc["meeting"] = {**meeting_doc, "rounds": kept}
    else:
        doc.pop("meeting")
    return doc


def public_outcome(election: Election) -> ElectionOutcome:
    try:
        return ElectionOutcome(run_scenario(validate(published_document(election))))
    except ScenarioError as exc:
        return ElectionOutcome(None, tuple(exc.problems))
    except ValueError as exc:
        return ElectionOutcome(
            None, (Problem("(record)", f"记录无法导出：{exc}", f"record cannot be exported: {exc}"),)
        )


def public_results(election: Election) -> Results:
    """Only the published rounds (what the public, observers and the projector may see)."""
    return _results(election, public_outcome(election))


# --- the hall: expected, present, quorum (M1) -----------------------------------------------------


@dataclass(frozen=True)
class Hall:
    expected: int
    present: int  # eligible members checked in and not checked out (P1)
    probationary: int  # checked in without voting rights: shown, no ballot
    quorum: Decision


def hall(meeting: Meeting) -> Hall:
    """The meeting app's live M1 check (P2 expected, P1 present), as shown on the projector."""
    q = meeting_selectors.quorum(meeting)
    return Hall(expected=q.expected, present=q.present, probationary=q.present_all - q.present, quorum=q.decision)


# --- the projector and the observer view ----------------------------------------------------------


@dataclass(frozen=True)
class CurrentRound:
    round: Round
    title: str
    candidates: list[str]  # names in ballot order (C4), fixed when the round opens (M3)
    quorum: Decision | None  # with the present count snapshotted at the opening (M1)
    deadline: datetime | None
    minutes: int | None


@dataclass(frozen=True)
class Screen:
    meeting: Meeting | None
    hall: Hall | None
    current: CurrentRound | None
    results: Results
    latest: RoundView | None  # the last published round, shown big
    now_ms: int
    deadline_ms: int | None
    seconds_left: int | None


def _round_title(rnd: Round) -> str:
    kinds = dict(PositionKind.choices)
    position = str(kinds.get(rnd.position.kind, rnd.position.kind))
    if rnd.kind == "regular":
        return position
    return f"{position} · {rnd.get_kind_display()}"


def current_round(election: Election, meeting: Meeting) -> CurrentRound | None:
    """The round being voted on, else the next one to open; ``None`` when all are done."""
    rounds = Round.objects.filter(meeting=meeting).select_related("position").order_by("order")
    rnd = rounds.filter(status=RoundStatus.OPEN).first() or rounds.filter(status=RoundStatus.DRAFT).first()
    if rnd is None:
        rnd = rounds.filter(status=RoundStatus.CLOSED).first()
    if rnd is None:
        return None
    names = _names(election)
    quorum = None
    if rnd.electorate == "committee":
        quorum = meeting_selectors.round_quorum(rnd).decision
    elif rnd.present is not None:  # M1 with the count taken when the round opened
        expected = roster.attendance(election).expected
        quorum = check_quorum(rnd.present, expected, roster.election_settings(election), subject=rnd.key)
    clock = getattr(rnd, "voting_clock", None)
    minutes = clock.minutes if clock is not None else None
    deadline = None
    if minutes is not None and rnd.opened_at is not None:
        deadline = rnd.opened_at + timedelta(minutes=minutes)
    return CurrentRound(
        round=rnd,
        title=_round_title(rnd),
        candidates=[names.get(n, n) for n in rnd.candidates],
        quorum=quorum,
        deadline=deadline,
        minutes=minutes,
    )


def screen(election: Election) -> Screen:
    meeting = meeting_of(election)
    now = timezone.now()
    results = public_results(election)
    latest = results.rounds[-1] if results.rounds else None
    if meeting is None:
        return Screen(None, None, None, results, latest, int(now.timestamp() * 1000), None, None)
    current = current_round(election, meeting)
    deadline_ms = seconds_left = None
    if current is not None and current.deadline is not None and current.round.status == RoundStatus.OPEN:
        deadline_ms = int(current.deadline.timestamp() * 1000)
        seconds_left = max(0, int((current.deadline - now).total_seconds()))
    return Screen(
        meeting=meeting,
        hall=hall(meeting),
        current=current,
        results=results,
        latest=latest,
        now_ms=int(now.timestamp() * 1000),
        deadline_ms=deadline_ms,
        seconds_left=seconds_left,
    )


@dataclass(frozen=True)
class Chain:
    head: str
    length: int


def chain(election: Election) -> Chain:
    row = AuditChain.objects.filter(key=election.audit_chain).first()
    return Chain(head=chain_head(election.audit_chain), length=row.length if row is not None else 0)


# --- the result report (M11) --------------------------------------------------------------------


def report_of(election: Election) -> ResultReport | None:
    return ResultReport.objects.filter(meeting__election=election).select_related("meeting", "approved_by").first()


def signing_officers(meeting: Meeting) -> list[Officer]:
    """The approved scrutineers (M2), who sign the result report (M11)."""
    return list(
        Officer.objects.filter(meeting=meeting, role__in=SIGNING_ROLES, approved_at__isnull=False)
        .select_related("member", "user")
        .order_by("pk")
    )


def signer_for(user: Any, meeting: Meeting) -> Officer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return next((o for o in signing_officers(meeting) if o.user_id == user.pk), None)


def signatures(report: ResultReport) -> list[ReportSignature]:
    return list(report.signatures.select_related("officer__member").order_by("signed_at", "pk"))


@dataclass(frozen=True)
class ReportState:
    report: ResultReport | None
    officers: list[Officer]
    signed: list[ReportSignature]
    unsigned: list[Officer]
    me: Officer | None  # the signing scrutineer the viewing user is, if any
    i_signed: bool


def report_state(election: Election, user: Any) -> ReportState:
    meeting = meeting_of(election)
    report = report_of(election)
    officers = signing_officers(meeting) if meeting is not None else []
    signed = signatures(report) if report is not None else []
    signed_ids = {s.officer_id for s in signed}
    me = signer_for(user, meeting) if meeting is not None else None
    return ReportState(
        report=report,
        officers=officers,
        signed=signed,
        unsigned=[o for o in officers if o.pk not in signed_ids],
        me=me,
        i_signed=me is not None and me.pk in signed_ids,
    )


def panel_summary(election: Election) -> dict[str, Any]:
    meeting = meeting_of(election)
    if meeting is None:
        return {"meeting": None}
    counts = {s: Round.objects.filter(meeting=meeting, status=s).count() for s in RoundStatus.values}
    return {"meeting": meeting, "counts": counts, "report": report_of(election), "total": sum(counts.values())}


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def report_content(election: Election) -> tuple[dict[str, Any] | None, list[str]]:
    """The result report's content (M11) from the core's run, or why it cannot be made yet."""
    meeting = meeting_of(election)
    if meeting is None:
        return None, [_("尚未召开党员大会，不能生成选举结果报告单。")]
    rounds = list(Round.objects.filter(meeting=meeting).select_related("position").order_by("order"))
    errors: list[str] = []
    if not rounds:
        errors.append(_("大会还没有任何选举轮次。"))
    for rnd in rounds:
        if rnd.status != RoundStatus.PUBLISHED:
            errors.append(
                _("轮次 %(key)s 当前为“%(status)s”：全部轮次宣布结果后才能生成报告单 (S3)。")
                % {"key": rnd.key, "status": rnd.get_status_display()}
            )
    result = staff_results(election)
    for problem in result.problems:
        errors.append(_("选举记录有误：%(path)s %(text)s") % {"path": problem.path, "text": problem.zh})
    if result.needs is not None:
        errors.append(_("尚需投票：%(text)s (%(rule)s)") % {"text": result.needs.zh, "rule": result.needs.rule})
    held = {r.position for r in result.rounds}
    kinds = dict(PositionKind.choices)
    for position in election.positions.all():
        if position.kind not in held and not result.problems:
            errors.append(_("%(position)s 尚未进行选举 (M3)。") % {"position": kinds.get(position.kind, position.kind)})
    if errors:
        return None, errors
    officers = signing_officers(meeting)
    content = {
        "election": {
            "title": election.title,
            "county": election.township.county.name,
            "township": election.township.name,
            "preset": election.preset,
        },
        "meeting": {
            "title": meeting.title,
            "held_on": meeting.held_on.isoformat() if meeting.held_on else None,
            "place": meeting.place,
        },
        "expected": result.expected,
        "settings": result.settings,
        "scrutineers": [{"number": o.member.number, "name": o.member.name, "role": o.role} for o in officers],
        "rounds": [
            {
                "key": r.key,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "position": r.position,
                "elected": r.elected,
                "votes": [
                    {
                        "key": v.key,
                        "kind": v.kind,
                        "seats": v.seats,
                        "present": v.present,
                        "issued": v.issued,
                        "collected": v.collected,
                        "valid": v.valid,
                        "invalid": v.invalid,
                        "columns": [list(c) for c in v.columns],
                        "rows": v.rows,
                        "winners": v.winners,
                        "status": v.status,
                    }
                    for v in r.votes
                ],
                "decisions": [d.to_json() for d in r.decisions],
            }
            for r in result.rounds
        ],
        "elected": [
            {"position": e.position, "title": e.title, "seats": e.seats, "names": e.names, "numbers": e.numbers}
            for e in result.elected
        ],
    }
    return _plain(content), []
