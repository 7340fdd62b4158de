"""Reads of the term app: the elected team, the commitment, the review sessions and their results.

Decisions (A1 review summaries, A2 flags) come from ``election_outcome``: the record is exported
(``term.export``) and run through the rules core. The per-grade breakdown beside them is the core's
``rate_leader`` on the same counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhixuan.rules.decision import Decision, percent
from zhixuan.rules.ratings import GRADES, RatingError, Scale, rate_leader
from zhixuan.rules.ratings import RaterGroup as CoreGroup
from zhixuan.rules.settings import preset_settings
from zhixuan.web.elections.models import Election, PositionKind
from zhixuan.web.elections.outcomes import ElectionOutcome, election_outcome
from zhixuan.web.term.models import (
    Commitment,
    ElectronicRating,
    ItemStatus,
    PaperCount,
    PaperForm,
    PaperMode,
    RaterGroup,
    ReviewSession,
)

GRADE_LABELS: dict[str, Any] = {
    "satisfied": _("满意"),
    "basically_satisfied": _("基本满意"),
    "dissatisfied": _("不满意"),
    "excellent": _("优秀"),
    "competent": _("称职"),
    "basically_competent": _("基本称职"),
    "incompetent": _("不称职"),
}
SCALE_LABELS: dict[str, Any] = {"satisfaction": _("满意度"), "competence": _("称职度")}
SCALE_GRADES: dict[str, tuple[str, ...]] = {scale.value: grades for scale, grades in GRADES.items()}


@dataclass(frozen=True)
class Leader:
    number: str
    name: str
    position: str  # Position.kind

    @property
    def position_label(self) -> Any:
        return dict(PositionKind.choices).get(self.position, self.position)


def elected_leaders(election: Election, outcome: ElectionOutcome | None = None) -> list[Leader]:
    """The team the election elected, by the core's ``elected`` outcome, in position order."""
    from zhixuan.web.nomination.models import Applicant

    outcome = outcome or election_outcome(election)
    elected = outcome.outcome("elected")
    if not isinstance(elected, dict):
        return []
    names = dict(Applicant.objects.filter(election=election).values_list("number", "name"))
    order = [p.kind for p in election.positions.order_by("order")]
    leaders = []
    for kind in sorted(elected, key=lambda k: order.index(k) if k in order else len(order)):
        for number in elected[kind]:
            leaders.append(Leader(number, names.get(number, number), kind))
    return leaders


def secretary(election: Election, outcome: ElectionOutcome | None = None) -> Leader | None:
    return next((x for x in elected_leaders(election, outcome) if x.position == PositionKind.SECRETARY), None)


# --- A1 ------------------------------------------------------------------------------------------


@dataclass
class CommitmentPage:
    commitment: Commitment | None
    items: list[Any]
    years: list[int]
    grid: list[dict[str, Any]]  # per item: {"item", "cells": [review or None per year]}
    decisions: list[Decision]  # the core's A1 decisions (published, each year's review)
    secretary: Leader | None


def commitment_page(election: Election, outcome: ElectionOutcome | None = None) -> CommitmentPage:
    outcome = outcome or election_outcome(election)
    commitment = Commitment.objects.filter(election=election).first()
    items = list(commitment.items.prefetch_related("reviews").order_by("order")) if commitment else []
    years = sorted({r.year for item in items for r in item.reviews.all()})
    grid = []
    for item in items:
        by_year = {r.year: r for r in item.reviews.all()}
        grid.append({"item": item, "cells": [by_year.get(y) for y in years]})
    section = outcome.section("commitment")
    decisions = list(section.decisions) if section is not None else []
    return CommitmentPage(commitment, items, years, grid, decisions, secretary(election, outcome))


def status_choices() -> list[tuple[str, Any]]:
    return list(ItemStatus.choices)


def public_commitment(election: Election) -> Commitment | None:
    return Commitment.objects.filter(election=election, published_at__isnull=False).first()


# --- A2: counts ----------------------------------------------------------------------------------


