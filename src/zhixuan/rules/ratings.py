"""Annual ratings of leadership members (测评, rule A2): exact rates per rater group and weighted.

Each year every leadership member reports (述职) and is rated by secret ballot on one of two
scales. Rater groups (members, public reps, ...) carry weights that must sum to exactly 1. For a
leader, a grade's rate in a group is its count over that group's valid ratings of the leader; the
weighted rate is ``Σ weight_g · rate_g`` (as R1 weights recommendation groups); the pooled rate
(all ballots together, unweighted) is shown beside it.

Flags use the **weighted** rate, so a large group cannot outvote the weighting the county set;
with a single group of weight 1 both rates are equal. Defaults from rules.md (Settings):

- satisfaction scale: 满意+基本满意 strictly below ``warning_below`` (70%) → warning talk
  (诫勉谈话); strictly below ``recall_proposal_below`` (50%) → recall may be proposed, and the
  warning applies too. Exactly 70% is not flagged.
- competence scale: 不称职 strictly above ``incompetent_above`` (1/3) → organisational
  adjustment. Exactly 1/3 is not flagged.

Each flag belongs to its own scale; the rulebook sets no satisfaction threshold on the competence
scale and none is invented here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from zhixuan.rules.decision import Decision, Fact, percent
from zhixuan.rules.settings import Settings


class Scale(StrEnum):
    SATISFACTION = "satisfaction"
    COMPETENCE = "competence"


GRADES: dict[Scale, tuple[str, ...]] = {
    Scale.SATISFACTION: ("satisfied", "basically_satisfied", "dissatisfied"),
    Scale.COMPETENCE: ("excellent", "competent", "basically_competent", "incompetent"),
}

GRADE_ZH: dict[str, str] = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
    "excellent": "优秀",
    "competent": "称职",
    "basically_competent": "基本称职",
    "incompetent": "不称职",
}

# The grades whose sum is the satisfaction rate (满意 + 基本满意).
APPROVING = ("satisfied", "basically_satisfied")


class RatingError(ValueError):
    """Ratings that cannot be computed as given (bad weights, unknown grade, no ballots)."""


@dataclass(frozen=True, slots=True)
class RaterGroup:
    """A group of raters and its weight; weights of all groups sum to exactly 1."""

    name: str
    weight: Fraction


@dataclass(frozen=True, slots=True)
class GroupRating:
    group: str
    weight: Fraction
    counts: Mapping[str, int]
    total: int
    rates: Mapping[str, Fraction]


@dataclass(frozen=True, slots=True)
class LeaderRating:
    """One leader's result on one scale: per group, weighted, pooled, and the A2 decisions."""

    leader: str
    scale: Scale
    groups: tuple[GroupRating, ...]
    weighted: Mapping[str, Fraction]
    pooled: Mapping[str, Fraction]
    flags: tuple[str, ...]
    decisions: tuple[Decision, ...]


def validate_groups(groups: Sequence[RaterGroup]) -> None:
    """Weights are exact fractions (never floats), positive, of distinct groups, summing to 1."""
    if not groups:
        raise RatingError("at least one rater group is needed")
    names = [group.name for group in groups]
    if len(set(names)) != len(names):
        raise RatingError(f"rater groups must be distinct, got {names}")
    for group in groups:
        if isinstance(group.weight, float) or not isinstance(group.weight, Fraction | int):
            raise RatingError(f"weight of {group.name!r} must be an exact fraction, got {group.weight!r}")
        if group.weight <= 0:
            raise RatingError(f"weight of {group.name!r} must be positive, got {group.weight}")
    total = sum((Fraction(group.weight) for group in groups), Fraction(0))
    if total != 1:
        raise RatingError(f"rater-group weights must sum to exactly 1, got {total}")


