"""Reads of registration, nomination and review, handed to the rules core for every decision.

N2 (joint nominations) and N3 (positions per applicant) are checked live with the core's functions;
the review (N4) and its objections are read from the core's run of the election's record
(``elections.outcomes.election_outcome``), so what the pages show is what ``zhixuan run`` computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone, translation

from zhixuan.rules import people
from zhixuan.rules.decision import Decision
from zhixuan.rules.nomination import (
    EDUCATION_ZH,
    Application,
    ApplicationResult,
    JointNomination,
    JointNominationResult,
    check_application,
    check_joint_nominations,
)
from zhixuan.rules.settings import Settings, preset_settings
from zhixuan.web.elections.models import Election, Position, PositionKind
from zhixuan.web.nomination.models import (
    Applicant,
    NominationRoute,
    Objection,
    ReviewDecision,
    ReviewNotice,
    RouteKind,
    Signature,
)
from zhixuan.web.roster.models import Member, PublicRep

# Education levels as the core names them (N4 compares them in this order).
EDUCATION_CHOICES = [(zh, zh) for zh in EDUCATION_ZH.values()]
NUMBER_PREFIX = "A"


def election_settings(election: Election) -> Settings:
    return preset_settings(election.preset, election.overrides)


def positions(election: Election) -> QuerySet[Position]:
    return election.positions.filter(seats__gt=0).order_by("order")


def notice(election: Election) -> ReviewNotice | None:
    return ReviewNotice.objects.filter(election=election).first()


def registration_open(election: Election) -> bool:
    """Applications and nominations are taken from the announcement (N1) until the review notice (N4)."""
    return election.announced_at is not None and notice(election) is None


def applicants(election: Election, *, withdrawn: bool = False) -> QuerySet[Applicant]:
    rows = Applicant.objects.filter(election=election)
    if not withdrawn:
        rows = rows.filter(withdrawn_at=None)
    return (
        rows.select_related("member")
        .prefetch_related(
            "positions__position",
            Prefetch(
                "routes",
                queryset=NominationRoute.objects.select_related("position").annotate(
                    signature_count=Count("signatures")
                ),
            ),
        )
        .order_by("number")
    )


def next_number(election: Election) -> str:
    """The next applicant number (A001, A002, ...), unique per election."""
    used = Applicant.objects.filter(election=election, number__startswith=NUMBER_PREFIX).values_list(
        "number", flat=True
    )
    highest = max((int(n[1:]) for n in used if n[1:].isdigit()), default=0)
    return f"{NUMBER_PREFIX}{highest + 1:03d}"


def position_names() -> dict[str, str]:
    """Positions by their Chinese names, so the core's sentences read 党委书记 rather than secretary."""
    with translation.override("zh-hans"):
        return {kind: str(label) for kind, label in PositionKind.choices}


def application_check(election: Election, name: str, kinds: list[str]) -> ApplicationResult:
    """N3 by the core: at most ``max_positions_per_applicant`` distinct positions, in preference order."""
    return check_application(Application(name or "?", tuple(kinds)), election_settings(election), position_names())


def roster_member(election: Election, number: str) -> Member | None:
    return Member.objects.filter(election=election, number=number).first()


def has_rights(member: Member) -> bool:
    from zhixuan.web.roster.selectors import to_rules_member

    return people.has_voting_rights(to_rules_member(member))


# --- N2: joint nominations ---------------------------------------------------------------------


def joint_routes(election: Election) -> QuerySet[NominationRoute]:
    """Joint routes of applicants still standing, in the export's order (applicant number, then entry)."""
    return (
        NominationRoute.objects.filter(applicant__election=election, applicant__withdrawn_at=None, kind=RouteKind.JOINT)
        .exclude(position=None)
        .select_related("applicant", "position")
        .prefetch_related("signatures__member", "signatures__public_rep")
        .order_by("applicant__number", "pk")
    )


def recommenders(election: Election) -> set[str]:
    """Roster numbers allowed to sign (N2): members with voting rights (P1) and public reps."""
    numbers = {m.number for m in Member.objects.filter(election=election).select_related("excusal") if has_rights(m)}
    return numbers | set(PublicRep.objects.filter(election=election).values_list("number", flat=True))


def joint_checks(election: Election) -> dict[int, JointNominationResult]:
    """N2 by the core for every joint route of the election: route pk -> result."""
    routes = list(joint_routes(election))
    names = {**position_names(), **{r.applicant.number: r.applicant.name for r in routes}}
    nominations = [
        JointNomination(
            r.applicant.number,
            r.position.kind,  # type: ignore[union-attr]
            tuple(s.signer_number for s in r.signatures.all()),
        )
        for r in routes
    ]
    results = check_joint_nominations(nominations, recommenders(election), election_settings(election), names)
    return {route.pk: result for route, result in zip(routes, results, strict=True)}