def empty_counts(session: ReviewSession) -> dict[str, dict[str, dict[str, int]]]:
    return {
        leader.leader: {scale: dict.fromkeys(SCALE_GRADES[scale], 0) for scale in session.scales}
        for leader in session.leaders.order_by("order")
    }


def _add(into: dict[str, dict[str, dict[str, int]]], counts: dict[str, Any], times: int = 1) -> None:
    for leader, scales in counts.items():
        for scale, grades in scales.items():
            if leader in into and scale in into[leader]:
                for grade, n in grades.items():
                    if grade in into[leader][scale]:
                        into[leader][scale][grade] += int(n) * times


def agreed_paper(group: RaterGroup) -> PaperCount | None:
    return next((p for p in group.paper_counts.all() if p.agreed), None)


def group_counts(group: RaterGroup) -> dict[str, dict[str, dict[str, int]]]:
    """``{leader: {scale: {grade: n}}}``: the agreed paper count plus the electronic ratings."""
    counts = empty_counts(group.session)
    paper = agreed_paper(group)
    if paper is not None:
        _add(counts, paper.counts)
    for rating in ElectronicRating.objects.filter(group=group):
        _add(
            counts,
            {leader: {scale: {grade: 1} for scale, grade in marks.items()} for leader, marks in rating.marks.items()},
        )
    return counts


@dataclass
class Difference:
    what: str
    first: int
    second: int


def compare_counts(first: PaperCount, second: PaperCount, session: ReviewSession) -> list[Difference]:
    """Every cell where two tellers' entries of a group's paper forms differ, in form order."""
    names = {x.leader: x.name for x in session.leaders.all()}
    out: list[Difference] = []
    if first.collected != second.collected:
        out.append(Difference(str(_("收回测评表张数")), first.collected, second.collected))
    a, b = empty_counts(session), empty_counts(session)
    _add(a, first.counts)
    _add(b, second.counts)
    for leader, scales in a.items():
        for scale, grades in scales.items():
            for grade, n in grades.items():
                m = b[leader][scale][grade]
                if n != m:
                    what = f"{names.get(leader, leader)} · {SCALE_LABELS[scale]} · {GRADE_LABELS[grade]}"
                    out.append(Difference(what, n, m))
    return out


# --- A2: paper forms one by one ---------------------------------------------------------------------

BLANK = "blank"  # a leader's scale left blank or ticked twice on a form: not counted (A2)


def form_key(marks: dict[str, Any]) -> str:
    """The same form, however its marks were listed: the identity two tellers' forms are matched on."""
    return json.dumps({k: dict(sorted(v.items())) for k, v in sorted(marks.items()) if v}, sort_keys=True)


def form_counts(forms: Iterable[PaperForm], session: ReviewSession) -> tuple[int, dict[str, dict[str, dict[str, int]]]]:
    """Forms entered (collected) and the counts ``{leader: {scale: {grade: n}}}`` they add up to."""
    counts = empty_counts(session)
    collected = 0
    for form in forms:
        collected += form.count
        _add(
            counts,
            {leader: {scale: {grade: 1} for scale, grade in m.items()} for leader, m in form.marks.items()},
            form.count,
        )
    return collected, counts


def describe_form(marks: dict[str, Any], session: ReviewSession) -> str:
    """A form as a teller reads it: each leader's grade per scale, — where blank or spoilt."""
    parts = []
    for leader in session.leaders.order_by("order"):
        grades = [
            str(GRADE_LABELS[marks[leader.leader][scale]]) if marks.get(leader.leader, {}).get(scale) else "—"
            for scale in session.scales
        ]
        parts.append(f"{leader.name} {'/'.join(grades)}")
    return "；".join(parts)


def compare_forms(first: PaperCount, second: PaperCount, session: ReviewSession) -> list[Difference]:
    """Forms two tellers entered a different number of times, each named as it reads: side by side."""
    tallies = []
    for entry in (first, second):
        tally: dict[str, int] = {}
        marks: dict[str, Any] = {}
        for form in entry.forms.all():
            key = form_key(form.marks)
            tally[key] = tally.get(key, 0) + form.count
            marks[key] = form.marks
        tallies.append((tally, marks))
    (a, marks_a), (b, marks_b) = tallies
    out = []
    for key in sorted(set(a) | set(b)):
        if a.get(key, 0) != b.get(key, 0):
            what = str(_("测评表「%(form)s」")) % {"form": describe_form(marks_a.get(key) or marks_b[key], session)}
            out.append(Difference(what, a.get(key, 0), b.get(key, 0)))
    return out


