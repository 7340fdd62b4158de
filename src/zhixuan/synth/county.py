"""The seed-000 county: nine townships elect their Party committees at once under ``three-round`` [S0].

Totals follow the source: 2,901 members (116 of them migrant workers) took part, 726 public
representatives joined the recommendation, 84 leaders were elected in 9 townships.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from zhixuan.scenario.schema import FORMAT
from zhixuan.synth.meeting import Seat, lot, top_down_rounds
from zhixuan.synth.names import NameMaker
from zhixuan.synth.nomination import Call, disqualify, make_field
from zhixuan.synth.recommendation import single_stage
from zhixuan.synth.roster import RosterPlan, attending, make_public_reps, make_roster

COUNTY = "四川省某县"
TOWNSHIPS = ("石河乡", "白龙镇", "金溪乡", "青山镇", "双桥乡", "柳河乡", "永兴镇", "清水乡", "太平镇")
MEMBERS = 2901
MIGRANTS = 116
PUBLIC_REPS = 726
SEATS = 84
# Secretary 1 + deputies 2 + members 6 = 9 per township; the three largest elect a seventh member: 84.
LARGER_COMMITTEES = 3
PUBLIC_REP_CAP = Fraction(3, 10)  # P4, checked against each township's expected attendance
SELECTION_RATIO = 2  # formal candidates per seat from the recommendation meeting [D for this county]
GROUP_WEIGHTS = {"members": Fraction(7, 10), "public_reps": Fraction(3, 10)}

CONDITIONS: dict[str, dict[str, int]] = {
    "secretary": {"min_party_years": 5, "max_age": 50},
    "deputy": {"min_party_years": 3, "max_age": 50},
    "member": {"min_party_years": 2, "max_age": 55},
}
COMMITMENTS = (
    "三年内全乡人均纯收入年均增长 10% 以上",
    "建成 3 个特色农业产业基地",
    "每季度向党员大会报告党务、政务公开情况",
    "村村通水泥路，解决群众出行难",
)


@dataclass(frozen=True)
class TownshipPlan:
    index: int
    name: str
    roster: RosterPlan
    public_reps: int
    member_seats: int

    @property
    def expected(self) -> int:
        r = self.roster
        return r.members - r.probationary - r.on_probation - r.rights_suspended - r.excused

    @property
    def seats(self) -> int:
        return 1 + 2 + self.member_seats


def plan_county(seed: int = 0) -> list[TownshipPlan]:
    """Split the county totals over the nine townships, keeping each within the public-rep cap (P4)."""
    rng = random.Random(f"zhixuan-county-plan:{seed}")
    sizes = _apportion(MEMBERS, [rng.uniform(0.75, 1.3) for _ in TOWNSHIPS])
    migrants = _apportion(MIGRANTS, [float(s) for s in sizes])
    rosters = [
        RosterPlan(
            members=size,
            migrants=migrant,
            probationary=rng.randint(2, 6),
            on_probation=rng.randint(0, 1),
            rights_suspended=rng.randint(0, 1),
            excused=rng.randint(1, 4),
            excusal_unapproved=rng.randint(0, 1),
        )
        for size, migrant in zip(sizes, migrants, strict=True)
    ]
    expected = [r.members - r.probationary - r.on_probation - r.rights_suspended - r.excused for r in rosters]
    reps = _apportion(PUBLIC_REPS, [float(e) for e in expected])
    caps = [int(PUBLIC_REP_CAP * e) for e in expected]
    if any(r > c for r, c in zip(reps, caps, strict=True)):  # pragma: no cover - 25% is far below 30%
        raise RuntimeError("public reps exceed the P4 cap")
    larger = set(sorted(range(len(sizes)), key=lambda i: (-sizes[i], i))[:LARGER_COMMITTEES])
    return [TownshipPlan(i + 1, name, rosters[i], reps[i], 7 if i in larger else 6) for i, name in enumerate(TOWNSHIPS)]


def generate_county(seed: int = 0, *, progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """The nine township scenarios of the seed-``seed`` county, in township order."""
    docs = []
    for plan in plan_county(seed):
        docs.append(generate_township(seed, plan))
        if progress:
            progress(plan.name)
    return docs


def generate_township(seed: int, plan: TownshipPlan) -> dict[str, Any]:
    """One township's three-round election: registration, recommendation meeting, direct election."""
    rng = random.Random(f"zhixuan-county:{seed}:{plan.index}")
    names = NameMaker(rng)
    approver = f"{plan.name}党委"
    roster = make_roster(rng, names, plan.roster, prefix="m", approver=approver)
    roster.public_reps = make_public_reps(names, plan.public_reps, prefix="q")

    seats = {"secretary": 1, "deputy": 2, "member": plan.member_seats}
    keep = {position: SELECTION_RATIO * n for position, n in seats.items()}
    villages = [f"{v}村党支部" for v in rng.sample(("红星", "新华", "永丰", "光明", "和平", "胜利", "东风", "团结"), 5)]
    fld = make_field(
        rng,
        roster,
        [
            Call("secretary", rng.randint(4, 6), second="deputy", with_second=2),
            Call("deputy", rng.randint(7, 10), second="member", with_second=3),
            Call("member", keep["member"] + rng.randint(5, 9)),
        ],
        CONDITIONS,
        signers=roster.expected_ids,
        organisations=[*villages, f"{plan.name}机关党支部"],
    )
    if rng.random() < 0.5:
        # One secretary applicant short of the party standing the post requires (N4).
        weakest = min(
            (a for a in fld.applicants if a["positions"] == ["secretary"]),
            key=lambda a: fld.merit[a["id"]],
            default=None,
        )
        if weakest is not None:
            disqualify(
                fld,
                weakest["id"],
                "secretary",
                "党龄不满 5 年，不符合党委书记职位资格条件",
                {"party_years": 3},
            )

    at_meeting = attending(rng, roster, 0.93, 0.8)
    reps_present = sum(1 for _ in roster.public_reps if rng.random() < 0.95)
    stage_ballots, pools = single_stage(
        rng,
        fld,
        seats,
        keep,
        {"members": len(at_meeting), "public_reps": reps_present},
        GROUP_WEIGHTS,
    )

    strengths = {a: 1.3 * fld.merit[a] + rng.gauss(0.0, 0.3) for a in fld.merit}
    applicant_members = {a["member"] for a in fld.applicants}
    present = _quorate(rng, roster.expected_ids, attending(rng, roster, 0.95, 0.82))
    bystanders = [m for m in present if m not in applicant_members]
    officials = rng.sample(bystanders, 5)
    write_in_pool = [*rng.sample(bystanders, 4), *roster.ineligible_ids[:1]]
    meeting = top_down_rounds(
        rng,
        [Seat("secretary", 1), Seat("deputy", 2), Seat("member", plan.member_seats)],
        pools,
        strengths,
        present,
        write_in_pool,
    )
    secretary = meeting.winners["secretary"][0]

    return {
        "format": FORMAT,
        "election": {
            "id": f"county{seed:03d}-t{plan.index:02d}",
            "title": f"{plan.name}党委领导班子公推直选（合成数据，种子 {seed:03d}）",
            "county": COUNTY,
            "township": plan.name,
            "date": "2023-01-08",
            "preset": "three-round",
        },
        "positions": [
            {
                "id": "secretary",
                "name": "党委书记",
                "kind": "secretary",
                "seats": 1,
                "conditions": CONDITIONS["secretary"],
                "work_targets": ["发展壮大集体经济", "建强基层党组织"],
            },
            {
                "id": "deputy",
                "name": "党委副书记",
                "kind": "deputy_secretary",
                "seats": 2,
                "conditions": CONDITIONS["deputy"],
            },
            {
                "id": "member",
                "name": "党委委员",
                "kind": "member",
                "seats": plan.member_seats,
                "conditions": CONDITIONS["member"],
            },
        ],
        "roster": {"members": roster.members, "public_reps": roster.public_reps},
        "applicants": fld.applicants,
        "review": {"decisions": fld.decisions},
        "speech_lot": lot(rng, f"{plan.name} 演讲辩论顺序"),
        "stages": [
            {
                "id": "recommendation",
                "name": "公开推荐会（党员和群众代表无记名投票）",
                "groups": [
                    {"id": "members", "name": "党员", "weight": _fraction(GROUP_WEIGHTS["members"])},
                    {
                        "id": "public_reps",
                        "name": "群众代表",
                        "weight": _fraction(GROUP_WEIGHTS["public_reps"]),
                    },
                ],
                "ballots": stage_ballots,
            }
        ],
        "selection": {"ratio": SELECTION_RATIO},
        "meeting": {"scrutineers": officials[:3], "tellers": officials[3:], "rounds": meeting.rounds},
        "commitment": {
            "by": secretary,
            "items": [{"id": f"c{i + 1}", "text": text} for i, text in enumerate(rng.sample(COMMITMENTS, 3))],
        },
    }


def _quorate(rng: random.Random, expected: Sequence[str], present: list[str]) -> list[str]:
    """Keep the meeting at or above 4/5 of 应到会 (M1, three-round) by calling in absentees."""
    absent = [m for m in expected if m not in set(present)]
    rng.shuffle(absent)
    while 5 * len(present) < 4 * len(expected) + 10:
        present.append(absent.pop())
    return present


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``; earlier entries win ties."""
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    out = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out
