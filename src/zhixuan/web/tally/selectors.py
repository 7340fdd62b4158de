"""Reads of a round's paper ballots: issued batches, the tellers' sheets, their comparison, and the
core's count of the round (M4, M5, M6).

Every verdict here is the rules core's: a ballot's validity comes from ``zhixuan.rules.ballots``
(``read_ballot`` / ``tally_round``), the round's validity (collected ≤ issued) and the
``valid + invalid = collected`` check from ``tally_round`` / ``tally_totals``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from django.db.models import QuerySet, Sum

from zhixuan.paper.layout import MARGIN, PAGE_W, ROW_MIN, TABLE_BOTTOM, TABLE_TOP, BallotSpec, ballot_layout
from zhixuan.rules import people
from zhixuan.rules.ballots import (
    Attendance,
    Ballot,
    BallotReading,
    Mark,
    RoundKind,
    RoundSpec,
    Tally,
    TallyError,
    WriteIn,
    read_ballot,
    tally_round,
    tally_totals,
)
from zhixuan.rules.decision import Decision
from zhixuan.rules.settings import Settings, preset_settings
from zhixuan.scan.reader import SCALE, ExpectedBallot
from zhixuan.web.elections.models import Election, PositionKind
from zhixuan.web.meeting.models import Meeting, Officer, OfficerRole, Round, RoundStatus
from zhixuan.web.tally.models import (
    Adjudication,
    BallotIssue,
    PaperBallotEntry,
    ScanBatch,
    ScannedSheet,
    ScanStatus,
    SheetMode,
    TallySheet,
)

# Most rows one A4 ballot holds (the layout refuses more): header row excluded.
MAX_BALLOT_ROWS = int((TABLE_BOTTOM - TABLE_TOP) // ROW_MIN) - 1
# Follow-up votes whose ballots take no write-ins in the core (M8: among the tied only).
_NO_WRITE_IN_KINDS = ("revote",)


@dataclass(frozen=True)
class Problem:
    """Something that stops the paper count from being used, in both languages, with its rule."""

    zh: str
    en: str
    rule: str = ""


# --- rounds, officers, names ---------------------------------------------------------------------


def meeting_of(election: Election) -> Meeting | None:
    return Meeting.objects.filter(election=election).first()


def rounds(election: Election) -> QuerySet[Round]:
    return Round.objects.filter(meeting__election=election).select_related("position").order_by("order")


def round_of(election: Election, round_id: int) -> Round | None:
    return (
        Round.objects.filter(meeting__election=election, pk=round_id)
        .select_related("position", "meeting", "meeting__election", "meeting__election__township")
        .first()
    )


def approved_officer(meeting: Meeting, user: Any, roles: Sequence[str] | None = None) -> Officer | None:
    """The approved officer row (M2) through which ``user`` serves at ``meeting``, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = Officer.objects.filter(meeting=meeting, user=user, approved_at__isnull=False)
    if roles is not None:
        found = found.filter(role__in=list(roles))
    return found.select_related("member").first()


def teller_of(meeting: Meeting, user: Any) -> Officer | None:
    return approved_officer(meeting, user, [OfficerRole.TELLER])


def election_settings(election: Election) -> Settings:
    return preset_settings(election.preset, election.overrides)


def applicant_names(election: Election) -> dict[str, str]:
    from zhixuan.web.nomination.models import Applicant

    return dict(Applicant.objects.filter(election=election).values_list("number", "name"))


def candidate_labels(rnd: Round) -> list[tuple[str, str]]:
    """``(applicant number, printed name)`` in ballot order; a name shared by two people gets the number."""
    names = applicant_names(rnd.meeting.election)
    shown = [names.get(n, n) for n in rnd.candidates]
    repeated = {name for name, k in Counter(shown).items() if k > 1}
    return [(n, f"{s}（{n}）" if s in repeated else s) for n, s in zip(rnd.candidates, shown, strict=True)]


def position_label(rnd: Round) -> str:
    return str(dict(PositionKind.choices).get(rnd.position.kind, rnd.position.kind))


