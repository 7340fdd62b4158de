"""Reads for inspection, the county vote and the formal lists (rules C1–C4).

Who is preliminary, who remains after inspection, who is formal, whether the race stays
competitive and the stroke order all come from the rules core through
``elections.outcomes.election_outcome``; this module only gathers the rows and the core's
decisions for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from zhixuan.rules.decision import Decision
from zhixuan.web.candidates.models import CountyVote, FormalListPublication, InspectionOutcome
from zhixuan.web.elections.models import Election, Position
from zhixuan.web.elections.outcomes import ElectionOutcome, election_outcome
from zhixuan.web.elections.procedures import STAGES
from zhixuan.web.nomination.models import Applicant

COUNTY_VOTE_STAGE = "county_committee_vote"


def has_county_vote(election: Election) -> bool:
    """C2 applies when the election's procedure has an organisation-trust ballot (rules.md §9)."""
    return any(stage.kind == COUNTY_VOTE_STAGE for stage in STAGES.get(election.preset, ()))


def has_recommendation_stages(election: Election) -> bool:
    from zhixuan.web.recommendation.models import RecommendationStage

    return RecommendationStage.objects.filter(election=election).exists()


def preliminary_ids(election: Election, outcome: ElectionOutcome) -> dict[str, list[str]] | None:
    """Preliminary candidates per position kind, as the core selected them (R3), or None if not yet known.

    An election with recommendation stages has them only once every stage is closed; an election
    without stages (the standard preset) takes everyone who passed the review (N4).
    """
    found = outcome.outcome("preliminary")
    if isinstance(found, dict):
        return {str(k): list(v) for k, v in found.items()}
    if not has_recommendation_stages(election):
        qualified = outcome.outcome("qualified")
        if isinstance(qualified, dict):
            return {str(k): list(v) for k, v in qualified.items()}
    return None


def formal_ids(outcome: ElectionOutcome) -> dict[str, list[str]]:
    found = outcome.outcome("formal")
    return {str(k): list(v) for k, v in found.items()} if isinstance(found, dict) else {}


def decision_text(decision: Decision) -> str:
    return decision.en if get_language() == "en" else decision.zh


@dataclass
class CandidateRow:
    applicant: Applicant
    inspection: InspectionOutcome | None
    votes: int | None
    formal: bool


@dataclass
class PositionBlock:
    position: Position
    rows: list[CandidateRow]
    formal: list[Applicant]

    @property
    def title(self) -> str:
        return str(self.position.get_kind_display())


@dataclass
class Blocker:
    rule: str
    zh: str
    en: str

    @property
    def text(self) -> str:
        return self.en if get_language() == "en" else self.zh


@dataclass
class CandidatesPage:
    election: Election
    outcome: ElectionOutcome
    ready: bool  # preliminary candidates are known
    blocks: list[PositionBlock] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)
    county_vote: CountyVote | None = None
    county_vote_applies: bool = False
    publication: FormalListPublication | None = None

    @property
    def needs(self) -> Any:
        return self.outcome.report.needs if self.outcome.report is not None else None

    @property
    def inspected(self) -> int:
        return sum(1 for b in self.blocks for r in b.rows if r.inspection is not None)

    @property
    def preliminary_count(self) -> int:
        return sum(len(b.rows) for b in self.blocks)

    @property
    def can_publish(self) -> bool:
        return self.ready and not self.blockers and self.publication is None


def applicants_by_number(election: Election) -> dict[str, Applicant]:
    return {a.number: a for a in Applicant.objects.filter(election=election).select_related("inspection")}