def _group_rating(leader: str, scale: Scale, group: RaterGroup, counts: Mapping[str, int]) -> GroupRating:
    grades = GRADES[scale]
    unknown = sorted(set(counts) - set(grades))
    if unknown:
        raise RatingError(f"{leader}/{group.name}: grades {unknown} are not on the {scale.value} scale")
    full = {grade: counts.get(grade, 0) for grade in grades}
    for grade, count in full.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RatingError(f"{leader}/{group.name}: count of {grade} must be a whole number >= 0")
    total = sum(full.values())
    if total == 0:
        raise RatingError(f"{leader}: group {group.name!r} has no valid ratings; its rate is undefined")
    rates = {grade: Fraction(count, total) for grade, count in full.items()}
    return GroupRating(group.name, Fraction(group.weight), full, total, rates)


def rate_leader(
    leader: str,
    scale: Scale,
    groups: Sequence[RaterGroup],
    counts: Mapping[str, Mapping[str, int]],
    settings: Settings,
) -> LeaderRating:
    """A2 for one leader: ``counts[group][grade]`` are the valid ratings of that group."""
    validate_groups(groups)
    extra = sorted(set(counts) - {group.name for group in groups})
    if extra:
        raise RatingError(f"{leader}: ratings from unknown groups {extra}")
    missing = [group.name for group in groups if group.name not in counts]
    if missing:
        raise RatingError(f"{leader}: no ratings from groups {missing}")
    rated = tuple(_group_rating(leader, scale, group, counts[group.name]) for group in groups)
    grades = GRADES[scale]
    weighted = {grade: sum((g.weight * g.rates[grade] for g in rated), Fraction(0)) for grade in grades}
    ballots = sum(g.total for g in rated)
    pooled = {grade: Fraction(sum(g.counts[grade] for g in rated), ballots) for grade in grades}
    if scale is Scale.SATISFACTION:
        decisions = _satisfaction_decisions(leader, rated, weighted, pooled, settings)
    else:
        decisions = _competence_decisions(leader, rated, weighted, pooled, settings)
    flags = tuple(d.code for d in decisions if d.facts.get("flagged") is True)
    return LeaderRating(leader, scale, rated, weighted, pooled, flags, decisions)


def rate_all(
    scale: Scale,
    groups: Sequence[RaterGroup],
    counts: Mapping[str, Mapping[str, Mapping[str, int]]],
    settings: Settings,
) -> tuple[LeaderRating, ...]:
    """A2 for every leader in ``counts[leader][group][grade]``, in the given order."""
    return tuple(rate_leader(leader, scale, groups, by_group, settings) for leader, by_group in counts.items())


def _share(rated: tuple[GroupRating, ...], grade_set: Sequence[str]) -> dict[str, Fraction]:
    return {g.group: sum((g.rates[grade] for grade in grade_set), Fraction(0)) for g in rated}


def _breakdown(rated: tuple[GroupRating, ...], shares: Mapping[str, Fraction]) -> tuple[str, str]:
    zh = "、".join(f"{g.group} {percent(shares[g.group])}（权重 {percent(g.weight)}，{g.total} 票）" for g in rated)
    en = ", ".join(
        f"{g.group} {percent(shares[g.group])} (weight {percent(g.weight)}, {g.total} ballots)" for g in rated
    )
    return zh, en


def _facts(
    leader: str,
    scale: Scale,
    rated: tuple[GroupRating, ...],
    shares: Mapping[str, Fraction],
    measure: str,
    weighted: Fraction,
    pooled: Fraction,
    threshold: Fraction,
    flagged: bool,
) -> dict[str, Fact]:
    facts: dict[str, Fact] = {
        "leader": leader,
        "scale": scale.value,
        "measure": measure,
        "weighted": weighted,
        "pooled": pooled,
        "threshold": threshold,
        "flagged": flagged,
        "flag_basis": "weighted",
    }
    for g in rated:
        facts[f"{measure}[{g.group}]"] = shares[g.group]
        facts[f"weight[{g.group}]"] = g.weight
        facts[f"ballots[{g.group}]"] = g.total
    return facts


