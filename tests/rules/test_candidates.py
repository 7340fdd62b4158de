"""C1–C3: competitive check, county-committee vote, inspection."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.candidates import (
    Inspection,
    apply_inspections,
    check_competitive,
    county_committee_vote,
    minimum_candidates,
)
from zhixuan.rules.settings import Settings, preset_settings

# --- C1 --------------------------------------------------------------------------------------


def test_c1_seven_committee_seats_need_nine_candidates() -> None:
    s = Settings()
    assert minimum_candidates("member", 7, s) == 9
    ok = check_competitive("member", 7, 9, s)
    assert (ok.rule, ok.code) == ("C1", "competitive_ok")
    assert "差额 2 名，应不少于 7×20% 向上取整 = 2 名" in ok.zh
    short = check_competitive("member", 7, 8, s)
    assert short.code == "too_few_candidates"
    assert "至少需要 9 名，还差 1 名" in short.zh


def test_c1_discipline_committee_members_follow_the_same_extra_rule() -> None:
    assert minimum_candidates("discipline_member", 3, Settings()) == 4


def test_c1_secretary_must_be_competitive_when_every_post_is() -> None:
    s = preset_settings("three-round")
    assert check_competitive("secretary", 1, 1, s).code == "too_few_candidates"
    assert check_competitive("secretary", 1, 2, s).code == "competitive_ok"
    assert check_competitive("deputy_secretary", 2, 3, s).code == "competitive_ok"


def test_c1_standard_preset_allows_an_equal_number_secretary_election() -> None:
    s = preset_settings("standard")
    d = check_competitive("secretary", 1, 1, s)
    assert (d.rule, d.code) == ("C1", "competitive_ok")
    assert "可等额选举" in d.zh
    assert check_competitive("member", 7, 8, s).code == "too_few_candidates"


@given(st.integers(1, 60), st.fractions(0, 1, max_denominator=20))
def test_c1_minimum_is_the_smallest_count_meeting_the_extra_share(seats: int, extra: Fraction) -> None:
    s = Settings(competitive_extra=extra)
    need = minimum_candidates("member", seats, s)
    assert need - seats >= seats * extra
    assert need - 1 - seats < seats * extra


# --- C2 --------------------------------------------------------------------------------------


def test_c2_county_committee_keeps_ceil_seats_times_ratio() -> None:
    # 14 preliminary candidates after inspection, 7 seats at 6/5 -> 9 formal candidates.
    votes = {f"c{i:02d}": 25 - i for i in range(14)}
    sel = county_committee_vote("委员", 7, votes, Settings(), voters=25)
    assert sel.keep == 9
    assert sel.formal == tuple(f"c{i:02d}" for i in range(9))
    summary = next(d for d in sel.decisions if d.code == "formal_selected")
    assert summary.rule == "C2"
    assert "按职数 7×120% 向上取整确定正式候选人 9 名，实际确定 9 名" in summary.zh
    c09 = next(d for d in sel.decisions if d.subject == "c09")
    assert c09.code == "not_formal" and "赞成 16 票，排名第 10" in c09.zh


def test_c2_tie_at_the_cut_keeps_everyone_tied() -> None:
    votes = {"a": 20, "b": 18, "c": 15, "d": 15, "e": 9}
    sel = county_committee_vote("副书记", 2, votes, Settings(), keep=3)
    assert sel.formal == ("a", "b", "c", "d")
    assert sel.tied_at_cut == ("c", "d")
    tie = next(d for d in sel.decisions if d.code == "cutoff_tie_kept")
    assert tie.rule == "C2" and "第 3 名处 2 人赞成票并列（15 票）" in tie.zh


def test_c2_explicit_count_overrides_the_ratio() -> None:
    sel = county_committee_vote("书记", 1, {"a": 10, "b": 8, "c": 3}, Settings(), keep=2)
    assert sel.formal == ("a", "b")
    summary = next(d for d in sel.decisions if d.code == "formal_selected")
    assert "按规定名额确定正式候选人 2 名" in summary.zh


def test_c2_impossible_vote_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="impossible"):
        county_committee_vote("书记", 1, {"a": 26}, Settings(), voters=25)


@given(
    st.dictionaries(st.sampled_from([f"c{i}" for i in range(12)]), st.integers(0, 25), max_size=12),
    st.integers(1, 7),
)
def test_c2_formal_set_is_everyone_at_or_above_the_cut(votes: dict[str, int], seats: int) -> None:
    sel = county_committee_vote("委员", seats, votes, Settings())
    keep = math.ceil(seats * Fraction(6, 5))
    assert len(sel.formal) >= min(keep, len(votes))
    if len(votes) > keep:
        cutoff = sorted(votes.values(), reverse=True)[keep - 1]
        assert set(sel.formal) == {c for c, v in votes.items() if v >= cutoff}


# --- C3 --------------------------------------------------------------------------------------


def test_c3_failed_inspection_removes_the_candidate() -> None:
    result = apply_inspections(
        ["王煦", "侯建中", "张孝菊"],
        [
            Inspection("王煦", True),
            Inspection("侯建中", False, "群众反映问题经查属实"),
            Inspection("张孝菊", True),
        ],
    )
    assert result.remaining == ("王煦", "张孝菊")
    assert result.removed == ("侯建中",)
    assert result.complete
    fail = next(d for d in result.decisions if d.subject == "侯建中")
    assert (fail.rule, fail.code) == ("C3", "inspection_failed")
    assert "考察不合格（群众反映问题经查属实），取消候选人资格" in fail.zh


def test_c3_uninspected_candidate_is_pending_not_passed() -> None:
    result = apply_inspections(["王煦", "侯建中"], [Inspection("王煦", True)])
    assert result.remaining == ("王煦",)
    assert result.pending == ("侯建中",)
    assert not result.complete
    assert any(d.code == "inspection_pending" and d.rule == "C3" for d in result.decisions)


def test_c3_fail_without_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="reason"):
        apply_inspections(["王煦"], [Inspection("王煦", False)])


def test_c3_inspection_of_a_non_candidate_or_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="not a candidate"):
        apply_inspections(["王煦"], [Inspection("外人", True)])
    with pytest.raises(ValueError, match="two inspection"):
        apply_inspections(["王煦"], [Inspection("王煦", True), Inspection("王煦", True)])
