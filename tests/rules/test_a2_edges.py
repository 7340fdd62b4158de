"""A2 edge cases with weighted rater groups: exactly at a threshold, an empty group, weights that do not sum
to 1 (the rulebook weights the groups; the core requires exact weights summing to exactly 1), and both scales
for one leader (each flag belongs to its own scale)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from zhixuan.rules.ratings import RaterGroup, RatingError, Scale, rate_leader, validate_groups
from zhixuan.rules.settings import Settings

SETTINGS = Settings()
SEVEN_THREE = [RaterGroup("党员", Fraction(7, 10)), RaterGroup("群众代表", Fraction(3, 10))]
HALVES = [RaterGroup("党员", Fraction(1, 2)), RaterGroup("群众代表", Fraction(1, 2))]


def sat(satisfied: int, basically: int, dissatisfied: int) -> dict[str, int]:
    return {"satisfied": satisfied, "basically_satisfied": basically, "dissatisfied": dissatisfied}


def comp(excellent: int, competent: int, basically: int, incompetent: int) -> dict[str, int]:
    return {
        "excellent": excellent,
        "competent": competent,
        "basically_competent": basically,
        "incompetent": incompetent,
    }


def test_a2_weighted_exactly_70_percent_from_unequal_groups_is_not_flagged_one_vote_less_is() -> None:
    # 7/10 · 15/20 + 3/10 · 7/12 = 21/40 + 7/40 = 7/10 exactly; pooled 22/32 = 68.75 % would have flagged.
    exact = rate_leader(
        "王煦", Scale.SATISFACTION, SEVEN_THREE, {"党员": sat(10, 5, 5), "群众代表": sat(4, 3, 5)}, SETTINGS
    )
    assert exact.weighted["satisfied"] + exact.weighted["basically_satisfied"] == Fraction(7, 10)
    assert exact.pooled["satisfied"] + exact.pooled["basically_satisfied"] == Fraction(22, 32)
    assert exact.flags == () and exact.decisions[0].code == "satisfaction_ok"
    below = rate_leader(
        "王煦", Scale.SATISFACTION, SEVEN_THREE, {"党员": sat(10, 4, 6), "群众代表": sat(4, 3, 5)}, SETTINGS
    )
    assert below.flags == ("warning_talk",)


def test_a2_weighted_exactly_half_warns_but_recall_needs_strictly_below_half() -> None:
    # 1/2 · 3/5 + 1/2 · 2/5 = 1/2 exactly.
    result = rate_leader("王煦", Scale.SATISFACTION, HALVES, {"党员": sat(2, 1, 2), "群众代表": sat(1, 1, 3)}, SETTINGS)
    assert result.decisions[0].facts["weighted"] == Fraction(1, 2)
    assert result.flags == ("warning_talk",)


def test_a2_weighted_incompetent_exactly_one_third_is_not_flagged() -> None:
    # 1/2 · 5/20 + 1/2 · 5/12 = 1/8 + 5/24 = 1/3 exactly.
    counts = {"党员": comp(5, 5, 5, 5), "群众代表": comp(3, 2, 2, 5)}
    result = rate_leader("王煦", Scale.COMPETENCE, HALVES, counts, SETTINGS)
    assert result.weighted["incompetent"] == Fraction(1, 3)
    assert result.flags == () and result.decisions[0].code == "competence_ok"
    counts["群众代表"] = comp(3, 2, 1, 6)  # one 基本称职 becomes 不称职: 1/8 + 1/4 > 1/3
    assert rate_leader("王煦", Scale.COMPETENCE, HALVES, counts, SETTINGS).flags == ("organisational_adjustment",)


def test_a2_an_empty_group_is_refused_rather_than_its_weight_given_to_the_others() -> None:
    # The public reps returned no valid rating of this leader: the weighted rate is undefined, and the core
    # does not silently re-weight the members to 1.
    with pytest.raises(RatingError, match=r"群众代表.*no valid ratings"):
        rate_leader(
            "王煦", Scale.SATISFACTION, SEVEN_THREE, {"党员": sat(30, 0, 0), "群众代表": sat(0, 0, 0)}, SETTINGS
        )
    with pytest.raises(RatingError, match="no ratings from groups"):
        rate_leader("王煦", Scale.SATISFACTION, SEVEN_THREE, {"党员": sat(30, 0, 0)}, SETTINGS)


def test_a2_weights_must_be_exact_and_sum_to_exactly_one() -> None:
    with pytest.raises(RatingError, match="got 5/6"):
        validate_groups([RaterGroup("党员", Fraction(1, 2)), RaterGroup("群众代表", Fraction(1, 3))])
    with pytest.raises(RatingError, match="got 7/6"):
        validate_groups([RaterGroup("党员", Fraction(1, 2)), RaterGroup("群众代表", Fraction(2, 3))])
    with pytest.raises(RatingError, match="at least one"):
        validate_groups([])
    # Thirds are exact fractions: three groups of 1/3 sum to exactly 1 (no 0.333… rounding).
    thirds = [RaterGroup(name, Fraction(1, 3)) for name in ("党员", "群众代表", "村干部")]
    validate_groups(thirds)
    counts = {"党员": sat(1, 0, 0), "群众代表": sat(1, 0, 0), "村干部": sat(1, 0, 0)}
    assert rate_leader("王煦", Scale.SATISFACTION, thirds, counts, SETTINGS).weighted["satisfied"] == 1


def test_a2_both_scales_for_one_leader_each_flag_from_its_own_scale() -> None:
    # Well liked but judged incompetent by many; and the other way round. No flag crosses scales.
    liked = rate_leader("王煦", Scale.SATISFACTION, HALVES, {"党员": sat(9, 1, 0), "群众代表": sat(8, 2, 0)}, SETTINGS)
    judged = rate_leader(
        "王煦", Scale.COMPETENCE, HALVES, {"党员": comp(1, 2, 2, 5), "群众代表": comp(1, 1, 3, 5)}, SETTINGS
    )
    assert liked.flags == () and judged.flags == ("organisational_adjustment",)
    disliked = rate_leader(
        "李明", Scale.SATISFACTION, HALVES, {"党员": sat(1, 1, 8), "群众代表": sat(0, 2, 8)}, SETTINGS
    )
    capable = rate_leader(
        "李明", Scale.COMPETENCE, HALVES, {"党员": comp(5, 5, 0, 0), "群众代表": comp(4, 6, 0, 0)}, SETTINGS
    )
    assert disliked.flags == ("warning_talk", "recall_may_be_proposed") and capable.flags == ()
    # The competence decisions carry no satisfaction threshold, and the other way round.
    assert {d.facts["measure"] for d in judged.decisions + capable.decisions} == {"incompetent"}
    assert {d.facts["measure"] for d in liked.decisions + disliked.decisions} == {"approval"}
    with pytest.raises(RatingError, match="not on the competence scale"):
        rate_leader("王煦", Scale.COMPETENCE, HALVES, {"党员": sat(1, 0, 0), "群众代表": sat(1, 0, 0)}, SETTINGS)
