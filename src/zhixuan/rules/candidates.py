"""Formal candidates: competitive check (C1), county-committee vote (C2), inspection (C3)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from zhixuan.rules.decision import Decision, Fact, Names, display_name, percent
from zhixuan.rules.recommendation import Ranked, cut
from zhixuan.rules.settings import Settings

PostKind = Literal["secretary", "deputy_secretary", "member", "discipline_secretary", "discipline_member"]

POST_ZH: dict[str, str] = {
    "secretary": "党委书记",
    "deputy_secretary": "党委副书记",
    "member": "党委委员",
    "discipline_secretary": "纪委书记",
    "discipline_member": "纪委委员",
}

# Committee-member races (party and discipline committee) carry the "20% extra" rule (R20 Art.13).
COMMITTEE_POSTS: frozenset[str] = frozenset({"member", "discipline_member"})


# --- C1 --------------------------------------------------------------------------------------


def minimum_candidates(post: PostKind, seats: int, settings: Settings) -> int:
    """C1: fewest candidates allowed for ``seats`` seats of ``post``.

    Committee members: seats + ceil(seats × competitive_extra) (7 → 9). Secretary-type posts:
    seats + 1 when every post is competitive, else seats (等额 allowed).
    """
    if seats < 1:
        raise ValueError("a race needs at least one seat")
    if post in COMMITTEE_POSTS:
        return seats + math.ceil(seats * settings.competitive_extra)
    if settings.competitive_posts == "all":
        return seats + 1
    return seats


def check_competitive(
    post: PostKind, seats: int, candidates: int, settings: Settings, position: str | None = None
) -> Decision:
    """C1: are there enough candidates for the race to be competitive (差额) as the preset requires?"""
    label = position or POST_ZH[post]
    need = minimum_candidates(post, seats, settings)
    extra = candidates - seats
    facts: dict[str, Fact] = {
        "post": post,
        "seats": seats,
        "candidates": candidates,
        "minimum": need,
        "extra_share": settings.competitive_extra,
        "competitive_posts": settings.competitive_posts,
    }
    if post in COMMITTEE_POSTS:
        extra_needed = need - seats
        share = percent(settings.competitive_extra, 0)
        rule_zh = f"差额 {extra} 名，应不少于 {seats}×{share} 向上取整 = {extra_needed} 名"
        rule_en = f"{extra} extra, at least ceil({seats} × {share}) = {extra_needed}"
    elif need > seats:
        rule_zh = "须差额选举，候选人应多于职数"
        rule_en = "the race must be competitive: more candidates than seats"
    else:
        rule_zh = "可等额选举，候选人不少于职数"
        rule_en = "an equal-number race is allowed: at least as many candidates as seats"
    ok = candidates >= need
    return Decision(
        rule="C1",
        code="competitive_ok" if ok else "too_few_candidates",
        subject=label,
        zh=f"{label}：职数 {seats} 名，候选人 {candidates} 名，{rule_zh}"
        + ("" if ok else f"，至少需要 {need} 名，还差 {need - candidates} 名"),
        en=f"{label}: {seats} seats, {candidates} candidates; {rule_en}"
        + ("" if ok else f"; at least {need} needed, {need - candidates} short"),
        facts=facts,
    )


# --- C2 --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormalSelection:
    """The county-committee vote's outcome for one position."""

    position: str
    seats: int
    keep: int
    ranking: tuple[Ranked, ...]
    formal: tuple[str, ...]
    tied_at_cut: tuple[str, ...]
    decisions: tuple[Decision, ...]


def formal_count(seats: int, settings: Settings) -> int:
    """C2 default: ceil(seats × formal_ratio) formal candidates (6/5: 7 seats → 9, 1 seat → 2)."""
    return math.ceil(seats * settings.formal_ratio)


