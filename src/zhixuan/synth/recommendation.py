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


def select_pools(
    scores: Mapping[str, Mapping[str, Fraction]],
    keep: Mapping[str, int],
    preferences: Mapping[str, Sequence[str]],
) -> dict[str, list[str]] | None:
    """R3 then R4, as the rules core does: the top ``keep`` per position; a nominee in two pools keeps
    the higher preference and the next-ranked nominee moves up. None when a tie sits at a cut-off."""
    excluded: dict[str, set[str]] = {p: set() for p in scores}
    while True:
        pools: dict[str, list[str]] = {}
        for position, by_nominee in scores.items():
            top = clear_top({c: s for c, s in by_nominee.items() if c not in excluded[position]}, keep[position])
            if top is None:
                return None
            pools[position] = top
        changed = False
        for nominee, order in preferences.items():
            held = [p for p in order if nominee in pools.get(p, ())]
            for position in held[1:]:
                excluded[position].add(nominee)
                changed = True
        if not changed:
            return pools


def single_stage(
    rng: random.Random,
    fld: Field,
    seats: Mapping[str, int],
    keep: Mapping[str, int],
    voters: Mapping[str, int],
    weights: Mapping[str, Fraction],
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Individual recommendation ballots of each group and the pools they select (R1, R3).

    Drawn again (deterministically) while a tie sits at a cut-off, which the file would leave open.
    """
    appeal = popularity(fld, list(seats))
    preferences = {a["id"]: a["positions"] for a in fld.applicants}
    for _ in range(100):
        ballots: list[dict[str, Any]] = []
        counts = {group: GroupCount.empty() for group in voters}
        for group, n in voters.items():
            for _ in range(n):
                picks = recommendation_ballot(rng, appeal, seats)
                counts[group].add(picks, seats)
                ballots.append({"group": group, "picks": picks})
        pools = select_pools({p: stage_scores(counts, weights, p) for p in seats}, keep, preferences)
        if pools is not None:
            return ballots, pools
    raise RuntimeError("could not draw a clear recommendation stage")  # pragma: no cover