def write_in_rows(rnd: Round) -> int:
    """As many write-in rows as seats (M4), as far as the page allows; none on a tie re-vote (M8)."""
    if rnd.kind in _NO_WRITE_IN_KINDS:
        return 0
    return max(0, min(rnd.seats, MAX_BALLOT_ROWS - len(rnd.candidates)))


def ballot_spec(rnd: Round) -> BallotSpec:
    """The printed ballot of ``rnd``: the same for every voter, no serial (S1)."""
    election = rnd.meeting.election
    position = position_label(rnd)
    return BallotSpec(
        election=f"election-{election.pk}",
        round_key=rnd.key,
        style="A",
        title=f"{election.township.name}{position}选举票",
        position=position,
        seats=rnd.seats,
        candidates=tuple(label for _n, label in candidate_labels(rnd)),
        write_in_rows=write_in_rows(rnd),
    )


# --- issued ballots ------------------------------------------------------------------------------


def issues(rnd: Round) -> QuerySet[BallotIssue]:
    return BallotIssue.objects.filter(round=rnd).select_related("recorded_by").order_by("pk")


def paper_issued(rnd: Round) -> int:
    return int(BallotIssue.objects.filter(round=rnd).aggregate(n=Sum("count"))["n"] or 0)


def active_codes(rnd: Round) -> int:
    from zhixuan.web.evoting.models import VotingCode

    return VotingCode.objects.filter(meeting_id=rnd.meeting_id, active=True).count()


def electronic_marks(rnd: Round) -> list[dict[str, Any]]:
    return [dict(b.marks) for b in rnd.electronic_ballots.all().order_by("pk")]


# --- reading ballots through the core ------------------------------------------------------------


@dataclass(frozen=True)
class WriteInContext:
    """Who a write-in may name (M5) and how member numbers map to the round's candidate ids."""

    member_to_applicant: Mapping[str, str]
    eligible: frozenset[str]
    members: frozenset[str]

    def key(self, member_number: str) -> str:
        return self.member_to_applicant.get(member_number, member_number)


def write_in_context(rnd: Round, *, elected: Iterable[str] = ()) -> WriteInContext:
    """Members with voting rights (P1), minus those ``elected`` (applicant numbers) in this meeting."""
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.roster import selectors as roster

    election = rnd.meeting.election
    mapping = dict(
        Applicant.objects.filter(election=election, member__isnull=False).values_list("member__number", "number")
    )
    members = list(roster.members(election))
    rights = {m.number for m in members if people.has_voting_rights(roster.to_rules_member(m))}
    done = set(elected)
    eligible = frozenset(mapping.get(n, n) for n in rights) - done
    return WriteInContext(mapping, eligible, frozenset(m.number for m in members))


def elected_so_far(election: Election) -> list[str]:
    """Applicant numbers the core has declared elected in the meeting's accepted rounds."""
    from zhixuan.web.elections.outcomes import election_outcome

    elected = election_outcome(election).outcome("elected")
    if not isinstance(elected, dict):
        return []
    return [n for ids in elected.values() for n in ids]


def core_kind(rnd: Round) -> RoundKind:
    """The core's kind of ballot: a re-run repeats the vote it re-runs (M6)."""
    current: Round | None = rnd
    while current is not None and current.kind == "rerun":
        earlier = (
            Round.objects.filter(meeting_id=rnd.meeting_id, order__lt=current.order)
            .filter(followup_of_id=rnd.followup_of_id)
            .order_by("-order")
            .first()
        )
        if earlier is None and rnd.followup_of_id is not None:
            earlier = Round.objects.filter(pk=rnd.followup_of_id).first()
        current = earlier
    kind = current.kind if current is not None else "regular"
    return kind if kind in ("revote", "supplementary") else "regular"  # type: ignore[return-value]


def round_spec(rnd: Round) -> RoundSpec:
    return RoundSpec(
        key=rnd.key,
        position=position_label(rnd),
        seats=rnd.seats,
        candidates=tuple(rnd.candidates),
        kind=core_kind(rnd),
    )


