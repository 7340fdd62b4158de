"""Reads of the recommendation stages. Who is qualified, the scores, the selection and the drawn
orders come from the rules core through ``election_outcome`` (the election's record run as a
scenario); nothing is decided here."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhixuan.rules.decision import Decision, percent
from zhixuan.rules.stage_presets import MEMBERS, PUBLIC
from zhixuan.scenario.report import Needed, Section
from zhixuan.web.elections.models import Election, PositionKind
from zhixuan.web.elections.outcomes import ElectionOutcome, election_outcome
from zhixuan.web.nomination.models import Applicant
from zhixuan.web.recommendation.models import (
    CheckIn,
    Lot,
    LotPurpose,
    RecommendationBallot,
    RecommendationStage,
    StageGroup,
    StageStatus,
    VotingCode,
)
from zhixuan.web.roster.models import Member, PublicRep
from zhixuan.web.roster.selectors import to_rules_member

POSITION_NAMES = dict(PositionKind.choices)


def stages(election: Election) -> QuerySet[RecommendationStage]:
    return RecommendationStage.objects.filter(election=election).prefetch_related("groups").order_by("order")


def stage(election: Election, key: str) -> RecommendationStage | None:
    return stages(election).filter(key=key).select_related("election", "current_speaker").first()


def qualified(election: Election, outcome: ElectionOutcome | None = None) -> dict[str, list[str]]:
    """Position kind → applicant numbers qualified by the review (N4), as the core decides."""
    outcome = outcome or election_outcome(election)
    value = outcome.outcome("qualified")
    if not isinstance(value, dict):
        return {}
    return {str(k): [str(n) for n in v] for k, v in value.items()}


def speakers(election: Election) -> list[str]:
    """Everyone qualified for any position, once each, in canonical order: the items of the speech lot."""
    return sorted({n for numbers in qualified(election).values() for n in numbers})


def speaker_list(election: Election) -> list[Nominee]:
    """The speech lot's items with names, in canonical order."""
    numbers = speakers(election)
    people = _applicants(election, set(numbers))
    return [people[n] for n in numbers if n in people]


def applicant_names(election: Election) -> dict[str, str]:
    return dict(Applicant.objects.filter(election=election).values_list("number", "name"))


@dataclass(frozen=True)
class Nominee:
    number: str
    name: str
    positions: list[str]  # names of the positions qualified for, in preference order


def nominees(election: Election, outcome: ElectionOutcome | None = None) -> dict[str, list[Nominee]]:
    """Qualified nominees per position kind, with names (for ballot forms)."""
    by_kind = qualified(election, outcome)
    people = _applicants(election, {n for ns in by_kind.values() for n in ns})
    return {kind: [people[n] for n in numbers if n in people] for kind, numbers in by_kind.items()}


def _applicants(election: Election, numbers: set[str]) -> dict[str, Nominee]:
    rows = Applicant.objects.filter(election=election, number__in=numbers).prefetch_related("positions__position")
    return {
        a.number: Nominee(
            a.number, a.name, [str(POSITION_NAMES.get(p.position.kind, p.position.kind)) for p in a.positions.all()]
        )
        for a in rows
    }


def position_choices(election: Election) -> list[tuple[str, str]]:
    return [(p.kind, str(POSITION_NAMES.get(p.kind, p.kind))) for p in election.positions.order_by("order")]


# --- lots -------------------------------------------------------------------------------------


def lot(election: Election, purpose: str) -> Lot | None:
    return Lot.objects.filter(election=election, purpose=purpose).first()


@dataclass(frozen=True)
class LotView:
    """What a page may show of a lot: never the secret before the reveal (L1)."""

    purpose: str
    label: str
    commitment: str
    committed_at: datetime
    revealed: bool
    entropy: str
    secret: str | None
    revealed_at: datetime | None
    order: list[Nominee]
    draws: list[dict[str, Any]]
    verify_command: str


def lot_view(election: Election, purpose: str) -> LotView | None:
    row = lot(election, purpose)
    if row is None:
        return None
    revealed = row.revealed_at is not None
    order: list[Nominee] = []
    draws: list[dict[str, Any]] = []
    command = ""
    if revealed and purpose == LotPurpose.SPEECH:
        people = _applicants(election, set(row.result))
        order = [people.get(n, Nominee(n, n, [])) for n in row.result]
        command = verify_command(row, row.label, row.result)
    elif revealed:
        names = applicant_names(election)
        for item in row.result if isinstance(row.result, list) else []:
            draws.append({**item, "names": [names.get(n, n) for n in item.get("order", [])]})
        if draws:
            command = verify_command(row, draws[0]["label"], draws[0]["order"])
    return LotView(
        purpose=purpose,
        label=row.label,
        commitment=row.commitment,
        committed_at=row.committed_at,
        revealed=revealed,
        entropy=row.entropy if revealed else "",
        secret=row.secret if revealed else None,
        revealed_at=row.revealed_at,
        order=order,
        draws=draws,
        verify_command=command,
    )


