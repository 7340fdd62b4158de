"""Seed-003 Qingquan [S3]: 340 members, 7,660 recommenders, 133 nominees, 7 seats, 1:5, C2, C3."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhixuan.scenario.loader import validate
from zhixuan.synth import generate_qingquan


def _recommenders(stage: dict[str, Any]) -> int:
    """Ballots handed in: individual and counted ballots, plus each totalled group's ballots once."""
    ballots = sum(b.get("count", 1) for b in stage.get("ballots", []))
    per_group: dict[str, int] = {}
    for total in stage.get("totals", []):
        per_group[total["group"]] = max(per_group.get(total["group"], 0), total["valid"])
    return ballots + sum(per_group.values())


def test_qingquan_has_the_sources_numbers(qingquan: dict[str, Any]) -> None:
    assert qingquan["election"]["preset"] == "two-recommendation"
    assert len(qingquan["roster"]["members"]) == 340
    assert _recommenders(qingquan["stages"][0]) == 7660
    assert len(qingquan["applicants"]) == 133
    assert sum(p["seats"] for p in qingquan["positions"]) == 7


def test_r2_two_stages_are_weighted_to_one(qingquan: dict[str, Any]) -> None:
    stages = qingquan["stages"]
    assert [s["id"] for s in stages] == ["mass_recommendation", "county_leadership"]
    assert sum(Fraction(s["weight"]) for s in stages) == 1
    for stage in stages:
        assert sum(Fraction(g["weight"]) for g in stage["groups"]) == 1


def test_r3_c3_thirty_five_preliminary_candidates_and_two_inspection_fails(qingquan: dict[str, Any]) -> None:
    assert qingquan["selection"]["ratio"] == 5
    inspected = qingquan["inspection"]
    assert len(inspected) == 35  # 1:5 of 7 seats
    assert sum(1 for i in inspected if not i["passed"]) == 2
    assert all(i.get("reason") for i in inspected if not i["passed"])


def test_c2_county_vote_covers_the_candidates_who_passed(qingquan: dict[str, Any]) -> None:
    passed = {i["candidate"] for i in qingquan["inspection"] if i["passed"]}
    assert set(qingquan["county_vote"]["for"]) == passed
    assert all(0 <= n <= qingquan["county_vote"]["voters"] for n in qingquan["county_vote"]["for"].values())


def test_n4_review_fails_some_and_one_objection_is_upheld(qingquan: dict[str, Any]) -> None:
    decisions = qingquan["review"]["decisions"]
    assert sum(1 for d in decisions if not d["qualified"]) >= 5
    assert [o["upheld"] for o in qingquan["review"]["objections"]] == [True, False]


def test_n3_nobody_applies_for_more_than_two_positions(qingquan: dict[str, Any]) -> None:
    assert all(1 <= len(a["positions"]) <= 2 for a in qingquan["applicants"])


def test_n2_joint_nominations_have_twenty_distinct_signatures(qingquan: dict[str, Any]) -> None:
    roster = {m["id"] for m in qingquan["roster"]["members"]}
    joints = [r for a in qingquan["applicants"] for r in a["routes"] if r["type"] == "joint"]
    assert joints
    for route in joints:
        assert len(route["signatures"]) >= 20
        assert len(set(route["signatures"])) == len(route["signatures"])
        assert set(route["signatures"]) <= roster


def test_qingquan_validates_and_is_reproducible(qingquan: dict[str, Any]) -> None:
    assert validate(qingquan) is qingquan
    assert generate_qingquan(3) == qingquan
    assert generate_qingquan(4) != qingquan


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000))
def test_any_seed_keeps_qingquans_numbers_and_validates(seed: int) -> None:
    doc = generate_qingquan(seed)
    assert validate(doc) is doc
    assert len(doc["roster"]["members"]) == 340
    assert _recommenders(doc["stages"][0]) == 7660
    assert len(doc["applicants"]) == 133
