"""R1–R5: recommendation ballots, weighted scores, stage combination, selection and preferences."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.recommendation import (
    GroupTotals,
    RecommendationBallot,
    check_weights,
    combine_stages,
    score_stage,
    select_preliminary,
    tally_ballots,
)

F = Fraction

# Qingquan (S3): 133 nominees for 7 seats, kept at 1:5 -> 35 preliminary candidates.
QQ_NOMINEES = [f"n{i:03d}" for i in range(133)]
QQ_WEIGHTS = {"党员": F(1, 2), "干部": F(3, 10), "群众": F(1, 5)}


def qingquan_mass_totals() -> list[GroupTotals]:
    # 7,660 recommenders arrive counted: 2,100 members, 560 cadres, 5,000 public.
    return [
        GroupTotals("党员", "委员", 2100, {n: 2000 - 15 * i for i, n in enumerate(QQ_NOMINEES)}),
        GroupTotals("干部", "委员", 560, {n: 500 - 3 * i for i, n in enumerate(QQ_NOMINEES)}),
        GroupTotals("群众", "委员", 5000, {n: 4000 - 30 * i for i, n in enumerate(QQ_NOMINEES)}),
    ]


# --- R1 --------------------------------------------------------------------------------------


def test_r1_weighted_score_is_exact() -> None:
    stage = score_stage("海推", QQ_WEIGHTS, qingquan_mass_totals(), {"委员": QQ_NOMINEES})
    # 1/2·2000/2100 + 3/10·500/560 + 1/5·4000/5000 = 2000/4200 + 1125/4200 + 672/4200
    assert stage.scores["委员"]["n000"] == F(3797, 4200)
    top = next(d for d in stage.decisions if d.subject == "n000")
    assert (top.rule, top.code) == ("R1", "stage_score")
    assert "海推得分 90.40%" in top.zh
    assert (top.facts["for:党员"], top.facts["valid:党员"]) == (2000, 2100)


def test_r1_single_group_with_weight_one_ranks_by_vote_share() -> None:
    totals = [GroupTotals("党员", "书记", 340, {"王煦": 181, "侯建中": 159})]
    stage = score_stage("群众公认票", {"党员": F(1)}, totals, {"书记": ["王煦", "侯建中"]})
    assert stage.scores["书记"] == {"王煦": F(181, 340), "侯建中": F(159, 340)}


def test_r1_group_without_valid_ballots_contributes_zero_and_says_so() -> None:
    totals = [GroupTotals("党员", "委员", 10, {"a": 5})]
    stage = score_stage("海推", {"党员": F(7, 10), "群众代表": F(3, 10)}, totals, {"委员": ["a"]})
    assert stage.scores["委员"]["a"] == F(7, 10) * F(5, 10)
    [note] = [d for d in stage.decisions if d.code == "group_no_valid_ballots"]
    assert note.rule == "R1"
    assert "群众代表 对 委员 没有有效推荐票" in note.zh and "计 0 分" in note.zh


def test_r1_weights_must_sum_to_exactly_one() -> None:
    assert check_weights({"a": F(1, 3), "b": F(2, 3)}).code == "weights_valid"
    bad = check_weights({"a": F(1, 3), "b": F(1, 3)})
    assert (bad.rule, bad.code) == ("R1", "weights_invalid")
    assert "66.67%" in bad.zh
    with pytest.raises(ValueError, match="sum"):
        score_stage("s", {"a": F(1, 2)}, [], {"委员": []})


def test_r1_float_weights_are_refused() -> None:
    assert check_weights({"a": 0.5, "b": 0.5}).code == "weights_invalid"  # type: ignore[dict-item]


def test_r1_totals_from_several_counts_add_up() -> None:
    totals = [GroupTotals("党员", "委员", 100, {"a": 40}), GroupTotals("党员", "委员", 50, {"a": 35})]
    stage = score_stage("海推", {"党员": F(1)}, totals, {"委员": ["a"]})
    assert stage.scores["委员"]["a"] == F(75, 150)


def test_r1_impossible_totals_are_refused() -> None:
    with pytest.raises(ValueError, match="41 votes of 40"):
        score_stage("s", {"g": F(1)}, [GroupTotals("g", "委员", 40, {"a": 41})], {"委员": ["a"]})
    with pytest.raises(ValueError, match="not a nominee"):
        score_stage("s", {"g": F(1)}, [GroupTotals("g", "委员", 40, {"z": 1})], {"委员": ["a"]})


# --- R5 --------------------------------------------------------------------------------------

SEATS = {"委员": 7, "书记": 1}
NOMINEES = {"委员": [f"c{i}" for i in range(12)], "书记": ["s1", "s2"]}


def test_r5_over_recommending_invalidates_that_position_only() -> None:
    too_many = RecommendationBallot("党员", {"委员": tuple(f"c{i}" for i in range(8)), "书记": ("s1",)})
    ok = RecommendationBallot("党员", {"委员": ("c0", "c1"), "书记": ("s2",)})
    tally = tally_ballots([too_many, ok], NOMINEES, SEATS)
    by_pos = {t.position: t for t in tally.totals}
    assert (by_pos["委员"].valid, by_pos["委员"].invalid) == (1, 1)
    assert (by_pos["书记"].valid, by_pos["书记"].votes) == (2, {"s1": 1, "s2": 1})
    [d] = tally.decisions
    assert (d.rule, d.code) == ("R5", "over_recommended")
    assert "1 张推荐票对 委员 推荐超过 7 人" in d.zh


def test_r5_exactly_the_seats_is_valid() -> None:
    ballot = RecommendationBallot("党员", {"委员": tuple(f"c{i}" for i in range(7))})
    [members, secretary] = tally_ballots([ballot], NOMINEES, SEATS).totals
    assert (members.valid, members.invalid) == (1, 0)
    assert secretary.valid == 1  # a blank section is a valid ballot recommending nobody


def test_r5_max_per_position_overrides_the_seats() -> None:
    ballot = RecommendationBallot("党员", {"委员": ("c0", "c1", "c2", "c3")})
    tally = tally_ballots([ballot], NOMINEES, SEATS, max_per_position=3)
    assert tally.totals[0].invalid == 1


def test_r5_aggregated_ballots_count_with_their_multiplicity() -> None:
    ballots = [
        RecommendationBallot("群众", {"委员": ("c0", "c1")}, count=5000),
        RecommendationBallot("群众", {"委员": tuple(f"c{i}" for i in range(9))}, count=12),
    ]
    [members, _] = tally_ballots(ballots, NOMINEES, SEATS).totals
    assert (members.valid, members.invalid) == (5000, 12)
    assert members.votes == {"c0": 5000, "c1": 5000}


def test_r5_names_that_are_not_nominees_are_not_counted() -> None:
    ballot = RecommendationBallot("党员", {"委员": ("c0", "外人")})
    tally = tally_ballots([ballot], NOMINEES, SEATS)
    assert tally.totals[0].votes == {"c0": 1}
    assert tally.decisions[0].code == "unknown_nominee_ignored"


@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(NOMINEES["委员"]), max_size=10), st.integers(1, 50)),
        max_size=30,
    )
)
def test_r5_r1_counts_add_up_and_scores_stay_in_bounds(rows: list[tuple[list[str], int]]) -> None:
    ballots = [RecommendationBallot("党员", {"委员": tuple(names)}, count) for names, count in rows]
    tally = tally_ballots(ballots, NOMINEES, SEATS)
    if not ballots:
        assert tally.totals == ()
        return
    members = next(t for t in tally.totals if t.position == "委员")
    assert members.valid + members.invalid == sum(c for _, c in rows)
    stage = score_stage("海推", {"党员": F(1)}, tally.totals, NOMINEES)
    scores = stage.scores["委员"]
    assert all(0 <= s <= 1 for s in scores.values())
    # each valid ballot recommends at most 7 distinct nominees
    assert sum(scores.values()) <= 7


# --- R2 --------------------------------------------------------------------------------------


def test_r2_two_stages_combine_with_stage_weights() -> None:
    nominees = {"委员": ["王煦", "侯建中"]}
    mass = score_stage(
        "海推", {"党员": F(1)}, [GroupTotals("党员", "委员", 7660, {"王煦": 3830, "侯建中": 1532})], nominees
    )
    county = score_stage(
        "县四大班子推荐",
        {"县领导": F(1)},
        [GroupTotals("县领导", "委员", 40, {"王煦": 10, "侯建中": 30})],
        nominees,
    )
    combined = combine_stages({"海推": F(3, 5), "县四大班子推荐": F(2, 5)}, [mass, county])
    # 王煦 3/5·1/2 + 2/5·1/4 = 40%; 侯建中 3/5·1/5 + 2/5·3/4 = 42%
    assert combined.scores["委员"] == {"王煦": F(2, 5), "侯建中": F(21, 50)}
    d = next(d for d in combined.decisions if d.subject == "侯建中")
    assert (d.rule, d.code) == ("R2", "combined_score")
    assert "综合得分 42.00%" in d.zh


def test_r2_nominee_missing_from_a_stage_scores_zero_there() -> None:
    mass = score_stage("海推", {"g": F(1)}, [GroupTotals("g", "委员", 10, {"a": 6, "b": 4})], {"委员": ["a", "b"]})
    county = score_stage("县推", {"g": F(1)}, [GroupTotals("g", "委员", 10, {"a": 10})], {"委员": ["a"]})
    combined = combine_stages({"海推": F(1, 2), "县推": F(1, 2)}, [mass, county])
    assert combined.scores["委员"]["b"] == F(1, 5)
    assert any(d.code == "not_in_stage" and d.subject == "b" for d in combined.decisions)


def test_r2_stage_weights_must_sum_to_one() -> None:
    mass = score_stage("海推", {"g": F(1)}, [], {"委员": []})
    with pytest.raises(ValueError, match="sum"):
        combine_stages({"海推": F(9, 10)}, [mass])


# --- R3 --------------------------------------------------------------------------------------


def test_r3_qingquan_133_nominees_keep_35_at_one_to_five() -> None:
    stage = score_stage("海推", QQ_WEIGHTS, qingquan_mass_totals(), {"委员": QQ_NOMINEES})
    sel = select_preliminary(stage.scores, {"委员": 7}, ratio=5)
    pool = sel.pools["委员"]
    assert pool.places == 35
    assert pool.kept == tuple(QQ_NOMINEES[:35])
    assert sel.complete
    summary = next(d for d in sel.decisions if d.code == "pool_selected")
    assert summary.rule == "R3"
    assert "提名人选 133 名，职数 7，按 1:5 确定初步人选 35 名" in summary.zh
    n035 = next(d for d in sel.decisions if d.subject == "n035")
    assert n035.code == "not_kept" and "排名第 36" in n035.zh


def tie_scores() -> dict[str, dict[str, Fraction]]:
    # 3 seats at 1:2 -> 6 places; places 6, 7 and 8 tie at 10%.
    return {"委员": {"a": F(9, 10), "b": F(8, 10), "c": F(7, 10), "d": F(5, 10), "e": F(3, 10), "f": F(1, 10),
                     "g": F(1, 10), "h": F(1, 10), "i": F(1, 20)}}  # fmt: skip


def test_r3_tie_at_cutoff_keeps_all_tied() -> None:
    sel = select_preliminary(tie_scores(), {"委员": 3}, ratio=2, cutoff_tie="keep_all")
    assert sel.pools["委员"].kept == ("a", "b", "c", "d", "e", "f", "g", "h")
    tie = next(d for d in sel.decisions if d.code == "cutoff_tie_kept")
    assert tie.rule == "R3" and tie.facts["tied"] == ("f", "g", "h")
    assert "第 6 名处 3 人得分并列（10.00%），全部保留，初步人选 8 名" in tie.zh


def test_r3_tie_at_cutoff_with_lot_asks_for_a_draw_then_takes_the_drawn_order() -> None:
    first = select_preliminary(tie_scores(), {"委员": 3}, ratio=2, cutoff_tie="lot")
    assert not first.complete
    [lot] = first.lots
    assert (lot.position, lot.tied, lot.places_left, lot.score) == ("委员", ("f", "g", "h"), 1, F(1, 10))
    assert first.pools["委员"].kept == ("a", "b", "c", "d", "e")
    ask = next(d for d in first.decisions if d.code == "cutoff_needs_lot")
    assert "需抽签决定剩余 1 个名额" in ask.zh
    # the L1 draw (run by the caller) put h first
    second = select_preliminary(tie_scores(), {"委员": 3}, ratio=2, cutoff_tie="lot", drawn={"委员": ["h", "f", "g"]})
    assert second.complete
    assert second.pools["委员"].kept == ("a", "b", "c", "d", "e", "h")
    assert any(d.code == "cutoff_lot_applied" for d in second.decisions)


def test_r3_tie_entirely_inside_the_cut_needs_no_lot() -> None:
    scores = {"委员": {"a": F(1, 2), "b": F(1, 2), "c": F(1, 3)}}
    sel = select_preliminary(scores, {"委员": 1}, ratio=2, cutoff_tie="lot")
    assert sel.complete and sel.pools["委员"].kept == ("a", "b")


def test_r3_fewer_nominees_than_places_keeps_everyone() -> None:
    sel = select_preliminary({"书记": {"a": F(1, 2), "b": F(1, 4)}}, {"书记": 1}, ratio=5)
    assert sel.pools["书记"].kept == ("a", "b")
    assert any(d.code == "pool_all_kept" for d in sel.decisions)


score_maps = st.dictionaries(
    st.sampled_from([f"x{i}" for i in range(15)]), st.fractions(0, 1, max_denominator=6), max_size=15
)


@given(score_maps, st.integers(1, 3), st.integers(1, 3))
def test_r3_keep_all_keeps_exactly_those_at_or_above_the_cutoff(
    scores: dict[str, Fraction], seats: int, ratio: int
) -> None:
    sel = select_preliminary({"p": scores}, {"p": seats}, ratio=ratio, cutoff_tie="keep_all")
    kept = set(sel.pools["p"].kept)
    places = ratio * seats
    assert len(kept) >= min(places, len(scores))
    if len(scores) > places:
        cutoff = sorted(scores.values(), reverse=True)[places - 1]
        assert kept == {n for n, s in scores.items() if s >= cutoff}
    else:
        assert kept == set(scores)


@given(score_maps, st.integers(1, 3), st.integers(1, 3), st.randoms(use_true_random=False))
def test_r3_lot_fills_exactly_the_places(scores: dict[str, Fraction], seats: int, ratio: int, rnd: object) -> None:
    places = ratio * seats
    first = select_preliminary({"p": scores}, {"p": seats}, ratio=ratio, cutoff_tie="lot")
    kept = first.pools["p"].kept
    if first.complete:
        assert len(kept) == min(places, len(scores))
        return
    [lot] = first.lots
    assert len(kept) + lot.places_left == places
    assert lot.places_left < len(lot.tied)
    assert not set(kept) & set(lot.tied)
    assert all(scores[n] > lot.score for n in kept)
    order = list(lot.tied)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    second = select_preliminary({"p": scores}, {"p": seats}, ratio=ratio, cutoff_tie="lot", drawn={"p": order})
    assert second.complete
    assert second.pools["p"].kept == kept + tuple(order[: lot.places_left])


# --- R4 --------------------------------------------------------------------------------------


def test_r4_nominee_in_two_pools_keeps_higher_preference_and_next_moves_up() -> None:
    scores = {
        "书记": {"王煦": F(6, 10), "侯建中": F(3, 10), "张孝菊": F(1, 10)},
        "委员": {"王煦": F(5, 10), "a": F(4, 10), "b": F(2, 10), "c": F(1, 10)},
    }
    sel = select_preliminary(
        scores,
        {"书记": 1, "委员": 1},
        ratio=2,
        preferences={"王煦": ["书记", "委员"]},
        names={"王煦": "王煦"},
    )
    assert sel.pools["书记"].kept == ("王煦", "侯建中")
    assert sel.pools["委员"].kept == ("a", "b")
    assert sel.pools["委员"].excluded == ("王煦",)
    kept = next(d for d in sel.decisions if d.code == "kept_higher_preference")
    assert (kept.rule, kept.facts["kept_position"], kept.facts["dropped_position"]) == ("R4", "书记", "委员")
    assert "按志愿保留 书记（第 1 志愿）" in kept.zh
    moved = next(d for d in sel.decisions if d.code == "moved_up")
    assert (moved.rule, moved.subject) == ("R4", "b")


def test_r4_second_preference_kept_when_first_is_missed() -> None:
    scores = {
        "书记": {"x": F(9, 10), "y": F(8, 10), "王煦": F(1, 10)},
        "委员": {"王煦": F(1, 2), "a": F(1, 4)},
    }
    sel = select_preliminary(scores, {"书记": 1, "委员": 1}, ratio=2, preferences={"王煦": ["书记", "委员"]})
    assert "王煦" in sel.pools["委员"].kept
    assert not any(d.rule == "R4" for d in sel.decisions)


def test_r4_nominee_in_two_pools_without_preference_is_refused() -> None:
    scores = {"书记": {"王煦": F(1)}, "委员": {"王煦": F(1)}}
    with pytest.raises(ValueError, match="no preference"):
        select_preliminary(scores, {"书记": 1, "委员": 1}, ratio=1)


def test_r4_waits_for_a_lot_on_the_preferred_position_before_dropping_the_other() -> None:
    scores = {
        "书记": {"s": F(9, 10), "王煦": F(1, 2), "t": F(1, 2)},
        "委员": {"王煦": F(8, 10), "a": F(6, 10), "b": F(4, 10)},
    }
    args = {"ratio": 2, "cutoff_tie": "lot", "preferences": {"王煦": ["书记", "委员"]}}
    first = select_preliminary(scores, {"书记": 1, "委员": 1}, **args)  # type: ignore[arg-type]
    assert [lot.tied for lot in first.lots] == [("王煦", "t")]
    assert first.pools["委员"].kept == ("王煦", "a")  # not dropped until the 书记 lot is drawn
    second = select_preliminary(scores, {"书记": 1, "委员": 1}, drawn={"书记": ["王煦", "t"]}, **args)  # type: ignore[arg-type]
    assert second.complete
    assert second.pools["书记"].kept == ("s", "王煦")
    assert second.pools["委员"].kept == ("a", "b")
    assert any(d.code == "moved_up" and d.subject == "b" for d in second.decisions)
