"""The recommendation stages each procedure preset starts with (rules.md §3, §9)."""

from __future__ import annotations

from fractions import Fraction

from zhixuan.rules.recommendation import check_weights
from zhixuan.rules.settings import PRESETS
from zhixuan.rules.stage_presets import MEMBERS, PUBLIC, STAGE_PRESETS


def test_every_procedure_preset_has_its_stage_list() -> None:
    assert set(STAGE_PRESETS) == set(PRESETS)


def test_r1_group_weights_of_every_preset_stage_sum_to_one() -> None:
    for stages in STAGE_PRESETS.values():
        for stage in stages:
            weights = {g.key: Fraction(g.weight) for g in stage.groups}
            assert check_weights(weights, rule="R1", what="group").code == "weights_valid", stage.key


def test_r2_stage_weights_of_every_preset_with_stages_sum_to_one() -> None:
    for name, stages in STAGE_PRESETS.items():
        if stages:
            weights = {s.key: Fraction(s.weight) for s in stages}
            assert check_weights(weights, rule="R2", what="stage").code == "weights_valid", name


def test_three_round_has_one_meeting_of_members_and_public_reps() -> None:
    (stage,) = STAGE_PRESETS["three-round"]
    assert stage.name == "推荐大会"
    assert [(g.key, g.weight) for g in stage.groups] == [(MEMBERS, "7/10"), (PUBLIC, "3/10")]


def test_two_recommendation_combines_mass_and_county_leadership_stages() -> None:
    assert [(s.name, s.weight) for s in STAGE_PRESETS["two-recommendation"]] == [
        ("海推", "3/5"),
        ("县四大班子推荐", "2/5"),
    ]


def test_standard_procedure_has_no_recommendation_stage() -> None:
    assert STAGE_PRESETS["standard"] == ()
