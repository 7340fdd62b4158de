"""The public board of one election: only what has been published, in procedure order.

Nothing here decides anything. Lists and results come from frozen publication snapshots
(announcement, review notice, formal lists) or from the rules core's run of the record
(``elections.outcomes``), and only once the step they belong to is over. A lot's secret is
shown only after it is revealed (L1); before that, only its commitment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse

from zhixuan.rules.stroke_order import order_by_strokes
from zhixuan.scenario.report import Section
from zhixuan.strokes import stroke_table
from zhixuan.web.audit.models import AuditChain, AuditEntry
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome

# The nomination app's public notice page, if it has one (tried in this order).
NOTICE_URL_NAMES = ("nomination:public_notice", "nomination:notice_public", "nomination:notice")

# Replaces the inspection team's written opinion in the public record: the outcome is public, the
# opinion about a person stays in the county's files (the core needs a reason for a fail, C3).
WITHHELD_REASON = "考察不合格（考察意见存档备查）"


@dataclass
class LotView:
    purpose: str
    purpose_label: str
    label: str
    commitment: str
    committed_at: datetime
    revealed: bool
    secret: str = ""
    entropy: str = ""
    revealed_at: datetime | None = None
    items: list[str] = field(default_factory=list)  # applicant numbers, for `zhixuan lot verify`
    order: list[tuple[int, str, str]] = field(default_factory=list)  # (place, name, number)

    @property
    def verify_command(self) -> str:
        """The exact command that recomputes and checks this draw (L1)."""
        order = ",".join(number for _, _, number in self.order)
        items = " ".join(self.items)
        return (
            f"zhixuan lot verify --secret {self.secret} --commitment {self.commitment} "
            f'--entropy "{self.entropy}" --label "{self.label}" --order {order} {items}'
        )


@dataclass
class NamedList:
    kind: str
    title: str
    seats: int | None
    names: list[str]


@dataclass
class Board:
    election: Election
    notice: Any = None
    notice_url: str | None = None
    notice_lists: list[NamedList] = field(default_factory=list)
    lots: list[LotView] = field(default_factory=list)
    stages_closed: bool = False
    results_at: datetime | None = None
    results: list[Section] = field(default_factory=list)
    preliminary: list[NamedList] = field(default_factory=list)
    formal: Any = None
    formal_lists: list[NamedList] = field(default_factory=list)
    chain_head: str = ""
    chain_length: int = 0
    chain_updated_at: datetime | None = None


def _lists(content: dict[str, Any], key: str) -> list[NamedList]:
    out = []
    for p in content.get("positions", []):
        people = p.get(key, [])
        out.append(
            NamedList(p.get("kind", ""), p.get("title", ""), p.get("seats"), [c.get("name", "") for c in people])
        )
    return out


def _notice_url(election: Election) -> str | None:
    for name in NOTICE_URL_NAMES:
        try:
            return reverse(name, args=[election.pk])
        except NoReverseMatch:
            continue
    return None


def lots(election: Election) -> list[LotView]:
    """Every lot of the election: the commitment as soon as it exists, the rest only once revealed."""
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.recommendation.models import Lot

    names = dict(Applicant.objects.filter(election=election).values_list("number", "name"))
    out = []
    for lot in Lot.objects.filter(election=election).order_by("committed_at"):
        view = LotView(
            purpose=lot.purpose,
            purpose_label=str(lot.get_purpose_display()),
            label=lot.label,
            commitment=lot.commitment,
            committed_at=lot.committed_at,
            revealed=lot.revealed_at is not None,
        )
        if lot.revealed_at is not None:  # L1: never show the secret before the reveal
            view.secret = lot.secret
            view.entropy = lot.entropy
            view.revealed_at = lot.revealed_at
            view.order = [(n, names.get(i, i), i) for n, i in enumerate(lot.result or [], 1)]
            view.items = sorted(str(i) for i in (lot.result or []))
        out.append(view)
    return out


def stages_closed(election: Election) -> bool:
    from zhixuan.web.recommendation.models import RecommendationStage, StageStatus

    stages = RecommendationStage.objects.filter(election=election)
    return stages.exists() and not stages.exclude(status=StageStatus.CLOSED).exists()


def _results_time(election: Election) -> datetime | None:
    """When the last recommendation stage was closed: the audit chain's own record of it."""
    entry = (
        AuditEntry.objects.filter(chain__key=election.audit_chain, action="recommendation.close_stage")
        .order_by("-seq")
        .first()
    )
    return entry.time if entry is not None else None


