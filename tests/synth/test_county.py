"""The seed-000 county [S0]: the source's totals, P4 per township, M1 per round, determinism, validity."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from zhixuan.scenario.loader import validate
from zhixuan.synth import generate_county
from zhixuan.synth.county import plan_county


def _expected(doc: dict[str, Any]) -> list[str]:
    return [
        m["id"]
        for m in doc["roster"]["members"]
        if m.get("status", "full") == "full" and not (m.get("excusal") or {}).get("approved_by")
    ]


def test_county_has_the_sources_totals(county: list[dict[str, Any]]) -> None:
    members = [m for doc in county for m in doc["roster"]["members"]]
    assert len(county) == 9
    assert len(members) == 2901
    assert sum(1 for m in members if m.get("migrant")) == 116
    assert sum(len(doc["roster"]["public_reps"]) for doc in county) == 726
    assert sum(p["seats"] for doc in county for p in doc["positions"]) == 84


def test_county_runs_three_round_top_down(county: list[dict[str, Any]]) -> None:
    for doc in county:
        assert doc["election"]["preset"] == "three-round"
        assert [r["position"] for r in doc["meeting"]["rounds"]] == ["secretary", "deputy", "member"]


def test_p4_public_reps_within_30_percent_of_each_township(county: list[dict[str, Any]]) -> None:
    for doc in county:
        assert len(doc["roster"]["public_reps"]) <= Fraction(3, 10) * len(_expected(doc))


def test_p1_p2_probationary_members_and_approved_excusals_appear(county: list[dict[str, Any]]) -> None:
    for doc in county:
        members = doc["roster"]["members"]
        assert any(m.get("status") == "probationary" for m in members)
        assert any((m.get("excusal") or {}).get("approved_by") for m in members)


def test_m1_every_round_meets_the_three_round_quorum(county: list[dict[str, Any]]) -> None:
    for doc in county:
        expected = len(_expected(doc))
        for rnd in doc["meeting"]["rounds"]:
            assert 5 * len(rnd["present"]) >= 4 * expected
            assert set(rnd["present"]) <= set(_expected(doc))


def test_m6_meeting_ballots_are_individual_and_never_exceed_issued(county: list[dict[str, Any]]) -> None:
    for doc in county:
        for rnd in doc["meeting"]["rounds"]:
            assert all("count" not in ballot for ballot in rnd["ballots"])
            issued = rnd.get("issued", len(rnd["present"]))
            assert len(rnd["ballots"]) <= issued


def test_m3_losers_cascade_in_the_county(county: list[dict[str, Any]]) -> None:
    cascaded = [c for doc in county for rnd in doc["meeting"]["rounds"] for c in rnd.get("opt_ins", [])]
    assert len(cascaded) >= 9


def test_m2_scrutineers_are_not_candidates(county: list[dict[str, Any]]) -> None:
    for doc in county:
        applicant_members = {a["member"] for a in doc["applicants"]}
        officials = set(doc["meeting"]["scrutineers"]) | set(doc["meeting"]["tellers"])
        assert not officials & applicant_members


def test_every_county_document_validates(county: list[dict[str, Any]]) -> None:
    for doc in county:
        assert validate(doc) is doc


def test_same_seed_gives_the_same_county(county: list[dict[str, Any]]) -> None:
    assert generate_county(0) == county


def test_another_seed_gives_another_county_with_the_same_totals() -> None:
    plans = plan_county(7)
    assert plans != plan_county(0)
    assert sum(p.roster.members for p in plans) == 2901
    assert sum(p.roster.migrants for p in plans) == 116
    assert sum(p.public_reps for p in plans) == 726
    assert sum(p.seats for p in plans) == 84
