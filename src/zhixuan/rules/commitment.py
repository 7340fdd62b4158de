"""Term-target commitment (任期目标承诺, rule A1) and its yearly review.

The newly elected secretary commits to a list of targets at the members' meeting; the list is
published and every year each target is reviewed as not started, in progress, done or abandoned.
An abandoned target needs a written reason, so a review never hides a dropped promise. The review
only counts; judging the secretary is A2's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from zhixuan.rules.decision import Decision, Fact, percent


class TargetStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ABANDONED = "abandoned"


STATUS_ZH: dict[TargetStatus, str] = {
    TargetStatus.NOT_STARTED: "未启动",
    TargetStatus.IN_PROGRESS: "推进中",
    TargetStatus.DONE: "已完成",
    TargetStatus.ABANDONED: "已放弃",
}


class CommitmentError(ValueError):
    """A commitment or review that is incomplete or inconsistent."""


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Commitment:
    """The published list of term targets of one leader."""

    leader: str
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class TargetReview:
    status: TargetStatus
    note: str = ""


@dataclass(frozen=True, slots=True)
class CommitmentReview:
    leader: str
    year: int
    counts: Mapping[TargetStatus, int]
    done_share: Fraction
    abandoned: tuple[str, ...]
    decision: Decision


def check_commitment(commitment: Commitment) -> Decision:
    """A1: a commitment can be published when it has targets with distinct ids and real text."""
    if not commitment.targets:
        raise CommitmentError(f"{commitment.leader}: a term commitment needs at least one target")
    ids = [target.id for target in commitment.targets]
    if len(set(ids)) != len(ids):
        raise CommitmentError(f"{commitment.leader}: target ids must be distinct, got {ids}")
    blank = [target.id for target in commitment.targets if not target.text.strip()]
    if blank:
        raise CommitmentError(f"{commitment.leader}: targets {blank} have no text")
    count = len(commitment.targets)
    return Decision(
        rule="A1",
        code="commitment_published",
        subject=commitment.leader,
        zh=f"{commitment.leader} 作出任期目标承诺 {count} 项，予以公开，每年对照述评",
        en=f"{commitment.leader} committed to {count} term targets; published and reviewed yearly",
        facts={"leader": commitment.leader, "targets": count, "ids": tuple(ids)},
    )


def review_commitment(commitment: Commitment, year: int, reviews: Mapping[str, TargetReview]) -> CommitmentReview:
    """A1 yearly review: every target needs a status; abandoning one needs a reason."""
    check_commitment(commitment)
    ids = [target.id for target in commitment.targets]
    unknown = sorted(set(reviews) - set(ids))
    if unknown:
        raise CommitmentError(f"{commitment.leader} {year}: reviews of unknown targets {unknown}")
    missing = [target_id for target_id in ids if target_id not in reviews]
    if missing:
        raise CommitmentError(f"{commitment.leader} {year}: targets {missing} have no status this year")
    unexplained = [
        target_id
        for target_id in ids
        if reviews[target_id].status is TargetStatus.ABANDONED and not reviews[target_id].note.strip()
    ]
    if unexplained:
        raise CommitmentError(f"{commitment.leader} {year}: abandoned targets {unexplained} need a reason")
    counts = {status: 0 for status in TargetStatus}
    for target_id in ids:
        counts[TargetStatus(reviews[target_id].status)] += 1
    total = len(ids)
    done_share = Fraction(counts[TargetStatus.DONE], total)
    abandoned = tuple(t for t in ids if reviews[t].status is TargetStatus.ABANDONED)
    listed_zh = "、".join(f"{STATUS_ZH[s]} {counts[s]} 项" for s in TargetStatus)
    listed_en = ", ".join(f"{counts[s]} {s.value.replace('_', ' ')}" for s in TargetStatus)
    facts: dict[str, Fact] = {
        "leader": commitment.leader,
        "year": year,
        "targets": total,
        **{status.value: counts[status] for status in TargetStatus},
        "done_share": done_share,
        "abandoned_ids": abandoned,
    }
    who = commitment.leader
    decision = Decision(
        rule="A1",
        code="commitment_reviewed",
        subject=who,
        zh=f"{who} {year} 年度任期目标承诺 {total} 项：{listed_zh}（完成率 {percent(done_share)}）",
        en=f"{who}, {year} review of {total} term targets: {listed_en} ({percent(done_share)} done)",
        facts=facts,
    )
    return CommitmentReview(commitment.leader, year, counts, done_share, abandoned, decision)


def commitment_from_texts(leader: str, texts: Sequence[str]) -> Commitment:
    """A commitment whose targets are numbered 1, 2, ... in the order the leader stated them."""
    return Commitment(leader, tuple(Target(str(n), text) for n, text in enumerate(texts, start=1)))