def _satisfaction_decisions(
    leader: str,
    rated: tuple[GroupRating, ...],
    weighted: Mapping[str, Fraction],
    pooled: Mapping[str, Fraction],
    settings: Settings,
) -> tuple[Decision, ...]:
    approval = sum((weighted[grade] for grade in APPROVING), Fraction(0))
    approval_pooled = sum((pooled[grade] for grade in APPROVING), Fraction(0))
    shares = _share(rated, APPROVING)
    parts_zh, parts_en = _breakdown(rated, shares)
    head_zh = f"{leader} 满意率（满意+基本满意，加权）{percent(approval)}"
    head_en = f"{leader}: satisfaction (satisfied + basically satisfied, weighted) {percent(approval)}"
    tail_zh = f"；各组：{parts_zh}；不加权合计 {percent(approval_pooled)}"
    tail_en = f"; by group: {parts_en}; pooled unweighted {percent(approval_pooled)}"
    warn, recall = settings.warning_below, settings.recall_proposal_below

    def facts(threshold: Fraction, flagged: bool) -> dict[str, Fact]:
        return _facts(
            leader,
            Scale.SATISFACTION,
            rated,
            shares,
            "approval",
            approval,
            approval_pooled,
            threshold,
            flagged,
        )

    decisions: list[Decision] = []
    if approval < warn:
        decisions.append(
            Decision(
                rule="A2",
                code="warning_talk",
                subject=leader,
                zh=f"{head_zh} 低于 {percent(warn)}，应进行诫勉谈话{tail_zh}",
                en=f"{head_en} is below {percent(warn)}: warning talk{tail_en}",
                facts=facts(warn, True),
            )
        )
    if approval < recall:
        decisions.append(
            Decision(
                rule="A2",
                code="recall_may_be_proposed",
                subject=leader,
                zh=f"{head_zh} 低于 {percent(recall)}，可以提出罢免（A3）{tail_zh}",
                en=f"{head_en} is below {percent(recall)}: recall may be proposed (A3){tail_en}",
                facts=facts(recall, True),
            )
        )
    if not decisions:
        decisions.append(
            Decision(
                rule="A2",
                code="satisfaction_ok",
                subject=leader,
                zh=f"{head_zh} 不低于 {percent(warn)}，无需诫勉谈话{tail_zh}",
                en=f"{head_en} is not below {percent(warn)}: no warning talk{tail_en}",
                facts=facts(warn, False),
            )
        )
    return tuple(decisions)


def _competence_decisions(
    leader: str,
    rated: tuple[GroupRating, ...],
    weighted: Mapping[str, Fraction],
    pooled: Mapping[str, Fraction],
    settings: Settings,
) -> tuple[Decision, ...]:
    share = weighted["incompetent"]
    share_pooled = pooled["incompetent"]
    shares = _share(rated, ("incompetent",))
    parts_zh, parts_en = _breakdown(rated, shares)
    limit = settings.incompetent_above
    limit_text = f"{limit.numerator}/{limit.denominator}"
    head_zh = f"{leader} 不称职票（加权）{percent(share)}"
    head_en = f"{leader}: incompetent (weighted) {percent(share)}"
    tail_zh = f"；各组：{parts_zh}；不加权合计 {percent(share_pooled)}"
    tail_en = f"; by group: {parts_en}; pooled unweighted {percent(share_pooled)}"
    flagged = share > limit
    facts = _facts(leader, Scale.COMPETENCE, rated, shares, "incompetent", share, share_pooled, limit, flagged)
    if flagged:
        return (
            Decision(
                rule="A2",
                code="organisational_adjustment",
                subject=leader,
                zh=f"{head_zh} 超过 {limit_text}，应进行组织调整{tail_zh}",
                en=f"{head_en} is above {limit_text}: organisational adjustment{tail_en}",
                facts=facts,
            ),
        )
    return (
        Decision(
            rule="A2",
            code="competence_ok",
            subject=leader,
            zh=f"{head_zh} 未超过 {limit_text}，无需组织调整{tail_zh}",
            en=f"{head_en} is not above {limit_text}: no organisational adjustment{tail_en}",
            facts=facts,
        ),
    )