def compare_entries(first: PaperCount, second: PaperCount, session: ReviewSession) -> list[Difference]:
    """Cell by cell; and when both tellers entered form by form, also form by form."""
    out = compare_counts(first, second, session)
    if first.mode == PaperMode.FORMS and second.mode == PaperMode.FORMS:
        out += compare_forms(first, second, session)
    return out


@dataclass
class FormRow:
    form: PaperForm
    text: str


def ledger(entry: PaperCount | None, session: ReviewSession, latest: int = 15) -> dict[str, Any]:
    """The teller's forms, newest first: how many, and the latest ``latest`` as they read."""
    if entry is None:
        return {"entered": 0, "rows": [], "more": 0}
    forms = list(entry.forms.order_by("-pk"))
    rows = [FormRow(f, describe_form(f.marks, session)) for f in forms[:latest]]
    return {"entered": sum(f.count for f in forms), "rows": rows, "more": max(0, len(forms) - latest)}


def form_grid(session: ReviewSession) -> list[dict[str, Any]]:
    """Rows of the fast form-entry screen, in the printed form's order (each scale's table, leader by leader):
    one per scale and leader, its grades numbered for the keyboard."""
    rows = []
    for scale in session.scales:
        for leader in session.leaders.order_by("order"):
            rows.append(
                {
                    "leader": leader,
                    "scale": scale,
                    "scale_label": SCALE_LABELS[scale],
                    "name": f"f-{leader.leader}-{scale}",
                    "grades": [
                        {"key": n, "grade": g, "label": GRADE_LABELS[g]}
                        for n, g in enumerate(SCALE_GRADES[scale], start=1)
                    ],
                }
            )
    return rows


@dataclass
class PaperState:
    group: RaterGroup
    entries: list[PaperCount]
    submitted: list[PaperCount]
    agreed: PaperCount | None
    differences: list[Difference]
    electronic: int
    codes: int
    codes_used: int


def paper_state(group: RaterGroup) -> PaperState:
    entries = list(group.paper_counts.select_related("teller").order_by("pk"))
    submitted = [e for e in entries if e.submitted_at is not None]
    differences = compare_entries(submitted[0], submitted[1], group.session) if len(submitted) >= 2 else []
    return PaperState(
        group,
        entries,
        submitted,
        next((e for e in entries if e.agreed), None),
        differences,
        ElectronicRating.objects.filter(group=group).count(),
        group.codes.count(),
        group.codes.filter(used=True).count(),
    )


# --- A2: results ---------------------------------------------------------------------------------


@dataclass
class GroupRow:
    name: str
    weight: Fraction
    counts: list[int]
    total: int
    rates: list[Fraction]

    @property
    def rate_texts(self) -> list[str]:
        return [percent(x) for x in self.rates]

    @property
    def weight_text(self) -> str:
        return f"{self.weight.numerator}/{self.weight.denominator}" if self.weight.denominator != 1 else "1"


@dataclass
class RatingResult:
    year: int
    leader: str
    name: str
    position: str
    scale: str
    grades: list[str]
    groups: list[GroupRow]
    weighted: list[Fraction]
    pooled: list[Fraction]
    decisions: list[Decision]
    flags: list[str]

    @property
    def measure(self) -> Fraction | None:
        """The weighted rate the A2 flags look at (approval, or the incompetent share)."""
        for d in self.decisions:
            value = d.facts.get("weighted")
            if isinstance(value, Fraction):
                return value
        return None

    @property
    def measure_text(self) -> str:
        return percent(self.measure) if self.measure is not None else "—"

    @property
    def weighted_texts(self) -> list[str]:
        return [percent(x) for x in self.weighted]

    @property
    def pooled_texts(self) -> list[str]:
        return [percent(x) for x in self.pooled]

    @property
    def grade_labels(self) -> list[Any]:
        return [GRADE_LABELS[g] for g in self.grades]

    @property
    def scale_label(self) -> Any:
        return SCALE_LABELS[self.scale]