def board(election: Election) -> Board:
    from zhixuan.web.candidates.models import FormalListPublication
    from zhixuan.web.nomination.models import Applicant, ReviewNotice

    result = Board(election=election)
    result.notice = ReviewNotice.objects.filter(election=election).first()
    if result.notice is not None:
        result.notice_url = _notice_url(election)
        result.notice_lists = _lists(result.notice.content or {}, "qualified")
    result.lots = lots(election)
    result.stages_closed = stages_closed(election)
    if result.stages_closed:
        outcome = election_outcome(election)
        result.results = [
            s for s in (outcome.report.sections if outcome.report else []) if s.key.startswith("stage:")
        ] + [s for key in ("combined", "selection") if (s := outcome.section(key)) is not None]
        result.results_at = _results_time(election)
        preliminary = outcome.outcome("preliminary")
        if isinstance(preliminary, dict):
            names = dict(Applicant.objects.filter(election=election).values_list("number", "name"))
            table = stroke_table()
            for p in election.positions.all():
                listed = [names.get(i, i) for i in preliminary.get(p.kind, [])]
                # C4: the list is shown by surname strokes, ordered by the core.
                result.preliminary.append(
                    NamedList(p.kind, str(p.get_kind_display()), p.seats, list(order_by_strokes(listed, table)))
                )
    result.formal = FormalListPublication.objects.filter(election=election).first()
    if result.formal is not None:
        result.formal_lists = _lists(result.formal.content or {}, "candidates")
    head = AuditChain.objects.filter(key=election.audit_chain).first()
    result.chain_head = chain_head(election.audit_chain)
    result.chain_length = head.length if head is not None else 0
    last = AuditEntry.objects.filter(chain__key=election.audit_chain).order_by("-seq").first()
    result.chain_updated_at = last.time if last is not None else None
    return result


def public_record(election: Election) -> dict[str, Any]:
    """The election's record as far as it is published, for anyone to rerun with ``zhixuan run`` (S4).

    What is left out, and why: member and public-rep names (the roster's ids, statuses and
    approved excusals are enough to recompute P1/P2 and the N2 signatures), excusal notes, the
    names of people who filed objections, and the inspection team's written opinions (only
    pass/fail is published). Applicants and the review appear once the review notice is
    published; inspection and the county vote once the formal lists are; stage totals only
    once every stage is closed and lot secrets only once revealed (the export's own rules); meeting
    votes only once published.
    """
    from zhixuan.web.candidates.models import FormalListPublication
    from zhixuan.web.nomination.models import ReviewNotice
    from zhixuan.web.results.selectors import published_document

    # Meeting votes appear only once their results are published (S3), as on the results pages.
    doc = published_document(election)
    roster = doc.get("roster", {})
    members = []
    for m in roster.get("members", []):
        row: dict[str, Any] = {"id": m["id"], "name": m["id"], "status": m["status"]}
        if m.get("migrant"):
            row["migrant"] = True
        if "excusal" in m:
            row["excusal"] = {"reason": m["excusal"]["reason"], "approved_by": m["excusal"]["approved_by"]}
        members.append(row)
    doc["roster"] = {
        "members": members,
        "public_reps": [{"id": r["id"], "name": r["id"]} for r in roster.get("public_reps", [])],
    }
    if not ReviewNotice.objects.filter(election=election).exists():
        for key in ("applicants", "review", "speech_lot", "stages", "selection", "inspection", "county_vote"):
            doc.pop(key, None)
    for objection in doc.get("review", {}).get("objections", []):
        objection.pop("by", None)
    if not FormalListPublication.objects.filter(election=election).exists():
        doc.pop("inspection", None)
        doc.pop("county_vote", None)
    for record in doc.get("inspection", []):
        if not record["passed"]:
            record["reason"] = WITHHELD_REASON
    # A2 ratings feed the county's decisions and are not published on the board; the A1 commitment is.
    doc.pop("ratings", None)
    return doc