def to_ballot(marks: Mapping[str, Any], spec: RoundSpec, ctx: WriteInContext) -> Ballot:
    chosen: dict[str, Mark] = {}
    for name, mark in (("for", Mark.FOR), ("against", Mark.AGAINST), ("unclear", Mark.UNCLEAR)):
        for number in marks.get(name, []):
            chosen[str(number)] = mark
    write_ins = tuple(WriteIn(ctx.key(str(w["name"])), bool(w.get("for"))) for w in marks.get("write_ins", []))
    return Ballot(tuple(chosen.get(c, Mark.ABSTAIN) for c in spec.candidates), write_ins)


def read_entry(marks: Mapping[str, Any], rnd: Round, settings: Settings, ctx: WriteInContext) -> BallotReading:
    """One paper ballot read by the core (M4, M5)."""
    spec = round_spec(rnd)
    return read_ballot(to_ballot(marks, spec, ctx), spec, settings, ctx.eligible)


def ballot_key(marks: Mapping[str, Any]) -> tuple[Any, ...]:
    """Identical ballots have identical keys, whatever the order their marks were entered in."""
    return (
        tuple(sorted(marks.get("for", []))),
        tuple(sorted(marks.get("against", []))),
        tuple(sorted(marks.get("unclear", []))),
        tuple(sorted((str(w["name"]), bool(w.get("for"))) for w in marks.get("write_ins", []))),
    )


def describe(marks: Mapping[str, Any], names: Mapping[str, str]) -> tuple[str, str]:
    """A ballot in words (zh, en), e.g. ``赞成：王煦、李青；不赞成：张三``."""

    def who(ids: Iterable[str]) -> list[str]:
        return [names.get(i, i) for i in ids]

    zh: list[str] = []
    en: list[str] = []
    for key, label_zh, label_en in (
        ("for", "赞成", "for"),
        ("against", "不赞成", "against"),
        ("unclear", "无法辨认", "unclear"),
    ):
        people_ = who(marks.get(key, []))
        if people_:
            zh.append(f"{label_zh}：{'、'.join(people_)}")
            en.append(f"{label_en}: {', '.join(people_)}")
    write_ins = [str(w["name"]) for w in marks.get("write_ins", []) if w.get("for")]
    if write_ins:
        zh.append(f"另选：{'、'.join(write_ins)}")
        en.append(f"write-in: {', '.join(write_ins)}")
    if not zh:
        return "全部弃权（空白票）", "all abstain (blank ballot)"
    return "；".join(zh), "; ".join(en)


# --- sheets --------------------------------------------------------------------------------------


def sheets(rnd: Round) -> list[TallySheet]:
    return list(
        TallySheet.objects.filter(round=rnd)
        .select_related("teller")
        .prefetch_related("entries")
        .select_related("totals")
        .order_by("pk")
    )


def sheet_for(rnd: Round, user: Any) -> TallySheet | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TallySheet.objects.filter(round=rnd, teller=user).select_related("totals").first()


def entries(sheet: TallySheet) -> list[PaperBallotEntry]:
    return list(sheet.entries.order_by("pk"))


def entered_count(sheet: TallySheet) -> int:
    """Ballots on a sheet: the entered ballots, or valid + invalid of its totals."""
    if sheet.mode == SheetMode.TOTALS:
        totals = getattr(sheet, "totals", None)
        return 0 if totals is None else totals.valid + totals.invalid
    return int(sheet.entries.aggregate(n=Sum("count"))["n"] or 0)


def has_totals(sheet: TallySheet) -> bool:
    try:
        return sheet.totals is not None
    except TallySheet.totals.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


@dataclass(frozen=True)
class LedgerRow:
    entry: PaperBallotEntry
    zh: str
    en: str
    valid: bool
    reason: Decision | None


def ledger(sheet: TallySheet, rnd: Round, *, ctx: WriteInContext | None = None) -> list[LedgerRow]:
    """A ballot-mode sheet's entries, newest first, each read by the core (M5)."""
    settings = election_settings(rnd.meeting.election)
    ctx = ctx or write_in_context(rnd)
    names = dict(candidate_labels(rnd))
    rows: list[LedgerRow] = []
    for entry in reversed(entries(sheet)):
        reading = read_entry(entry.marks, rnd, settings, ctx)
        zh, en = describe(entry.marks, names)
        rows.append(LedgerRow(entry, zh, en, reading.valid, _reason(reading, rnd)))
    return rows