def signed_positions(
    election: Election, *, member: Member | None, public_rep: PublicRep | None
) -> dict[int, Signature]:
    """Position pk -> the signature ``member`` / ``public_rep`` gave for it (one per position, N2)."""
    signatures = Signature.objects.filter(route__applicant__election=election, route__applicant__withdrawn_at=None)
    if member is not None:
        signatures = signatures.filter(member=member)
    elif public_rep is not None:
        signatures = signatures.filter(public_rep=public_rep)
    else:
        return {}
    return {s.route.position_id: s for s in signatures.select_related("route__applicant", "route__position")}


# --- N4: review and notice ---------------------------------------------------------------------

_AUTOMATIC = {"qualified", "not_qualified", "condition_failed", "condition_relaxed"}


@dataclass
class ReviewRow:
    """One applicant and position: the core's automatic check, the working group's decision, the result."""

    applicant: Applicant
    position: Position
    nominated: bool
    automatic: list[Decision] = field(default_factory=list)
    automatic_ok: bool | None = None
    staff: ReviewDecision | None = None
    objections: list[Decision] = field(default_factory=list)
    qualified: bool = False
    nomination: Decision | None = None


@dataclass
class ReviewState:
    rows: list[ReviewRow]
    problems: list[Any]
    qualified: dict[str, list[str]]

    @property
    def pending(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.nominated and r.staff is None]


def review_state(election: Election) -> ReviewState:
    """Every applicant × position with the core's decisions from the run of the election's record."""
    from zhixuan.web.elections.outcomes import election_outcome

    outcome = election_outcome(election)
    section = outcome.section("nomination")
    decisions = list(section.decisions) if section is not None else []
    qualified = outcome.outcome("qualified") or {}
    assert isinstance(qualified, dict)
    staff = {
        (r.applicant_id, r.position_id): r
        for r in ReviewDecision.objects.filter(applicant__election=election).select_related("decided_by")
    }
    # The runner records the working group's not-qualified decisions as upheld objections too; only
    # objections raised by the public during the notice are shown as such.
    raised = {
        (o.applicant.number, o.position.kind, o.reason) for o in objections(election).filter(upheld__isnull=False)
    }
    rows: list[ReviewRow] = []
    for applicant in applicants(election):
        for choice in applicant.positions.all():
            kind = choice.position.kind
            mine = [d for d in decisions if d.subject == applicant.number and d.facts.get("position") == kind]
            nomination = next((d for d in mine if d.rule == "N2" and d.code in ("nominated", "not_nominated")), None)
            automatic = [d for d in mine if d.rule == "N4" and d.code in _AUTOMATIC]
            verdict = next((d for d in automatic if d.code in ("qualified", "not_qualified")), None)
            rows.append(
                ReviewRow(
                    applicant=applicant,
                    position=choice.position,
                    nominated=nomination is not None and nomination.code == "nominated",
                    automatic=automatic,
                    automatic_ok=None if verdict is None else verdict.code == "qualified",
                    staff=staff.get((applicant.pk, choice.position_id)),
                    objections=[
                        d
                        for d in mine
                        if d.code in ("objection_upheld", "objection_dismissed")
                        and (applicant.number, kind, d.facts.get("reason")) in raised
                    ],
                    qualified=applicant.number in qualified.get(kind, []),
                    nomination=nomination,
                )
            )
    return ReviewState(rows, list(outcome.problems), {k: list(v) for k, v in qualified.items()})


def objection_outcomes(state: ReviewState) -> list[Decision]:
    """The core's N4 decisions on objections raised by the public."""
    return [d for row in state.rows for d in row.objections]


def notice_open(review_notice: ReviewNotice | None) -> bool:
    return review_notice is not None and timezone.now() <= review_notice.objections_until


def objections(election: Election) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(applicant__election=election)
        .select_related("applicant", "position")
        .order_by("filed_at", "pk")
    )


@dataclass(frozen=True)
class PanelCounts:
    applicants: int
    routes: dict[str, int]
    pending_review: int
    notice: ReviewNotice | None
    notice_open: bool
    open_objections: int
    registration_open: bool


def panel_counts(election: Election) -> PanelCounts:
    """The numbers on the election page's nomination card (cheap counts; no core run)."""
    standing = Applicant.objects.filter(election=election, withdrawn_at=None)
    by_kind = dict(
        NominationRoute.objects.filter(applicant__in=standing)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    reviewed = ReviewDecision.objects.filter(applicant__in=standing).values_list("applicant_id", "position_id")
    wanted = standing.values_list("pk", "positions__position_id")
    pending = len({w for w in wanted if w[1] is not None} - set(reviewed))
    review_notice = notice(election)
    return PanelCounts(
        applicants=standing.count(),
        routes={kind: by_kind.get(kind, 0) for kind in RouteKind.values},
        pending_review=pending,
        notice=review_notice,
        notice_open=notice_open(review_notice),
        open_objections=Objection.objects.filter(applicant__election=election, upheld__isnull=True).count(),
        registration_open=election.announced_at is not None and review_notice is None,
    )


def open_joint_routes(election: Election) -> QuerySet[NominationRoute]:
    """Joint nominations a member may still sign online (before the review notice)."""
    return joint_routes(election) if registration_open(election) else NominationRoute.objects.none()
