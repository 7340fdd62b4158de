"""A2: annual ratings, exact weighted rates and the warning / recall / adjustment flags."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from zhixuan.rules.ratings import (
    RaterGroup,
    RatingError,
    Scale,
    rate_all,
    rate_leader,
    validate_groups,
)
from zhixuan.rules.settings import Settings, preset_settings

SETTINGS = Settings()
MEMBERS_ONLY = [RaterGroup("党员", Fraction(1))]
WEIGHTED = [RaterGroup("党员", Fraction(7, 10)), RaterGroup("群众代表", Fraction(3, 10))]


def satisfaction(satisfied: int, basically: int, dissatisfied: int) -> dict[str, int]:
    return {"satisfied": satisfied, "basically_satisfied": basically, "dissatisfied": dissatisfied}


def test_a2_exactly_70_percent_not_flagged() -> None:
    result = rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(40, 30, 30)}, SETTINGS)
    assert result.flags == ()
    (decision,) = result.decisions
    assert decision.rule == "A2"
    assert decision.code == "satisfaction_ok"
    assert decision.facts["weighted"] == Fraction(7, 10)
    assert "70.00%" in decision.zh


def test_a2_below_70_percent_warning_talk() -> None:
    result = rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(40, 29, 31)}, SETTINGS)
    assert result.flags == ("warning_talk",)
    (decision,) = result.decisions
    assert decision.facts["weighted"] == Fraction(69, 100)
    assert "69.00%" in decision.zh and "诫勉谈话" in decision.zh
    assert decision.text().endswith("(A2)")


def test_a2_exactly_half_warns_but_no_recall() -> None:
    result = rate_leader("李明", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(25, 25, 50)}, SETTINGS)
    assert result.flags == ("warning_talk",)


def test_a2_below_half_recall_may_be_proposed_and_warning() -> None:
    result = rate_leader("李明", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(25, 24, 51)}, SETTINGS)
    assert result.flags == ("warning_talk", "recall_may_be_proposed")
    recall = result.decisions[1]
    assert recall.facts["threshold"] == Fraction(1, 2)
    assert "49.00%" in recall.zh and "罢免" in recall.zh


def test_a2_flags_use_the_weighted_rate_and_show_the_pooled_one() -> None:
    # Members 60/100 approve (60%), public reps 40/40 (100%): weighted 0.7·0.6 + 0.3·1 = 72%,
    # pooled 100/140 = 71.43%. Members alone would be flagged; the weighted rate is not.
    counts = {"党员": satisfaction(30, 30, 40), "群众代表": satisfaction(30, 10, 0)}
    result = rate_leader("张强", Scale.SATISFACTION, WEIGHTED, counts, SETTINGS)
    assert result.flags == ()
    decision = result.decisions[0]
    assert decision.facts["weighted"] == Fraction(72, 100)
    assert decision.facts["pooled"] == Fraction(100, 140)
    assert decision.facts["approval[党员]"] == Fraction(3, 5)
    assert decision.facts["approval[群众代表]"] == Fraction(1)
    assert "72.00%" in decision.zh and "71.43%" in decision.zh
    group = result.groups[0]
    assert (group.group, group.total, group.rates["dissatisfied"]) == ("党员", 100, Fraction(2, 5))
    assert result.weighted["satisfied"] == Fraction(7, 10) * Fraction(3, 10) + Fraction(3, 10) * Fraction(3, 4)


def test_a2_weighted_rate_can_flag_where_pooled_would_not() -> None:
    # Members 50/100 approve, public reps 300/300: pooled 350/400 = 87.5% looks fine, but the
    # county weighted members 70%: 0.7·0.5 + 0.3·1 = 65% < 70%, so a warning talk is due.
    counts = {"党员": satisfaction(25, 25, 50), "群众代表": satisfaction(300, 0, 0)}
    result = rate_leader("陈红", Scale.SATISFACTION, WEIGHTED, counts, SETTINGS)
    assert result.decisions[0].facts["pooled"] == Fraction(7, 8)
    assert result.decisions[0].facts["weighted"] == Fraction(13, 20)
    assert result.flags == ("warning_talk",)


def test_a2_exactly_one_third_incompetent_not_flagged() -> None:
    counts = {"党员": {"excellent": 10, "competent": 10, "basically_competent": 10, "incompetent": 15}}
    result = rate_leader("赵磊", Scale.COMPETENCE, MEMBERS_ONLY, counts, SETTINGS)
    assert result.flags == ()
    assert result.decisions[0].code == "competence_ok"
    assert result.decisions[0].facts["weighted"] == Fraction(1, 3)


def test_a2_more_than_one_third_incompetent_organisational_adjustment() -> None:
    counts = {"党员": {"excellent": 10, "competent": 10, "basically_competent": 9, "incompetent": 16}}
    result = rate_leader("赵磊", Scale.COMPETENCE, MEMBERS_ONLY, counts, SETTINGS)
    assert result.flags == ("organisational_adjustment",)
    decision = result.decisions[0]
    assert decision.rule == "A2"
    assert decision.facts["weighted"] == Fraction(16, 45)
    assert "35.56%" in decision.zh and "1/3" in decision.zh and "组织调整" in decision.zh


def test_a2_thresholds_come_from_settings() -> None:
    stricter = preset_settings("three-round", {"warning_below": "4/5"})
    result = rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(40, 35, 25)}, stricter)
    assert result.flags == ("warning_talk",)
    assert result.decisions[0].facts["threshold"] == Fraction(4, 5)


def test_a2_weights_must_sum_to_exactly_one() -> None:
    with pytest.raises(RatingError, match="exactly 1"):
        validate_groups([RaterGroup("党员", Fraction(7, 10)), RaterGroup("群众代表", Fraction(1, 5))])
    with pytest.raises(RatingError, match="exact fraction"):
        validate_groups([RaterGroup("党员", 0.7), RaterGroup("群众代表", 0.3)])  # type: ignore[arg-type]
    with pytest.raises(RatingError, match="positive"):
        validate_groups([RaterGroup("党员", Fraction(1)), RaterGroup("群众代表", Fraction(0))])
    with pytest.raises(RatingError, match="distinct"):
        validate_groups([RaterGroup("党员", Fraction(1, 2)), RaterGroup("党员", Fraction(1, 2))])
    validate_groups(WEIGHTED)


def test_a2_invalid_counts_are_refused() -> None:
    with pytest.raises(RatingError, match="not on the satisfaction scale"):
        rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": {"excellent": 3}}, SETTINGS)
    with pytest.raises(RatingError, match="no valid ratings"):
        rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(0, 0, 0)}, SETTINGS)
    with pytest.raises(RatingError, match="no ratings from groups"):
        rate_leader("王煦", Scale.SATISFACTION, WEIGHTED, {"党员": satisfaction(1, 0, 0)}, SETTINGS)
    with pytest.raises(RatingError, match="unknown groups"):
        rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(1, 0, 0), "x": {}}, SETTINGS)
    with pytest.raises(RatingError, match="whole number"):
        rate_leader("王煦", Scale.SATISFACTION, MEMBERS_ONLY, {"党员": satisfaction(-1, 3, 0)}, SETTINGS)


def test_a2_rate_all_keeps_each_leader() -> None:
    counts = {
        "王煦": {"党员": satisfaction(60, 20, 20), "群众代表": satisfaction(5, 3, 2)},
        "李明": {"党员": satisfaction(20, 20, 60), "群众代表": satisfaction(2, 2, 6)},
    }
    results = rate_all(Scale.SATISFACTION, WEIGHTED, counts, SETTINGS)
    assert [(r.leader, r.flags) for r in results] == [
        ("王煦", ()),
        ("李明", ("warning_talk", "recall_may_be_proposed")),
    ]


COUNTS = st.integers(min_value=0, max_value=200)


@given(COUNTS, COUNTS, COUNTS, COUNTS, COUNTS, COUNTS)
def test_a2_weighted_rates_sum_to_one_and_lie_between_group_rates(
    s1: int, b1: int, d1: int, s2: int, b2: int, d2: int
) -> None:
    assume(s1 + b1 + d1 > 0 and s2 + b2 + d2 > 0)
    counts = {"党员": satisfaction(s1, b1, d1), "群众代表": satisfaction(s2, b2, d2)}
    result = rate_leader("王煦", Scale.SATISFACTION, WEIGHTED, counts, SETTINGS)
    assert sum(result.weighted.values()) == 1
    assert sum(result.pooled.values()) == 1
    for grade, rate in result.weighted.items():
        low, high = sorted(g.rates[grade] for g in result.groups)
        assert low <= rate <= high
    approval = result.decisions[0].facts["weighted"]
    assert isinstance(approval, Fraction)
    assert ("warning_talk" in result.flags) == (approval < Fraction(7, 10))
    assert ("recall_may_be_proposed" in result.flags) == (approval < Fraction(1, 2))