def _reason(reading: BallotReading, rnd: Round) -> Decision | None:
    if reading.valid:
        return None
    if reading.reason == "over_vote":
        return Decision(
            rule="M5",
            code="over_vote",
            subject=rnd.key,
            zh=f"无效票：赞成 {reading.for_marks} 人（含另选），超过应选 {rnd.seats} 名",
            en=f"invalid: {reading.for_marks} marked for (write-ins included), more than {rnd.seats} seats",
            facts={"for_marks": reading.for_marks, "seats": rnd.seats},
        )
    return Decision(
        rule="M5",
        code=str(reading.reason),
        subject=rnd.key,
        zh="无效票：有无法辨认的标记，按本选举办法整张作废",
        en="invalid: an unreadable mark voids the ballot under these rules",
        facts={},
    )


def sheet_tally(
    sheet: TallySheet,
    rnd: Round,
    *,
    ctx: WriteInContext | None = None,
    collected: int | None = None,
    electronic: Sequence[Mapping[str, Any]] = (),
    issued: int | None = None,
) -> Tally:
    """The core's count of one sheet plus the individual ballots counted beside it (``electronic``: the
    electronic ballots and the counted scanned sheets, see ``counted_extra``); raises ``TallyError``
    when the entered ballots do not add up to the ballots collected (M6). ``collected`` then is the
    sheet's hand-entered ballots plus those individual ballots."""
    settings = election_settings(rnd.meeting.election)
    spec = round_spec(rnd)
    paper_collected = sheet.collected if collected is None else collected
    if paper_collected is None:
        paper_collected = entered_count(sheet)
    attendance = Attendance(
        expected=0,
        present=rnd.present or 0,
        issued=rnd.issued if issued is None else issued,
        collected=paper_collected + len(electronic),
    )
    if sheet.mode == SheetMode.TOTALS:
        if electronic:
            raise ValueError("paper totals cannot be combined with electronic ballots")
        totals = sheet.totals
        counts = totals.candidates
        return tally_totals(
            spec,
            {c: int(counts.get(c, {}).get("for", 0)) for c in spec.candidates},
            {c: int(counts.get(c, {}).get("against", 0)) for c in spec.candidates},
            {c: int(counts.get(c, {}).get("abstain", 0)) for c in spec.candidates},
            totals.valid,
            totals.invalid,
            attendance,
        )
    ctx = ctx or write_in_context(rnd)
    ballots = [(to_ballot(e.marks, spec, ctx), e.count) for e in entries(sheet)]
    ballots += [(to_ballot(m, spec, ctx), 1) for m in electronic]
    return tally_round(spec, ballots, attendance, settings, ctx.eligible)


# --- comparing two tellers' sheets ---------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One line where two sheets differ: a ballot (how many times each teller entered it) or a count."""

    zh: str
    en: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Comparison:
    same: bool
    basis: str  # "ballots": the same multiset of ballots; "totals": the same per-candidate counts
    differences: tuple[Difference, ...] = ()
    problems: tuple[Problem, ...] = ()


def _totals_view(sheet: TallySheet, rnd: Round, ctx: WriteInContext) -> dict[tuple[str, str], int] | Problem:
    """A sheet as numbers: collected, valid, invalid and each candidate's for / against / abstain."""
    try:
        tally = sheet_tally(sheet, rnd, ctx=ctx)
    except TallyError as exc:
        return Problem(exc.decision.zh, exc.decision.en, exc.decision.rule)
    out = {
        ("收回票数", "collected"): tally.collected,
        ("有效票", "valid"): tally.valid,
        ("无效票", "invalid"): tally.invalid,
    }
    names = dict(candidate_labels(rnd))
    for number, count in tally.counts.items():
        name = names.get(number, number)
        out[(f"{name} 赞成", f"{name} for")] = count.for_
        out[(f"{name} 不赞成", f"{name} against")] = count.against
        out[(f"{name} 弃权", f"{name} abstain")] = count.abstain
    return out