def verify_command(row: Lot, label: str, order: list[str]) -> str:
    """The command line anyone can run to recompute a revealed draw (L1)."""
    parts = [
        "zhixuan lot verify",
        f"--secret {row.secret}",
        f"--commitment {row.commitment}",
        f"--entropy {shlex.quote(row.entropy)}",
        f"--label {shlex.quote(label)}",
        f"--order {shlex.quote(','.join(order))}",
        *(shlex.quote(n) for n in sorted(order)),
    ]
    return " ".join(parts)


def speech_order(election: Election) -> list[Applicant]:
    """The nominees in the drawn speech order (R6), once the lot is revealed."""
    row = Lot.objects.filter(election=election, purpose=LotPurpose.SPEECH, revealed_at__isnull=False).first()
    if row is None:
        return []
    people = {a.number: a for a in Applicant.objects.filter(election=election, number__in=row.result)}
    return [people[n] for n in row.result if n in people]


def selection_lot_needed(election: Election, outcome: ElectionOutcome | None = None) -> Needed | None:
    """The R3 cut-off tie the selection waits on (only when the settings break ties by lot)."""
    outcome = outcome or election_outcome(election)
    needs = outcome.report.needs if outcome.report is not None else None
    if needs is not None and needs.step == "selection" and needs.rule == "R3":
        return needs
    return None


def selection_draws(election: Election) -> list[dict[str, Any]]:
    """The L1 draws the core made for the cut-off ties (one per tied position)."""
    section = election_outcome(election).section("selection")
    if section is None:
        return []
    return [
        {"label": d.facts["label"], "order": list(d.facts["order"])}  # type: ignore[arg-type]
        for d in section.decisions
        if d.rule == "L1" and d.code == "lot_drawn"
    ]


# --- check-in and the projector -----------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    group: StageGroup
    checked_in: int
    codes: int
    codes_used: int
    paper_ballots: int
    online_ballots: int


def group_counts(stage: RecommendationStage) -> list[GroupCount]:
    checkins = dict(
        CheckIn.objects.filter(stage=stage).values("group").annotate(n=Count("pk")).values_list("group", "n")
    )
    codes = {
        row["group"]: row
        for row in VotingCode.objects.filter(stage=stage)
        .values("group")
        .annotate(n=Count("pk"), used=Count("pk", filter=Q(used=True)))
    }
    ballots: dict[tuple[int, str], int] = {}
    for b in RecommendationBallot.objects.filter(stage=stage).values("group", "source", "count"):
        key = (b["group"], b["source"])
        ballots[key] = ballots.get(key, 0) + b["count"]
    return [
        GroupCount(
            group=g,
            checked_in=checkins.get(g.pk, 0),
            codes=codes.get(g.pk, {}).get("n", 0),
            codes_used=codes.get(g.pk, {}).get("used", 0),
            paper_ballots=ballots.get((g.pk, "paper"), 0),
            online_ballots=ballots.get((g.pk, "online"), 0),
        )
        for g in stage.groups.all()
    ]


@dataclass(frozen=True)
class RosterHit:
    kind: str  # "member" | "public_rep"
    pk: int
    number: str
    name: str
    detail: str
    allowed: bool
    refusal: str
    checked_in_group: str


def search_roster(stage: RecommendationStage, group: StageGroup, query: str, limit: int = 20) -> list[RosterHit]:
    """Roster rows matching ``query`` (number or name) for check-in into ``group``."""
    from zhixuan.rules import people

    query = query.strip()
    if not query or group.key not in (MEMBERS, PUBLIC):
        return []
    done: dict[tuple[str, int], str] = {}
    for c in CheckIn.objects.filter(stage=stage).select_related("group"):
        if c.member_id:
            done[("member", c.member_id)] = c.group.name
        if c.public_rep_id:
            done[("public_rep", c.public_rep_id)] = c.group.name
    hits: list[RosterHit] = []
    match = Q(number__icontains=query) | Q(name__icontains=query)
    if group.key == MEMBERS:
        for m in Member.objects.filter(match, election=stage.election).select_related("excusal")[:limit]:
            decision = people.voting_rights(to_rules_member(m))
            allowed = decision.code == "has_rights"
            hits.append(
                RosterHit(
                    "member",
                    m.pk,
                    m.number,
                    m.name,
                    m.branch,
                    allowed,
                    "" if allowed else decision.zh,
                    done.get(("member", m.pk), ""),
                )
            )
    else:
        for r in PublicRep.objects.filter(match, election=stage.election)[:limit]:
            hits.append(
                RosterHit("public_rep", r.pk, r.number, r.name, r.unit, True, "", done.get(("public_rep", r.pk), ""))
            )
    return hits


def recent_checkins(stage: RecommendationStage, limit: int = 10) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(stage=stage).select_related("group", "member", "public_rep").order_by("-pk")[:limit]
    )


def seconds_left(stage: RecommendationStage, now: datetime) -> int:
    if stage.speaker_started_at is None:
        return stage.clock_remaining if stage.clock_remaining is not None else stage.speech_seconds
    elapsed = int((now - stage.speaker_started_at).total_seconds())
    return max(stage.speech_seconds - elapsed, 0)


