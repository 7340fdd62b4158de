"""Seed-003 Qingquan town (清泉镇, 安县) under ``two-recommendation`` [S3]: 两推三票四展示.

340 members elect a committee of 7. 7,660 members, cadres and members of the public take part in
the open mass recommendation (海推) of 133 nominees; the county's four leadership bodies recommend
next; the two are combined by weight and the top 1:5 (35) become preliminary candidates; inspection
(差额考察) fails two; the county committee's vote (组织信任票) keeps the formal candidates; the members'
meeting elects secretary → deputies → members, losers cascading.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from zhixuan.scenario.schema import FORMAT
from zhixuan.synth.meeting import Seat, lot, top_down_rounds
from zhixuan.synth.names import NameMaker
from zhixuan.synth.nomination import Call, Field, make_field
from zhixuan.synth.recommendation import popularity, select_pools
from zhixuan.synth.roster import RosterPlan, attending, make_roster
from zhixuan.synth.voting import GroupCount, clear_top, recommendation_ballot, stage_scores, weighted_picks

MEMBERS = 340
RECOMMENDERS = 7660
NOMINEES = 133
SEATS = {"secretary": 1, "deputy": 2, "member": 4}
RATIO = 5  # 1:5 preliminary candidates (R3)
FORMAL = {"secretary": 2, "deputy": 3, "member": 6}  # kept by the county-committee vote (C2); C1 holds
MASS_WEIGHTS = {"members": Fraction(1, 2), "cadres": Fraction(1, 5), "public": Fraction(3, 10)}
STAGE_WEIGHTS = {"mass_recommendation": Fraction(3, 5), "county_leadership": Fraction(2, 5)}
COUNTY_LEADERS = 38
COUNTY_COMMITTEE = 31
CONDITIONS: dict[str, dict[str, Any]] = {
    # 打破身份、年龄、学历限制 (N4): only party standing and a minimum of party years remain.
    "secretary": {
        "min_party_years": 5,
        "max_age": 45,
        "min_education": "大专",
        "relaxed": ["max_age", "min_education", "identities"],
    },
    "deputy": {
        "min_party_years": 3,
        "max_age": 45,
        "min_education": "大专",
        "relaxed": ["max_age", "min_education", "identities"],
    },
    "member": {
        "min_party_years": 2,
        "max_age": 45,
        "min_education": "高中（中专）",
        "relaxed": ["max_age", "min_education", "identities"],
    },
}
FACT_LIMITS = {p: {"min_party_years": c["min_party_years"]} for p, c in CONDITIONS.items()}
NOT_QUALIFIED = (
    "近三年年度考核有基本称职等次，不符合资格条件",
    "党龄计算有误，实际不足规定年限",
    "受党内警告处分未满一年",
    "报名材料弄虚作假",
    "因病长期不能正常工作",
)
INSPECTION_FAILS = ("个人有关事项报告不实", "群众反映其在村级工程中优亲厚友，经核实属实")


def generate_qingquan(seed: int = 3) -> dict[str, Any]:
    rng = random.Random(f"zhixuan-qingquan:{seed}")
    names = NameMaker(rng)
    roster = make_roster(
        rng,
        names,
        RosterPlan(
            members=MEMBERS,
            migrants=24,
            probationary=6,
            on_probation=1,
            rights_suspended=1,
            excused=3,
            excusal_unapproved=1,
        ),
        prefix="m",
        approver="清泉镇党委",
    )
    fld = make_field(
        rng,
        roster,
        [
            Call("secretary", 22, second="deputy", with_second=8),
            Call("deputy", 41, second="member", with_second=12),
            Call("member", NOMINEES - 22 - 41),
        ],
        FACT_LIMITS,
        signers=roster.expected_ids,
        organisations=[f"{v}村党支部" for v in ("红埝", "清泉", "金光", "永安", "联合", "青莲")]
        + ["清泉镇机关党支部", "清泉镇非公企业联合党支部"],
    )
    _review(rng, fld)

    mass_voters = _mass_voters(rng, roster)
    stages, preliminary = _recommendation(rng, fld, mass_voters)
    inspection, passed = _inspection(rng, fld, preliminary)
    county_for, formal = _county_vote(rng, fld, passed)

    present = attending(rng, roster, 0.94, 0.8)
    strengths = {a: 1.3 * fld.merit[a] + rng.gauss(0.0, 0.3) for a in fld.merit}
    nominee_members = {a["member"] for a in fld.applicants}
    bystanders = [m for m in present if m not in nominee_members]
    officials = rng.sample(bystanders, 5)
    meeting = top_down_rounds(
        rng,
        [Seat(p, n) for p, n in SEATS.items()],
        formal,
        strengths,
        present,
        [*rng.sample(bystanders, 3), *roster.ineligible_ids[:1]],
    )
    return {
        "format": FORMAT,
        "election": {
            "id": f"qingquan-seed{seed:03d}",
            "title": f"清泉镇党委领导班子公推直选（两推三票四展示，合成数据，种子 {seed:03d}）",
            "county": "四川省安县",
            "township": "清泉镇",
            "date": "2011-01-20",
            "preset": "two-recommendation",
        },
        "positions": [
            {
                "id": "secretary",
                "name": "党委书记",
                "kind": "secretary",
                "seats": 1,
                "conditions": CONDITIONS["secretary"],
                "formal_count": FORMAL["secretary"],
                "work_targets": ["三年内建成省级生态旅游示范镇", "农民人均纯收入年均增长 12%"],
            },
            {
                "id": "deputy",
                "name": "党委副书记",
                "kind": "deputy_secretary",
                "seats": 2,
                "conditions": CONDITIONS["deputy"],
                "formal_count": FORMAL["deputy"],
            },
            {
                "id": "member",
                "name": "党委委员",
                "kind": "member",
                "seats": 4,
                "conditions": CONDITIONS["member"],
                "formal_count": FORMAL["member"],
            },
        ],
        "roster": {"members": roster.members},
        "applicants": fld.applicants,
        "review": {"decisions": fld.decisions, "objections": fld.objections},
        "speech_lot": lot(rng, "清泉镇 四轮展示 演讲顺序"),
        "stages": stages,
        "selection": {"ratio": RATIO},
        "inspection": inspection,
        "county_vote": {"voters": COUNTY_COMMITTEE, "for": county_for},
        "meeting": {"scrutineers": officials[:3], "tellers": officials[3:], "rounds": meeting.rounds},
        "commitment": {
            "by": meeting.winners["secretary"][0],
            "items": [
                {"id": "c1", "text": "三年内建成省级生态旅游示范镇"},
                {"id": "c2", "text": "每半年向党员大会报告一次工作"},
                {"id": "c3", "text": "灾后重建项目全部按期完工并公开账目"},
            ],
        },
    }


def _review(rng: random.Random, fld: Field) -> None:
    """Five nominees fail the review (N4); of two objections in the notice window one is upheld."""
    ids = [a["id"] for a in fld.applicants]
    weak = sorted(ids, key=lambda a: fld.merit[a])[:20]
    failing = rng.sample(weak, len(NOT_QUALIFIED) + 2)
    for applicant, reason in zip(failing, NOT_QUALIFIED, strict=False):
        for decision in fld.decisions:
            if decision["applicant"] == applicant:
                decision["qualified"] = False
                decision["reason"] = reason
    upheld, rejected = failing[-2:]
    fld.objections += [
        {
            "applicant": upheld,
            "position": fld.first_choice[upheld],
            "by": "实名来信",
            "reason": "违规占用耕地建房，经核实属实",
            "upheld": True,
        },
        {
            "applicant": rejected,
            "position": fld.first_choice[rejected],
            "by": "匿名电话",
            "reason": "反映其长期不在村居住，经核实不属实",
            "upheld": False,
        },
    ]


def _mass_voters(rng: random.Random, roster: Any) -> dict[str, int]:
    members = len(attending(rng, roster, 0.93, 0.75))
    cadres = rng.randint(180, 220)
    return {"members": members, "cadres": cadres, "public": RECOMMENDERS - members - cadres}


def _recommendation(
    rng: random.Random, fld: Field, voters: Mapping[str, int]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """海推 (members one by one, cadres as counted identical ballots, the public as tellers' totals),
    then the county leadership's recommendation; combined by weight, 1:5 per position (R1-R4)."""
    appeal = popularity(fld, list(SEATS))
    keep = {p: RATIO * n for p, n in SEATS.items()}
    preferences = {a["id"]: a["positions"] for a in fld.applicants}
    for _ in range(100):
        counts = {g: GroupCount.empty() for g in MASS_WEIGHTS}
        ballots: list[dict[str, Any]] = []
        for _ in range(voters["members"]):
            picks = recommendation_ballot(rng, appeal, SEATS)
            counts["members"].add(picks, SEATS)
            ballots.append({"group": "members", "picks": picks})
        for count, picks in _slates(rng, appeal, voters["cadres"]):
            counts["cadres"].add(picks, SEATS, count)
            ballots.append({"group": "cadres", "count": count, "picks": picks})
        totals = _public_totals(rng, appeal, voters["public"])
        for total in totals:
            counts["public"].valid[total["position"]] += total["valid"]
            counts["public"].votes[total["position"]] = Counter(total["for"])
        leaders_appeal = {p: {a: w * math.exp(rng.gauss(0.0, 0.5)) for a, w in ws.items()} for p, ws in appeal.items()}
        leader_counts = GroupCount.empty()
        leader_ballots: list[dict[str, Any]] = []
        for _ in range(COUNTY_LEADERS):
            picks = recommendation_ballot(rng, leaders_appeal, SEATS, over_pick_rate=0.0)
            leader_counts.add(picks, SEATS)
            leader_ballots.append({"group": "county_leaders", "picks": picks})
        combined: dict[str, dict[str, Fraction]] = {}
        for position in SEATS:
            mass = stage_scores(counts, MASS_WEIGHTS, position)
            county = stage_scores({"county_leaders": leader_counts}, {"county_leaders": Fraction(1)}, position)
            combined[position] = {
                c: STAGE_WEIGHTS["mass_recommendation"] * mass.get(c, Fraction(0))
                + STAGE_WEIGHTS["county_leadership"] * county.get(c, Fraction(0))
                for c in set(mass) | set(county)
            }
        pools = select_pools(combined, keep, preferences)
        if pools is not None:
            stages = [
                {
                    "id": "mass_recommendation",
                    "name": "海推（党员干部群众推荐）",
                    "weight": _fraction(STAGE_WEIGHTS["mass_recommendation"]),
                    "groups": [
                        {"id": "members", "name": "党员", "weight": _fraction(MASS_WEIGHTS["members"])},
                        {"id": "cadres", "name": "镇村干部", "weight": _fraction(MASS_WEIGHTS["cadres"])},
                        {"id": "public", "name": "群众", "weight": _fraction(MASS_WEIGHTS["public"])},
                    ],
                    "ballots": ballots,
                    "totals": totals,
                },
                {
                    "id": "county_leadership",
                    "name": "县四大班子推荐",
                    "weight": _fraction(STAGE_WEIGHTS["county_leadership"]),
                    "groups": [{"id": "county_leaders", "name": "县四大班子成员", "weight": "1"}],
                    "ballots": leader_ballots,
                },
            ]
            return stages, pools
    raise RuntimeError("could not draw a clear recommendation")  # pragma: no cover


def _slates(
    rng: random.Random, appeal: Mapping[str, Mapping[str, float]], voters: int
) -> list[tuple[int, dict[str, list[str]]]]:
    """Cadres' ballots as a few distinct slates with counts (identical ballots, counted once each)."""
    slates: list[dict[str, list[str]]] = []
    while len(slates) < 24:
        picks = recommendation_ballot(rng, appeal, SEATS, over_pick_rate=0.0)
        if picks not in slates:
            slates.append(picks)
    cuts = sorted(rng.sample(range(1, voters), len(slates) - 1))
    sizes = [b - a for a, b in itertools.pairwise([0, *cuts, voters])]
    return list(zip(sizes, slates, strict=True))


def _public_totals(rng: random.Random, appeal: Mapping[str, Mapping[str, float]], voters: int) -> list[dict[str, Any]]:
    """The public's ballots as counted by the tellers: every ballot valid for every position."""
    totals = []
    for position, weights in appeal.items():
        keys = sorted(weights)
        cum = list(itertools.accumulate(weights[k] for k in keys))
        tally: Counter[str] = Counter()
        for _ in range(voters):
            k = SEATS[position] if rng.random() < 0.85 else rng.randint(1, SEATS[position])
            tally.update(weighted_picks(rng, keys, cum, k))
        totals.append({"group": "public", "position": position, "valid": voters, "for": dict(sorted(tally.items()))})
    return totals


def _inspection(
    rng: random.Random, fld: Field, preliminary: Mapping[str, Sequence[str]]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """差额考察 (C3): every preliminary candidate is inspected; two fail and leave the race."""
    everyone = [c for pool in preliminary.values() for c in pool]
    failing = dict(
        zip(
            rng.sample([c for c in everyone if c not in preliminary["secretary"]], 2),
            INSPECTION_FAILS,
            strict=True,
        )
    )
    records: list[dict[str, Any]] = []
    for candidate in everyone:
        if candidate in failing:
            records.append({"candidate": candidate, "passed": False, "reason": failing[candidate]})
        else:
            records.append({"candidate": candidate, "passed": True})
    passed = {p: [c for c in pool if c not in failing] for p, pool in preliminary.items()}
    return records, passed


def _county_vote(
    rng: random.Random, fld: Field, passed: Mapping[str, Sequence[str]]
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """组织信任票 (C2): county-committee members each back up to the formal count per position."""
    for _ in range(100):
        tally: Counter[str] = Counter()
        for _ in range(COUNTY_COMMITTEE):
            for position, pool in passed.items():
                weights = {c: math.exp(1.2 * fld.merit[c] + rng.gauss(0.0, 0.4)) for c in pool}
                ranked = sorted(weights, key=lambda c: weights[c], reverse=True)
                tally.update(ranked[: FORMAL[position]])
        formal: dict[str, list[str]] = {}
        for position, pool in passed.items():
            top = clear_top({c: Fraction(tally[c]) for c in pool}, FORMAL[position])
            if top is None:
                break
            formal[position] = top
        if len(formal) == len(passed):
            votes = {c: tally[c] for pool in passed.values() for c in pool}
            return votes, formal
    raise RuntimeError("could not draw a clear county-committee vote")  # pragma: no cover


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