def compare(first: TallySheet, second: TallySheet, rnd: Round, *, ctx: WriteInContext | None = None) -> Comparison:
    """Whether two tellers entered the same round alike, and if not, exactly where they differ."""
    ctx = ctx or write_in_context(rnd)
    if first.mode == SheetMode.BALLOTS and second.mode == SheetMode.BALLOTS:
        names = dict(candidate_labels(rnd))
        counts: list[Counter[tuple[Any, ...]]] = []
        shown: dict[tuple[Any, ...], Mapping[str, Any]] = {}
        for sheet in (first, second):
            counter: Counter[tuple[Any, ...]] = Counter()
            for entry in entries(sheet):
                key = ballot_key(entry.marks)
                counter[key] += entry.count
                shown.setdefault(key, entry.marks)
            counts.append(counter)
        differences: list[Difference] = []
        if (first.collected or 0) != (second.collected or 0):
            differences.append(Difference("收回票数", "ballots collected", (first.collected, second.collected)))
        for key in shown:  # in the order the ballots were first entered
            a, b = counts[0][key], counts[1][key]
            if a != b:
                zh, en = describe(shown[key], names)
                differences.append(Difference(zh, en, (a, b)))
        return Comparison(not differences, "ballots", tuple(differences))
    views = [_totals_view(s, rnd, ctx) for s in (first, second)]
    problems = tuple(v for v in views if isinstance(v, Problem))
    if problems:
        return Comparison(False, "totals", (), problems)
    a_view, b_view = views
    assert isinstance(a_view, dict) and isinstance(b_view, dict)
    differences = [
        Difference(zh, en, (a_view.get((zh, en)), b_view.get((zh, en))))
        for (zh, en) in a_view.keys() | b_view.keys()
        if a_view.get((zh, en)) != b_view.get((zh, en))
    ]
    order = list(a_view)
    differences.sort(key=lambda d: order.index((d.zh, d.en)) if (d.zh, d.en) in order else len(order))
    return Comparison(not differences, "totals", tuple(differences))


# --- the round's paper state (used by the meeting app) --------------------------------------------


@dataclass(frozen=True)
class SheetState:
    sheet: TallySheet
    teller: str
    entered: int
    submitted: bool
    problem: Problem | None = None


@dataclass(frozen=True)
class PaperState:
    """Everything the meeting app needs about a round's paper ballots.

    ``ready`` is true when the round may be accepted as far as paper is concerned: its tellers'
    sheets are agreed, or no paper ballot was issued. ``tally`` is the core's count of the whole
    round (scanned ballots counted + the agreed sheet of hand-entered paper ballots + electronic
    ballots) and ``decisions`` its M5/M6 decisions; ``void`` is the core's M6 verdict (collected >
    issued: the round must be voted again). ``scan`` counts the scanned sheets.
    """

    round: Round
    paper_issued: int
    issued: int
    electronic: int
    sheets: tuple[SheetState, ...]
    comparison: Comparison | None
    agreed: TallySheet | None
    tally: Tally | None
    decisions: tuple[Decision, ...]
    void: bool
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    scan: ScanSummary | None = None

    @property
    def ready(self) -> bool:
        if self.problems:
            return False
        return self.agreed is not None or self.paper_issued == 0


def _teller_name(sheet: TallySheet) -> str:
    user = sheet.teller
    return str(getattr(user, "first_name", "") or user.get_username())