@dataclass(frozen=True)
class ScreenState:
    stage: RecommendationStage
    current: Nominee | None
    position: int  # 1-based place of the current speaker in the order
    total: int
    upcoming: list[Nominee]
    running: bool
    seconds_left: int
    deadline_ms: int | None  # epoch milliseconds when the clock reaches zero, while running
    now_ms: int  # the server's clock, so the page can correct for a projector PC's wrong clock


def screen_state(stage: RecommendationStage) -> ScreenState:
    order = speech_order(stage.election)
    people = _applicants(stage.election, {a.number for a in order})
    numbers = [a.number for a in order]
    current_number = stage.current_speaker.number if stage.current_speaker_id else None
    index = numbers.index(current_number) if current_number in numbers else -1
    upcoming = [people[n] for n in numbers[index + 1 : index + 4] if n in people]
    now = timezone.now()
    left = seconds_left(stage, now)
    running = stage.speaker_started_at is not None
    deadline = None
    if running:
        assert stage.speaker_started_at is not None
        deadline = int(stage.speaker_started_at.timestamp() * 1000) + stage.speech_seconds * 1000
    return ScreenState(
        stage=stage,
        current=people.get(current_number) if current_number else None,
        position=index + 1,
        total=len(numbers),
        upcoming=upcoming,
        running=running,
        seconds_left=left,
        deadline_ms=deadline,
        now_ms=int(now.timestamp() * 1000),
    )


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    rank: int
    name: str
    score: str  # percentage with 2 decimals (R1)
    width: str  # the bar's CSS width


@dataclass(frozen=True)
class ScoreTable:
    position: str
    rows: list[ScoreRow]


@dataclass(frozen=True)
class ResultSection:
    key: str
    title_zh: str
    title_en: str
    tables: list[ScoreTable]
    decisions: list[Decision]
    summary: list[Decision]  # the decisions worth showing at a glance (everything but per-nominee lines)
    rows: list[list[object]] = field(default_factory=list)  # plain table rows (selection)


@dataclass(frozen=True)
class StageResults:
    """Everything a results page needs, public or staff: no secret before its reveal."""

    stages_closed: bool
    stage_count: int
    problems: list[Any]
    needs: Needed | None
    needs_selection_lot: bool
    sections: list[ResultSection]
    selection: ResultSection | None
    preliminary: list[tuple[str, list[str]]]
    speech_lot: LotView | None
    selection_lot: LotView | None


_PER_NOMINEE = {"stage_score", "combined_score", "kept", "not_kept", "pending_lot"}


def _score_section(section: Section) -> ResultSection:
    tables = []
    for table in section.tables:
        position = str(table.columns[1][0])
        rows = []
        for rank, name, score, _bar in table.rows:
            value = score if isinstance(score, Fraction) else Fraction(str(score))
            text = percent(value)
            rows.append(ScoreRow(int(str(rank)), str(name), text, text if value <= 1 else "100%"))
        tables.append(ScoreTable(position, rows))
    return ResultSection(
        section.key,
        section.title_zh,
        section.title_en,
        tables,
        list(section.decisions),
        [d for d in section.decisions if d.code not in _PER_NOMINEE],
    )


def stage_results(election: Election) -> StageResults:
    """The recommendation results as the core decides them: per-stage and combined ranked scores
    (R1, R2), the selection (R3, R4) with any cut-off lot, and the preliminary candidates."""
    all_stages = list(RecommendationStage.objects.filter(election=election))
    closed = bool(all_stages) and all(s.status == StageStatus.CLOSED for s in all_stages)
    outcome = election_outcome(election)
    sections = [_score_section(s) for s in outcome.sections("stage:")]
    combined = outcome.section("combined")
    if combined is not None:
        sections.append(_score_section(combined))
    selection_section = outcome.section("selection")
    selection = None
    if selection_section is not None:
        selection = ResultSection(
            selection_section.key,
            selection_section.title_zh,
            selection_section.title_en,
            [],
            list(selection_section.decisions),
            [d for d in selection_section.decisions if d.code not in _PER_NOMINEE],
            [list(r) for t in selection_section.tables for r in t.rows],
        )
    preliminary: list[tuple[str, list[str]]] = []
    value = outcome.outcome("preliminary")
    if isinstance(value, dict) and closed:
        names = applicant_names(election)
        preliminary = [
            (str(POSITION_NAMES.get(kind, kind)), [names.get(n, n) for n in numbers]) for kind, numbers in value.items()
        ]
    needs = outcome.report.needs if outcome.report is not None else None
    return StageResults(
        stages_closed=closed,
        stage_count=len(all_stages),
        problems=list(outcome.problems),
        needs=needs,
        needs_selection_lot=selection_lot_needed(election, outcome) is not None,
        sections=sections,
        selection=selection,
        preliminary=preliminary,
        speech_lot=lot_view(election, LotPurpose.SPEECH),
        selection_lot=lot_view(election, LotPurpose.SELECTION),
    )