def rating_results(election: Election, outcome: ElectionOutcome | None = None) -> list[RatingResult]:
    """Every exported rating record with the core's decisions for it, in record order.

    The runner appends, per record, one table row (its flags) and the record's decisions: the
    flagged ones, or the single "ok" decision. So the decisions are split by the row's flags.
    """
    from zhixuan.web.term.export import rating_records

    outcome = outcome or election_outcome(election)
    section = outcome.section("ratings")
    records = rating_records(election)
    if section is None or not section.tables or len(section.tables[0].rows) != len(records):
        return []
    settings = preset_settings(election.preset, election.overrides)
    leaders = {(s.year, x.leader): x for s in election.review_sessions.all() for x in s.leaders.all()}
    decisions = list(section.decisions)
    out: list[RatingResult] = []
    at = 0
    for record, row in zip(records, section.tables[0].rows, strict=True):
        flags = [] if row[-1] == "—" else str(row[-1]).split("、")
        take = max(1, len(flags))
        mine, at = decisions[at : at + take], at + take
        if any(d.rule != "A2" or d.facts.get("scale") != record["scale"] for d in mine):
            return []  # the report is not laid out as expected: show nothing rather than misattribute
        grades = list(SCALE_GRADES[record["scale"]])
        groups = [CoreGroup(g["name"], Fraction(g["weight"])) for g in record["groups"]]
        counts = {g["name"]: g["counts"] for g in record["groups"]}
        try:
            rated = rate_leader(record["leader"], Scale(record["scale"]), groups, counts, settings)
        except RatingError:
            continue
        leader = leaders.get((record["year"], record["leader"]))
        out.append(
            RatingResult(
                year=record["year"],
                leader=record["leader"],
                name=leader.name if leader else record["leader"],
                position=leader.position if leader else "",
                scale=record["scale"],
                grades=grades,
                groups=[
                    GroupRow(g.group, g.weight, [g.counts[x] for x in grades], g.total, [g.rates[x] for x in grades])
                    for g in rated.groups
                ],
                weighted=[rated.weighted[x] for x in grades],
                pooled=[rated.pooled[x] for x in grades],
                decisions=mine,
                flags=flags,
            )
        )
    return out


def session_results(
    election: Election, session: ReviewSession, outcome: ElectionOutcome | None = None
) -> list[RatingResult]:
    # Only closed sessions are exported, so only they have results.
    return [r for r in rating_results(election, outcome) if r.year == session.year]


# --- trend ---------------------------------------------------------------------------------------

PALETTE = ("#b3261e", "#1f5fa8", "#2e7d32", "#8e44ad", "#c77700", "#00838f", "#5d4037", "#455a64")


@dataclass
class Chart:
    scale: str
    title: Any
    years: list[int]
    width: int = 640
    height: int = 260
    series: list[dict[str, Any]] = field(default_factory=list)
    legend_x: int = 0
    lines: list[dict[str, Any]] = field(default_factory=list)  # thresholds (from the core's decisions)
    xticks: list[dict[str, Any]] = field(default_factory=list)
    yticks: list[dict[str, Any]] = field(default_factory=list)