def paper_state(rnd: Round, *, ctx: WriteInContext | None = None) -> PaperState:
    """The paper side of ``rnd``: issued, sheets, their comparison, the agreed sheet and the core's count."""
    issued_paper = paper_issued(rnd)
    electronic = electronic_marks(rnd)
    scanned = scanned_marks(rnd)
    scan = scan_summary(rnd)
    all_sheets = sheets(rnd)
    problems: list[Problem] = []
    if scan.unresolved:
        problems.append(
            Problem(
                f"还有 {scan.unresolved} 张扫描选票须两名计票人裁定，裁定前不能确认计票结果",
                f"{scan.unresolved} scanned ballot(s) still await two tellers' adjudication; "
                "the count cannot be accepted before",
                "M6",
            )
        )
    ctx = ctx or write_in_context(rnd)
    states: list[SheetState] = []
    for sheet in all_sheets:
        problem: Problem | None = None
        if sheet.mode == SheetMode.TOTALS and scan.sheets:
            problem = Problem(
                "本轮有扫描选票，按候选人汇总的录入无法与扫描选票合并计票，请改为逐张录入",
                "this round has scanned ballots; per-candidate totals cannot be merged with them: "
                "enter ballot by ballot",
                "M6",
            )
        elif sheet.mode == SheetMode.TOTALS and electronic:
            problem = Problem(
                "本轮有电子选票，按候选人汇总的录入无法与电子选票合并计票，请改为逐张录入",
                "this round has electronic ballots; per-candidate totals cannot be merged with them: "
                "enter ballot by ballot",
                "M6",
            )
        states.append(
            SheetState(sheet, _teller_name(sheet), entered_count(sheet), sheet.submitted_at is not None, problem)
        )
        if problem is not None:
            problems.append(problem)
    submitted = [s for s in all_sheets if s.submitted_at is not None]
    comparison = compare(submitted[0], submitted[1], rnd, ctx=ctx) if len(submitted) >= 2 else None
    agreed = next((s for s in all_sheets if s.agreed), None)
    if issued_paper and agreed is None:
        if len(submitted) < 2:
            problems.append(
                Problem(
                    f"纸质选票须由两名计票人分别录入并提交（已提交 {len(submitted)} 份）",
                    f"two tellers must each enter and submit the paper ballots ({len(submitted)} submitted)",
                    "M6",
                )
            )
        elif comparison is not None and not comparison.same:
            problems.append(
                Problem(
                    "两名计票人的录入不一致，须核对选票并更正后再确认",
                    "the two tellers' entries differ; check the ballots and correct a sheet",
                    "M6",
                )
            )
        else:
            problems.append(Problem("两份录入一致，待确认", "the two entries agree and await confirmation", "M6"))
    tally: Tally | None = None
    decisions: tuple[Decision, ...] = ()
    basis = agreed
    if basis is not None or (not issued_paper and electronic and rnd.status != RoundStatus.DRAFT):
        try:
            if basis is None:
                tally = _electronic_only(rnd, electronic, ctx)
            elif basis.mode == SheetMode.TOTALS and (electronic or scanned):
                tally = None
            else:
                tally = sheet_tally(basis, rnd, ctx=ctx, electronic=scanned + electronic)
        except TallyError as exc:
            problems.append(Problem(exc.decision.zh, exc.decision.en, exc.decision.rule))
        if tally is not None:
            decisions = tally.decisions
    return PaperState(
        round=rnd,
        paper_issued=issued_paper,
        issued=rnd.issued,
        electronic=len(electronic),
        sheets=tuple(states),
        comparison=comparison,
        agreed=agreed,
        tally=tally,
        decisions=decisions,
        void=bool(tally and tally.void),
        problems=tuple(problems),
        scan=scan,
    )


def _electronic_only(rnd: Round, electronic: Sequence[Mapping[str, Any]], ctx: WriteInContext) -> Tally:
    settings = election_settings(rnd.meeting.election)
    spec = round_spec(rnd)
    attendance = Attendance(expected=0, present=rnd.present or 0, issued=rnd.issued, collected=len(electronic))
    ballots = [(to_ballot(m, spec, ctx), 1) for m in electronic]
    return tally_round(spec, ballots, attendance, settings, ctx.eligible)


def panel_rounds(election: Election) -> list[dict[str, Any]]:
    """Per round: status, paper issued and how many sheets are submitted / agreed (the election page card)."""
    out = []
    for rnd in rounds(election).prefetch_related("tally_sheets", "paper_issues"):
        tally_sheets = list(rnd.tally_sheets.all())
        out.append(
            {
                "round": rnd,
                "issued": sum(i.count for i in rnd.paper_issues.all()),
                "submitted": sum(1 for s in tally_sheets if s.submitted_at),
                "agreed": any(s.agreed for s in tally_sheets),
            }
        )
    return out


# --- scanned ballots -----------------------------------------------------------------------------

