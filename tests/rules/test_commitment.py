"""A1: the term-target commitment and its yearly review."""

from __future__ import annotations

from fractions import Fraction

import pytest

from zhixuan.rules.commitment import (
    Commitment,
    CommitmentError,
    Target,
    TargetReview,
    TargetStatus,
    check_commitment,
    commitment_from_texts,
    review_commitment,
)

PLEDGE = commitment_from_texts(
    "王煦",
    [
        "新建村级活动阵地 3 个",
        "硬化通村道路 12 公里",
        "村集体经济年收入均超过 5 万元",
        "建成乡镇便民服务中心",
    ],
)


def test_a1_commitment_is_published_with_its_targets() -> None:
    decision = check_commitment(PLEDGE)
    assert decision.rule == "A1"
    assert decision.code == "commitment_published"
    assert decision.facts["targets"] == 4
    assert decision.facts["ids"] == ("1", "2", "3", "4")
    assert "4 项" in decision.zh


def test_a1_yearly_review_counts_each_status() -> None:
    reviews = {
        "1": TargetReview(TargetStatus.DONE),
        "2": TargetReview(TargetStatus.IN_PROGRESS, "已完成 7 公里"),
        "3": TargetReview(TargetStatus.NOT_STARTED),
        "4": TargetReview(TargetStatus.ABANDONED, "县里统一建设，乡镇不再单独建"),
    }
    review = review_commitment(PLEDGE, 2024, reviews)
    assert review.counts[TargetStatus.DONE] == 1
    assert review.counts[TargetStatus.ABANDONED] == 1
    assert review.done_share == Fraction(1, 4)
    assert review.abandoned == ("4",)
    decision = review.decision
    assert decision.rule == "A1"
    assert decision.facts["year"] == 2024
    assert decision.facts["in_progress"] == 1
    assert "已完成 1 项" in decision.zh and "完成率 25.00%" in decision.zh


def test_a1_every_target_needs_a_status() -> None:
    with pytest.raises(CommitmentError, match=r"\['4'\] have no status"):
        review_commitment(PLEDGE, 2024, {str(n): TargetReview(TargetStatus.DONE) for n in range(1, 4)})


def test_a1_abandoning_a_target_needs_a_reason() -> None:
    reviews = {str(n): TargetReview(TargetStatus.DONE) for n in range(1, 5)}
    reviews["2"] = TargetReview(TargetStatus.ABANDONED, "  ")
    with pytest.raises(CommitmentError, match="need a reason"):
        review_commitment(PLEDGE, 2024, reviews)


def test_a1_unknown_targets_and_bad_commitments_are_refused() -> None:
    reviews = {str(n): TargetReview(TargetStatus.DONE) for n in range(1, 6)}
    with pytest.raises(CommitmentError, match="unknown targets"):
        review_commitment(PLEDGE, 2024, reviews)
    with pytest.raises(CommitmentError, match="at least one"):
        check_commitment(Commitment("王煦", ()))
    with pytest.raises(CommitmentError, match="distinct"):
        check_commitment(Commitment("王煦", (Target("1", "a"), Target("1", "b"))))
    with pytest.raises(CommitmentError, match="no text"):
        check_commitment(Commitment("王煦", (Target("1", " "),)))