def publish_blockers(election: Election, outcome: ElectionOutcome, ready: bool) -> list[Blocker]:
    """Why the formal lists cannot be published yet: the core's own words, with rule IDs."""
    if outcome.report is None:
        return [Blocker("S4", f"{p.path}: {p.zh}", f"{p.path}: {p.en}") for p in outcome.problems] or [
            Blocker("S4", "选举记录无法运行", "the election record cannot be run")
        ]
    if not ready:
        return [Blocker("R3", "初步候选人尚未确定（推荐环节未全部结束）", "preliminary candidates not yet selected")]
    out: list[Blocker] = []
    needs = outcome.report.needs
    if needs is not None and "formal" not in outcome.report.outcome:
        out.append(Blocker(needs.rule, needs.zh, needs.en))
    section = outcome.section("formal")
    if section is not None:
        out += [Blocker(d.rule, d.zh, d.en) for d in section.decisions if d.code == "too_few_candidates"]
    if not InspectionOutcome.objects.filter(applicant__election=election).exists():
        out.append(Blocker("C3", "尚未录入任何考察结果", "no inspection outcome recorded yet"))
    if has_county_vote(election) and not CountyVote.objects.filter(election=election).exists():
        out.append(
            Blocker("C2", "尚未录入县委票决结果（组织信任票）", "the county committee's vote is not recorded yet")
        )
    if not formal_ids(outcome) and not out:
        out.append(Blocker("C1", "没有正式候选人", "no formal candidates"))
    return out


def candidates_page(election: Election, outcome: ElectionOutcome | None = None) -> CandidatesPage:
    outcome = outcome or election_outcome(election)
    prelim = preliminary_ids(election, outcome)
    vote = CountyVote.objects.filter(election=election).first()
    page = CandidatesPage(
        election=election,
        outcome=outcome,
        ready=prelim is not None,
        county_vote=vote,
        county_vote_applies=has_county_vote(election),
        publication=FormalListPublication.objects.filter(election=election).first(),
    )
    if prelim is not None:
        people = applicants_by_number(election)
        formal = formal_ids(outcome)
        votes = dict(vote.votes) if vote is not None else {}
        for position in election.positions.all():
            ids = prelim.get(position.kind, [])
            chosen = set(formal.get(position.kind, []))
            rows = [
                CandidateRow(
                    applicant=people[i],
                    inspection=getattr(people[i], "inspection", None),
                    votes=votes.get(i),
                    formal=i in chosen,
                )
                for i in ids
                if i in people
            ]
            page.blocks.append(
                PositionBlock(position, rows, [people[i] for i in formal.get(position.kind, []) if i in people])
            )
        section = outcome.section("formal")
        page.decisions = list(section.decisions) if section is not None else []
    page.blockers = publish_blockers(election, outcome, page.ready)
    return page


def formal_list_content(election: Election, outcome: ElectionOutcome) -> dict[str, Any]:
    """The frozen content of a formal-list publication: per position the names in C4 order, and
    the core's C1–C4 decisions that made the list."""
    people = applicants_by_number(election)
    formal = formal_ids(outcome)
    section = outcome.section("formal")
    return {
        "positions": [
            {
                "kind": p.kind,
                "title": str(p.get_kind_display()),
                "seats": p.seats,
                "candidates": [
                    {"number": i, "name": people[i].name, "gender": people[i].gender}
                    for i in formal.get(p.kind, [])
                    if i in people
                ],
            }
            for p in election.positions.all()
        ],
        "decisions": [
            {"rule": d.rule, "code": d.code, "zh": d.zh, "en": d.en}
            for d in (section.decisions if section is not None else [])
            if d.rule in ("C1", "C4")
        ],
    }


def panel_summary(election: Election) -> dict[str, Any]:
    """Numbers for the election page's card; cheap reads only (no run of the record)."""
    return {
        "inspected": InspectionOutcome.objects.filter(applicant__election=election).count(),
        "failed": InspectionOutcome.objects.filter(applicant__election=election, passed=False).count(),
        "county_vote": CountyVote.objects.filter(election=election).first(),
        "county_vote_applies": has_county_vote(election),
        "publication": FormalListPublication.objects.filter(election=election).first(),
    }