def trend_charts(results: Iterable[RatingResult]) -> list[Chart]:
    """Per scale, each leader's weighted A2 measure across years as an SVG line chart's geometry."""
    results = list(results)
    charts = []
    left, right, top, bottom = 48, 150, 16, 32
    for scale, title in (("satisfaction", _("满意率（加权）")), ("competence", _("不称职率（加权）"))):
        mine = [r for r in results if r.scale == scale and r.measure is not None]
        if not mine:
            continue
        years = sorted({r.year for r in mine})
        chart = Chart(scale, title, years)
        plot_w, plot_h = chart.width - left - right, chart.height - top - bottom

        def x(year: int, years: list[int] = years, plot_w: int = plot_w) -> float:
            if len(years) == 1:
                return left + plot_w / 2
            return left + plot_w * years.index(year) / (len(years) - 1)

        def y(value: Fraction, plot_h: int = plot_h) -> float:
            return round(top + plot_h * (1 - float(value)), 1)

        chart.xticks = [{"x": round(x(yr), 1), "label": yr} for yr in years]
        chart.yticks = [{"y": y(Fraction(p, 100)), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)]
        seen: dict[Fraction, str] = {}
        for r in mine:
            for d in r.decisions:
                threshold = d.facts.get("threshold")
                if isinstance(threshold, Fraction) and d.rule == "A2":
                    seen.setdefault(threshold, d.code)
        chart.lines = [
            {"y": y(t), "label": f"{d_code_label(code)} {percent(t)}", "x2": left + plot_w}
            for t, code in sorted(seen.items())
        ]
        by_leader: dict[str, list[RatingResult]] = {}
        for r in mine:
            by_leader.setdefault(r.leader, []).append(r)
        for i, (number, rows) in enumerate(by_leader.items()):
            points = [
                {
                    "x": round(x(r.year), 1),
                    "y": y(r.measure or Fraction(0)),
                    "value": percent(r.measure or Fraction(0)),
                    "year": r.year,
                    "flagged": bool(r.flags),
                }
                for r in sorted(rows, key=lambda r: r.year)
            ]
            chart.series.append(
                {
                    "name": rows[0].name,
                    "leader": number,
                    "color": PALETTE[i % len(PALETTE)],
                    "points": points,
                    "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                    "legend_y": top + 14 * i + 8,
                }
            )
        chart.legend_x = left + plot_w + 12
        charts.append(chart)
    return charts


def d_code_label(code: str) -> Any:
    return {
        "warning_talk": _("诫勉谈话线"),
        "recall_may_be_proposed": _("可提出罢免线"),
        "satisfaction_ok": _("诫勉谈话线"),
        "organisational_adjustment": _("组织调整线"),
        "competence_ok": _("组织调整线"),
    }.get(code, code)


FLAG_LABELS: dict[str, Any] = {
    "warning_talk": _("诫勉谈话"),
    "recall_may_be_proposed": _("可提出罢免"),
    "organisational_adjustment": _("组织调整"),
}


# --- sessions ------------------------------------------------------------------------------------


def sessions(election: Election) -> list[ReviewSession]:
    return list(election.review_sessions.order_by("year"))


def session(election: Election, year: int) -> ReviewSession | None:
    return election.review_sessions.filter(year=year).first()


def panel_summary(election: Election) -> dict[str, Any]:
    commitment = Commitment.objects.filter(election=election).first()
    return {
        "commitment": commitment,
        "items": commitment.items.count() if commitment else 0,
        "sessions": sessions(election),
    }


def grid(session: ReviewSession, counts: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of the paper-entry / rating form: per leader, per scale, the grades with input names and values."""
    from zhixuan.web.term.forms import cell_name

    counts = counts or {}
    rows = []
    for leader in session.leaders.order_by("order"):
        scales = []
        for scale in session.scales:
            cells = [
                {
                    "grade": grade,
                    "label": GRADE_LABELS[grade],
                    "name": cell_name(leader.leader, scale, grade),
                    "value": counts.get(leader.leader, {}).get(scale, {}).get(grade, 0),
                }
                for grade in SCALE_GRADES[scale]
            ]
            scales.append(
                {"scale": scale, "label": SCALE_LABELS[scale], "cells": cells, "radio": f"r-{leader.leader}-{scale}"}
            )
        rows.append({"leader": leader, "scales": scales})
    return rows


def summary(results: Iterable[RatingResult]) -> list[dict[str, Any]]:
    """One row per year and leader with the result of each scale: the overview table above the details."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for r in results:
        row = rows.setdefault((r.year, r.leader), {"year": r.year, "name": r.name, "position": r.position, "cells": []})
        row["cells"].append(r)
    for row in rows.values():
        row["position_label"] = Leader("", "", row["position"]).position_label
    return list(rows.values())