def county_committee_vote(
    position: str,
    seats: int,
    votes: Mapping[str, int],
    settings: Settings,
    *,
    keep: int | None = None,
    voters: int | None = None,
    names: Names | None = None,
) -> FormalSelection:
    """C2: rank preliminary candidates by for-votes and keep the formal candidates.

    ``votes`` maps every preliminary candidate (zero included) to for-votes. ``keep`` is an explicit
    number of formal candidates; by default :func:`formal_count`. A tie at the cut keeps everyone
    tied and says so. ``voters`` (committee members voting), when given, bounds each count.
    """
    for candidate, n in votes.items():
        if n < 0 or (voters is not None and n > voters):
            raise ValueError(f"{candidate!r}: {n} for-votes is impossible with {voters} voters")
    places = formal_count(seats, settings) if keep is None else keep
    c = cut(votes, places)
    formal = c.above + c.tied
    decisions: list[Decision] = []
    base: dict[str, Fact] = {
        "position": position,
        "seats": seats,
        "keep": places,
        "preliminary": len(votes),
        "formal": len(formal),
        "formal_ratio": settings.formal_ratio,
        "voters": voters,
    }
    if c.tied and len(formal) > places:
        tied = "、".join(display_name(n, names) for n in c.tied)
        decisions.append(
            Decision(
                rule="C2",
                code="cutoff_tie_kept",
                subject=position,
                zh=f"{position}：第 {places} 名处 {len(c.tied)} 人赞成票并列（{c.cutoff_score} 票）：{tied}，全部保留",
                en=f"{position}: {len(c.tied)} candidates tie at the cut-off with {c.cutoff_score} votes; all kept",
                facts={**base, "tied": c.tied},
            )
        )
    how = "按规定名额" if keep is not None else f"按职数 {seats}×{percent(settings.formal_ratio, 0)} 向上取整"
    how_en = "explicit number" if keep is not None else f"ceil({seats} × {percent(settings.formal_ratio, 0)})"
    if len(votes) <= places:
        zh_tail = f"初步候选人 {len(votes)} 名，不超过应确定的 {places} 名，全部确定为正式候选人"
        en_tail = f"{len(votes)} preliminary candidates, not more than {places}; all become formal candidates"
    else:
        zh_tail = f"{how}确定正式候选人 {places} 名，实际确定 {len(formal)} 名"
        en_tail = f"{how_en} = {places} formal candidates; {len(formal)} selected"
    decisions.append(
        Decision(
            rule="C2",
            code="formal_selected",
            subject=position,
            zh=f"{position}：县委票决，{zh_tail}",
            en=f"{position}: county-committee vote, {en_tail}",
            facts=base,
        )
    )
    for r in c.ranking:
        inside = r.nominee in formal
        who = display_name(r.nominee, names)
        decisions.append(
            Decision(
                rule="C2",
                code="formal" if inside else "not_formal",
                subject=r.nominee,
                zh=f"{who}（{position}）赞成 {votes[r.nominee]} 票，排名第 {r.rank}，"
                + ("确定为正式候选人" if inside else "未确定为正式候选人"),
                en=f"{who} ({position}) {votes[r.nominee]} for-votes, ranked {r.rank}: "
                + ("formal candidate" if inside else "not selected"),
                facts={"position": position, "votes": votes[r.nominee], "rank": r.rank},
            )
        )
    return FormalSelection(position, seats, places, c.ranking, formal, c.tied, tuple(decisions))


# --- C3 --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inspection:
    """The recorded inspection (考察) outcome of one candidate; a fail needs a reason."""

    candidate: str
    passed: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class InspectionResult:
    remaining: tuple[str, ...]
    removed: tuple[str, ...]
    pending: tuple[str, ...]
    decisions: tuple[Decision, ...]

    @property
    def complete(self) -> bool:
        return not self.pending


def apply_inspections(
    candidates: Sequence[str], inspections: Iterable[Inspection], names: Names | None = None
) -> InspectionResult:
    """C3: a failed inspection removes the candidate; an uninspected one is pending, never passed."""
    outcome: dict[str, Inspection] = {}
    for inspection in inspections:
        if inspection.candidate not in candidates:
            raise ValueError(f"{inspection.candidate!r} is not a candidate under inspection")
        if inspection.candidate in outcome:
            raise ValueError(f"{inspection.candidate!r} has two inspection records")
        if not inspection.passed and not inspection.reason.strip():
            raise ValueError(f"{inspection.candidate!r}: a failed inspection needs a written reason")
        outcome[inspection.candidate] = inspection
    remaining: list[str] = []
    removed: list[str] = []
    pending: list[str] = []
    decisions: list[Decision] = []
    for candidate in candidates:
        who = display_name(candidate, names)
        found = outcome.get(candidate)
        if found is None:
            pending.append(candidate)
            decisions.append(
                Decision(
                    rule="C3",
                    code="inspection_pending",
                    subject=candidate,
                    zh=f"{who}：尚无考察结论，需录入考察结果",
                    en=f"{who}: no inspection outcome recorded yet",
                    facts={"candidate": candidate},
                )
            )
        elif found.passed:
            remaining.append(candidate)
            decisions.append(
                Decision(
                    rule="C3",
                    code="inspection_passed",
                    subject=candidate,
                    zh=f"{who}：考察合格",
                    en=f"{who}: inspection passed",
                    facts={"candidate": candidate, "reason": found.reason},
                )
            )
        else:
            removed.append(candidate)
            decisions.append(
                Decision(
                    rule="C3",
                    code="inspection_failed",
                    subject=candidate,
                    zh=f"{who}：考察不合格（{found.reason}），取消候选人资格",
                    en=f"{who}: inspection failed ({found.reason}); removed from the candidates",
                    facts={"candidate": candidate, "reason": found.reason},
                )
            )
    return InspectionResult(tuple(remaining), tuple(removed), tuple(pending), tuple(decisions))
