"""Recommendation stages of a synthetic election (R1-R5): who recommends whom, and the pools that result."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from zhixuan.synth.nomination import Field
from zhixuan.synth.voting import GroupCount, clear_top, recommendation_ballot, stage_scores

# Recommenders mostly back an applicant for the position they put first (N3), rarely for the second.
SECOND_CHOICE_APPEAL = 0.08


def popularity(fld: Field, positions: Sequence[str], spread: float = 1.2) -> dict[str, dict[str, float]]:
    """Per position, each qualified applicant's appeal to recommenders (only they are on the ballot)."""
    out: dict[str, dict[str, float]] = {}
    for position in positions:
        weights: dict[str, float] = {}
        for applicant in fld.by_position(position):
            appeal = math.exp(spread * fld.merit[applicant])
            weights[applicant] = appeal if fld.first_choice[applicant] == position else appeal * SECOND_CHOICE_APPEAL
        out[position] = weights
    return out


def distinct_pools(pools: Mapping[str, Sequence[str]]) -> bool:
    """True when no nominee is in two positions' pools, so R4 has nothing to resolve."""
    seen: set[str] = set()
    for pool in pools.values():
        if seen & set(pool):
            return False
        seen |= set(pool)
    return True


def single_stage(
    rng: random.Random,
    fld: Field,
    seats: Mapping[str, int],
    keep: Mapping[str, int],
    voters: Mapping[str, int],
    weights: Mapping[str, Fraction],
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Individual recommendation ballots of each group and the pools they select (R1, R3).

    Drawn again (deterministically) until no tie sits at a cut-off and no nominee lands in two pools.
    """
    appeal = popularity(fld, list(seats))
    for _ in range(100):
        ballots: list[dict[str, Any]] = []
        counts = {group: GroupCount.empty() for group in voters}
        for group, n in voters.items():
            for _ in range(n):
                picks = recommendation_ballot(rng, appeal, seats)
                counts[group].add(picks, seats)
                ballots.append({"group": group, "picks": picks})
        pools: dict[str, list[str]] = {}
        for position in seats:
            top = clear_top(stage_scores(counts, weights, position), keep[position])
            if top is None:
                break
            pools[position] = top
        if len(pools) == len(seats) and distinct_pools(pools):
            return ballots, pools
    raise RuntimeError("could not draw a clear recommendation stage")  # pragma: no cover