# How a teller reads one candidate row of a scanned sheet; ``abstain`` is the 弃权 box ticked, ``none``
# no mark at all: both are an abstention (M4), kept apart only as what the teller saw.
ADJUDICATION_CHOICES = ("for", "against", "abstain", "none", "unclear")


def expected_ballot(rnd: Round) -> ExpectedBallot:
    """The round's printed ballot as the scanner reads it: layout plus candidate ids in ballot order."""
    return ExpectedBallot(ballot_layout(ballot_spec(rnd)), tuple(rnd.candidates))


def scanned_sheets(rnd: Round) -> QuerySet[ScannedSheet]:
    """The round's sheets by their random id (no scan order, S1); the image bytes are left unloaded."""
    return ScannedSheet.objects.filter(round=rnd).defer("image").order_by("pk")


def scanned_marks(rnd: Round) -> list[dict[str, Any]]:
    """The counted scanned ballots: clean readings and sheets two tellers resolved."""
    found = ScannedSheet.objects.filter(round=rnd, marks__isnull=False).order_by("pk")
    return [dict(m) for m in found.values_list("marks", flat=True)]


def counted_extra(rnd: Round) -> list[dict[str, Any]]:
    """Individual ballots counted beside the tellers' agreed sheet: scanned, then electronic."""
    return scanned_marks(rnd) + electronic_marks(rnd)


@dataclass(frozen=True)
class ScanSummary:
    sheets: int
    read: int  # read clean by the scanner
    resolved: int  # sent to adjudication and resolved by two tellers
    unresolved: int
    refused: int  # not counted: hand-enter them if they are real ballots
    batches: int

    @property
    def counted(self) -> int:
        return self.read + self.resolved


def scan_summary(rnd: Round) -> ScanSummary:
    rows = list(ScannedSheet.objects.filter(round=rnd).values_list("status", "marks"))
    return ScanSummary(
        sheets=len(rows),
        read=sum(1 for s, _m in rows if s == ScanStatus.READ),
        resolved=sum(1 for s, m in rows if s == ScanStatus.ADJUDICATE and m is not None),
        unresolved=sum(1 for s, m in rows if s == ScanStatus.ADJUDICATE and m is None),
        refused=sum(1 for s, _m in rows if s == ScanStatus.REFUSED),
        batches=ScanBatch.objects.filter(round=rnd).count(),
    )


def scan_batches(rnd: Round) -> QuerySet[ScanBatch]:
    return ScanBatch.objects.filter(round=rnd).select_related("uploaded_by").order_by("pk")


def known_hashes(rnd: Round, hashes: Iterable[str]) -> dict[str, ScannedSheet]:
    found = ScannedSheet.objects.filter(round=rnd, sha256__in=list(hashes)).select_related("batch").defer("image")
    return {s.sha256: s for s in found}


def sheet_of(rnd: Round, sheet_id: str) -> ScannedSheet | None:
    return ScannedSheet.objects.filter(round=rnd, pk=sheet_id).select_related("batch").first()


def next_to_adjudicate(rnd: Round, user: Any, *, after: str | None = None) -> ScannedSheet | None:
    """An unresolved sheet ``user`` has not decided yet (ids after ``after`` first, then from the start)."""
    pending = (
        ScannedSheet.objects.filter(round=rnd, status=ScanStatus.ADJUDICATE, marks__isnull=True)
        .exclude(decisions__teller=user)
        .defer("image")
        .order_by("pk")
    )
    if after is not None:
        later = pending.filter(pk__gt=after).first()
        if later is not None:
            return later
    return pending.first()


def choices_to_marks(choices: Mapping[str, str], write_ins: Sequence[str]) -> dict[str, Any]:
    """A teller's per-row reading as the scenario's ballot form (abstain box and no mark both abstain)."""
    marks: dict[str, Any] = {}
    for key in ("for", "against", "unclear"):
        ids = [c for c, v in choices.items() if v == key]
        if ids:
            marks[key] = ids
    if write_ins:
        marks["write_ins"] = [{"name": w, "for": True} for w in write_ins]
    return marks


