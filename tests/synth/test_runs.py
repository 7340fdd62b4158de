"""The generated elections run to completion through the rules core and fill every seat."""

from __future__ import annotations

from typing import Any

from zhixuan.scenario.runner import run_scenario


def _seats(doc: dict[str, Any]) -> dict[str, int]:
    return {p["id"]: p["seats"] for p in doc["positions"]}


def test_m7_county_townships_elect_all_84_without_needing_input(county: list[dict[str, Any]]) -> None:
    elected = 0
    for doc in county:
        report = run_scenario(doc)
        assert report.status == "complete", (doc["election"]["id"], report.needs)
        winners = report.outcome["elected"]
        assert {p: len(ids) for p, ids in winners.items()} == _seats(doc)
        # A1: the generator's commitment is made by the secretary the rules core elected.
        assert winners["secretary"] == [doc["commitment"]["by"]]
        elected += sum(len(ids) for ids in winners.values())
        assert all(d.rule for d in report.decisions)
    assert elected == 84


def test_m3_county_cascades_are_accepted_by_the_rules(county: list[dict[str, Any]]) -> None:
    joined = 0
    for doc in county:
        codes = [(d.rule, d.code) for d in run_scenario(doc).decisions]
        assert not [c for r, c in codes if r == "M3" and c.startswith(("cascade_refused", "cascade_disabled"))]
        joined += codes.count(("M3", "cascade_joined"))
    assert joined == sum(len(r.get("opt_ins", [])) for doc in county for r in doc["meeting"]["rounds"])


def test_c2_c3_qingquan_runs_from_mass_recommendation_to_seven_elected(qingquan: dict[str, Any]) -> None:
    report = run_scenario(qingquan)
    assert report.status == "complete", report.needs
    # R3: 1:5 of 1 + 2 + 4 seats = 35 preliminary candidates.
    assert {p: len(ids) for p, ids in report.outcome["preliminary"].items()} == {
        "secretary": 5,
        "deputy": 10,
        "member": 20,
    }
    assert {p: len(ids) for p, ids in report.outcome["formal"].items()} == {"secretary": 2, "deputy": 3, "member": 6}
    assert {p: len(ids) for p, ids in report.outcome["elected"].items()} == _seats(qingquan)
    codes = [(d.rule, d.code) for d in report.decisions]
    assert codes.count(("C3", "inspection_failed")) == 2
