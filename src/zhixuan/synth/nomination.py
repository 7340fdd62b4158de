"""Synthetic applicants: routes (N2), up to two positions (N3), facts and the qualification review (N4)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhixuan.synth.roster import Roster

# The education levels the rules core compares (N4), in its spelling.
EDUCATION = ("初中", "高中（中专）", "大专", "大学本科", "研究生")
IDENTITIES = ("公务员", "事业干部", "村（社区）干部", "大学生村官", "非公企业经营者", "农民", "零聘人员")
STATEMENTS = (
    "发展特色产业，带领群众增收致富。",
    "抓好基层党建，让党员先锋作用看得见。",
    "办好民生实事，解决群众急难愁盼。",
    "推进村容整治，建设美丽乡村。",
    "公开政务村务，接受党员群众监督。",
    "做好矛盾调处，维护乡村和谐稳定。",
)


@dataclass(frozen=True)
class Call:
    """How many people apply with ``position`` as first choice, and how many add ``second`` (N3)."""

    position: str
    applicants: int
    second: str | None = None
    with_second: int = 0


@dataclass
class Field:
    """The applicants of one election, with each one's latent standing among voters."""

    applicants: list[dict[str, Any]]
    merit: dict[str, float]
    first_choice: dict[str, str]
    decisions: list[dict[str, Any]] = field(default_factory=list)
    objections: list[dict[str, Any]] = field(default_factory=list)

    def qualified(self, applicant: str, position: str) -> bool:
        return any(
            d["applicant"] == applicant and d["position"] == position and d["qualified"] for d in self.decisions
        ) and not any(
            o["applicant"] == applicant and o["position"] == position and o["upheld"] for o in self.objections
        )

    def by_position(self, position: str) -> list[str]:
        """Qualified applicants for ``position``."""
        return [a["id"] for a in self.applicants if position in a["positions"] and self.qualified(a["id"], position)]


def make_field(
    rng: random.Random,
    roster: Roster,
    calls: Sequence[Call],
    conditions: Mapping[str, Mapping[str, int]],
    *,
    signers: Sequence[str],
    organisations: Sequence[str],
    exclude: Sequence[str] = (),
    joint_share: float = 0.25,
    organisation_share: float = 0.2,
) -> Field:
    """Applicants drawn from the full members not in ``exclude``; every one qualifies on the facts.

    ``conditions`` (N4: ``min_party_years``, ``max_age``) are respected by the generated facts, so the
    review's outcomes are never contradicted by the facts it is given.
    """
    pool = [m for m in roster.expected_ids if m not in set(exclude)]
    rng.shuffle(pool)
    signed: dict[str, set[str]] = {}  # position -> signers used (one signature per position, N2)
    applicants: list[dict[str, Any]] = []
    merit: dict[str, float] = {}
    first: dict[str, str] = {}
    n = 0
    for call in calls:
        for k in range(call.applicants):
            member = pool[n]
            n += 1
            ident = f"a{n:03d}"
            positions = [call.position]
            if call.second and k < call.with_second:
                positions.append(call.second)
            facts = _facts(rng, [conditions.get(p, {}) for p in positions])
            applicant: dict[str, Any] = {
                "id": ident,
                "name": roster.name_of(member),
                "member": member,
                "positions": positions,
                "routes": _routes(
                    rng,
                    positions,
                    member,
                    signers,
                    signed,
                    organisations,
                    joint_share,
                    organisation_share,
                ),
                "facts": facts,
                "statement": rng.choice(STATEMENTS),
            }
            applicants.append(applicant)
            merit[ident] = rng.gauss(0.0, 1.0)
            first[ident] = call.position
    decisions = [{"applicant": a["id"], "position": p, "qualified": True} for a in applicants for p in a["positions"]]
    return Field(applicants, merit, first, decisions)


def disqualify(fld: Field, applicant: str, position: str, reason: str, facts: Mapping[str, Any]) -> None:
    """Record a failed review (N4) and make the applicant's facts show why."""
    for decision in fld.decisions:
        if decision["applicant"] == applicant and decision["position"] == position:
            decision["qualified"] = False
            decision["reason"] = reason
    for app in fld.applicants:
        if app["id"] == applicant:
            app["facts"].update(facts)


def _facts(rng: random.Random, conditions: Sequence[Mapping[str, int]]) -> dict[str, Any]:
    max_age = min((c["max_age"] for c in conditions if "max_age" in c), default=58)
    min_years = max((c["min_party_years"] for c in conditions if "min_party_years" in c), default=1)
    age = rng.randint(max(24, min_years + 20), max_age)
    years = rng.randint(min_years, max(min_years, age - 20))
    return {
        "age": age,
        "party_years": years,
        "education": rng.choices(EDUCATION, weights=(1, 4, 4, 5, 1))[0],
        "identity": rng.choice(IDENTITIES),
    }


def _routes(
    rng: random.Random,
    positions: Sequence[str],
    member: str,
    signers: Sequence[str],
    signed: dict[str, set[str]],
    organisations: Sequence[str],
    joint_share: float,
    organisation_share: float,
) -> list[dict[str, Any]]:
    """Routes for the first choice; a joint nomination names one position, so an applicant with a
    second choice also self-nominates or is put forward by an organisation (N2 covers each position)."""
    position = positions[0]
    routes: list[dict[str, Any]] = []
    if rng.random() < joint_share:
        used = signed.setdefault(position, set())
        free = [s for s in signers if s not in used and s != member]
        size = rng.randint(20, 32)
        if len(free) >= size:
            names = sorted(rng.sample(free, size))
            used.update(names)
            routes.append({"type": "joint", "position": position, "signatures": names})
    if rng.random() < organisation_share:
        routes.append({"type": "organisation", "by": rng.choice(organisations)})
    only_joint = all(r["type"] == "joint" for r in routes)
    if not routes or (only_joint and len(positions) > 1) or rng.random() < 0.3:
        routes.insert(0, {"type": "self"})
    return routes