@dataclass(frozen=True)
class RowView:
    """One printed row of a scanned sheet on the adjudication screen."""

    index: int
    kind: str  # candidate | write_in
    number: str | None
    label: str
    read: str | None  # the scanner's choice (for / against / abstain / none), None when doubtful
    doubtful: bool
    ink: dict[str, float]  # per box: share of ink (for the teller's eye, not a decision)
    statuses: dict[str, str]
    write_in_ink: bool = False


def sheet_rows(sheet: ScannedSheet, rnd: Round) -> list[RowView]:
    """The sheet's rows as the scanner read them; doubtful rows (ambiguous box, two marks, write-in ink) flagged."""
    labels = dict(candidate_labels(rnd))
    by_row: dict[int, list[dict[str, Any]]] = {}
    for box in sheet.reading.get("boxes", []):
        by_row.setdefault(int(box["row"]), []).append(box)
    inked = set(sheet.reading.get("write_in_rows_with_ink", []))
    rows: list[RowView] = []
    for index, boxes in sorted(by_row.items()):
        statuses = {str(b["choice"]): str(b["status"]) for b in boxes}
        ink = {str(b["choice"]): float(b["ink"]) for b in boxes}
        marked = [c for c, s in statuses.items() if s == "marked"]
        ambiguous = any(s == "ambiguous" for s in statuses.values())
        kind = str(boxes[0]["row_kind"])
        number = boxes[0].get("candidate")
        if kind == "write_in":
            has_ink = index in inked
            doubtful = has_ink or ambiguous or bool(marked)
            rows.append(RowView(index, kind, None, "", None, doubtful, ink, statuses, has_ink))
            continue
        doubtful = ambiguous or len(marked) > 1
        read = None if doubtful else (marked[0] if marked else "none")
        rows.append(RowView(index, kind, number, labels.get(str(number), str(number)), read, doubtful, ink, statuses))
    return rows


@dataclass(frozen=True)
class DecisionView:
    teller: str
    teller_id: int
    choices: Mapping[str, str]
    marks: Mapping[str, Any]
    zh: str
    en: str


def decisions(sheet: ScannedSheet, rnd: Round) -> list[DecisionView]:
    names = dict(candidate_labels(rnd))
    out = []
    for d in sheet.decisions.select_related("teller").order_by("pk"):
        zh, en = describe(d.marks, names)
        user = d.teller
        out.append(
            DecisionView(str(user.first_name or user.get_username()), user.pk, dict(d.choices), dict(d.marks), zh, en)
        )
    return out


def agreed_reading(readings: Sequence[Adjudication]) -> dict[str, Any] | None:
    """The ballot at least two different tellers read alike (the same marks and write-ins, ``ballot_key``),
    if exactly one ballot has such a pair.

    (Each teller has one reading per sheet, so a pair is always two people.) Two pairs agreeing on two
    different ballots settle nothing: the sheet stays unresolved until someone revises.
    """
    support: dict[tuple[Any, ...], list[Adjudication]] = {}
    for reading in readings:
        support.setdefault(ballot_key(reading.marks), []).append(reading)
    agreed = [found for found in support.values() if len({r.teller_id for r in found}) >= 2]
    if len(agreed) != 1:
        return None
    return dict(agreed[0][0].marks)


def row_image(sheet: ScannedSheet, rnd: Round, index: int) -> bytes | None:
    """A strip of the annotated page around printed row ``index`` (JPEG), for the teller's close look."""
    layout = ballot_layout(ballot_spec(rnd))
    rows = {r.index: r for r in layout.rows}
    if sheet.status == ScanStatus.REFUSED or index not in rows:
        return None
    image = cv2.imdecode(np.frombuffer(bytes(sheet.image), np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    box = rows[index].name_box
    y0 = max(0, round((box.y - 1.5) * SCALE))
    y1 = min(image.shape[0], round((box.y + box.h + 1.5) * SCALE))
    x0, x1 = round((MARGIN - 2) * SCALE), round((PAGE_W - MARGIN + 2) * SCALE)
    ok, jpg = cv2.imencode(".jpg", image[y0:y1, x0:x1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    return jpg.tobytes() if ok else None
