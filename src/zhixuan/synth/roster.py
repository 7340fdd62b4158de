"""Synthetic member rosters (P1, P2) and public representatives (P4)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from zhixuan.synth.names import NameMaker

EXCUSAL_REASONS = ("illness", "abroad", "sentence", "bedridden", "away_transferred")
EXCUSAL_NOTES = {
    "illness": "住院治疗，无法表达本人意志",
    "abroad": "自费出国务工一年",
    "sentence": "正在服刑",
    "bedridden": "年老卧床，生活不能自理",
    "away_transferred": "外出学习八个月，组织关系未转出",
}


@dataclass(frozen=True)
class RosterPlan:
    """How many members of each kind a roster has."""

    members: int
    migrants: int
    probationary: int
    on_probation: int = 0
    rights_suspended: int = 0
    excused: int = 0  # approved excusals (P2)
    excusal_unapproved: int = 0  # requested, not approved: stays expected (P2)


@dataclass
class Roster:
    members: list[dict[str, Any]]
    public_reps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def expected_ids(self) -> list[str]:
        """应到会 (P2): full members without an approved excusal, migrants included."""
        return [
            m["id"]
            for m in self.members
            if m.get("status", "full") == "full" and not (m.get("excusal") or {}).get("approved_by")
        ]

    @property
    def ineligible_ids(self) -> list[str]:
        return [m["id"] for m in self.members if m.get("status", "full") != "full"]

    def name_of(self, member_id: str) -> str:
        return next(str(m["name"]) for m in self.members if m["id"] == member_id)


def make_roster(rng: random.Random, names: NameMaker, plan: RosterPlan, *, prefix: str, approver: str) -> Roster:
    """Members with ids ``{prefix}0001``…; statuses, migrants and excusals spread at random."""
    ids = [f"{prefix}{i:04d}" for i in range(1, plan.members + 1)]
    order = ids[:]
    rng.shuffle(order)
    cursor = 0

    def take(n: int) -> set[str]:
        nonlocal cursor
        chosen = set(order[cursor : cursor + n])
        cursor += n
        return chosen

    probationary = take(plan.probationary)
    on_probation = take(plan.on_probation)
    suspended = take(plan.rights_suspended)
    excused = take(plan.excused)
    unapproved = take(plan.excusal_unapproved)
    migrants = take(plan.migrants)  # full members who stay in 应到会

    members: list[dict[str, Any]] = []
    for ident in ids:
        member: dict[str, Any] = {"id": ident, "name": names.name()}
        if ident in probationary:
            member["status"] = "probationary"
        elif ident in on_probation:
            member["status"] = "on_probation"
        elif ident in suspended:
            member["status"] = "rights_suspended"
        if ident in migrants:
            member["migrant"] = True
        if ident in excused or ident in unapproved:
            reason = rng.choice(EXCUSAL_REASONS)
            member["excusal"] = {
                "reason": reason,
                "approved_by": approver if ident in excused else None,
                "note": EXCUSAL_NOTES[reason],
            }
        members.append(member)
    return Roster(members)


def make_public_reps(names: NameMaker, count: int, *, prefix: str) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{i:03d}", "name": names.name()} for i in range(1, count + 1)]


def attending(rng: random.Random, roster: Roster, share: float, migrant_share: float) -> list[str]:
    """Members present: most of the expected attendance; migrants come back a little less often."""
    by_id = {m["id"]: m for m in roster.members}
    return [
        ident
        for ident in roster.expected_ids
        if rng.random() < (migrant_share if by_id[ident].get("migrant") else share)
    ]
