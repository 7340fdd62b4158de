"""Simulated voters: recommendation ballots (R1, R5) and members' decision ballots (M4-M8).

The generator counts its own ballots only to keep the story it writes consistent (who cascades,
who makes the commitment, that no tie or shortfall needs input it does not provide). The rules core
decides the real outcome when the file is run; these counts merely steer the simulation away from
cases the file would leave open.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Ballot = dict[str, Any]


def weighted_sample(rng: random.Random, weights: Mapping[str, float], k: int) -> list[str]:
    """``k`` distinct keys drawn with probability proportional to weight (Efraimidis-Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), key) for key, w in weights.items() if w > 0), reverse=True)
    return [key for _, key in keyed[:k]]


def weighted_picks(rng: random.Random, keys: Sequence[str], cum_weights: Sequence[float], k: int) -> list[str]:
    """Like :func:`weighted_sample` for a few picks from many keys, with cumulative weights computed once.

    Draws with replacement and skips repeats, which yields the same distribution as drawing without.
    """
    picked: list[str] = []
    while len(picked) < k:
        key = rng.choices(keys, cum_weights=cum_weights)[0]
        if key not in picked:
            picked.append(key)
    return picked


# --- recommendation stages (R1, R3, R5) -----------------------------------------------------------


def recommendation_ballot(
    rng: random.Random,
    popularity: Mapping[str, Mapping[str, float]],
    seats: Mapping[str, int],
    *,
    over_pick_rate: float = 0.01,
) -> dict[str, list[str]]:
    """One recommender's picks per position: up to the seats, rarely one too many (invalid there, R5).

    Every ballot picks at least one nominee per position, so "valid for the position" is the same
    whether or not a ballot that skips a position counts as valid for it.
    """
    picks: dict[str, list[str]] = {}
    for position, weights in popularity.items():
        limit = seats[position]
        k = limit if rng.random() < 0.85 else rng.randint(1, limit)
        if rng.random() < over_pick_rate and len(weights) > limit:
            k = limit + 1
        picks[position] = weighted_sample(rng, weights, min(k, len(weights)))
    return picks


@dataclass
class GroupCount:
    """One group's valid ballots and for-counts per position."""

    valid: Counter[str]
    votes: dict[str, Counter[str]]

    @classmethod
    def empty(cls) -> GroupCount:
        return cls(Counter(), {})

    def add(self, picks: Mapping[str, Sequence[str]], seats: Mapping[str, int], count: int = 1) -> None:
        for position, chosen in picks.items():
            if len(chosen) > seats[position]:
                continue  # R5: invalid for this position only
            self.valid[position] += count
            tally = self.votes.setdefault(position, Counter())
            for nominee in chosen:
                tally[nominee] += count


def stage_scores(
    counts: Mapping[str, GroupCount], weights: Mapping[str, Fraction], position: str
) -> dict[str, Fraction]:
    """R1: S(c) = sum over groups of w_g * for_g(c) / valid_g(p), exactly."""
    scores: dict[str, Fraction] = {}
    for group, count in counts.items():
        valid = count.valid[position]
        if not valid:
            continue
        for nominee, votes in count.votes.get(position, Counter()).items():
            scores[nominee] = scores.get(nominee, Fraction(0)) + weights[group] * Fraction(votes, valid)
    return scores


def clear_top(scores: Mapping[str, Fraction], keep: int) -> list[str] | None:
    """The top ``keep`` by score, or None when a tie straddles the cut-off (R3 would keep both)."""
    ranked = sorted(scores, key=lambda c: scores[c], reverse=True)
    if len(ranked) > keep and scores[ranked[keep - 1]] == scores[ranked[keep]]:
        return None
    return ranked[:keep]


# --- members' decision rounds (M4-M8) -------------------------------------------------------------


@dataclass(frozen=True)
class BallotStyle:
    """How often voters do the unusual things the rules must handle."""

    blank: float = 0.01  # M5: valid, all abstain
    over_vote: float = 0.005  # M5: more for-marks than seats, invalid as a whole
    unclear: float = 0.01  # M5: one unreadable mark, counts as abstain
    write_in: float = 0.006  # M4: against a candidate, for someone else
    partial: float = 0.15  # fewer for-marks than seats
    against: float = 0.55  # chance an unfavoured candidate gets an explicit against


def meeting_ballots(
    rng: random.Random,
    strengths: Mapping[str, float],
    seats: int,
    voters: int,
    write_in_pool: Sequence[str],
    style: BallotStyle = BallotStyle(),
) -> list[Ballot]:
    """Individual ballots of ``voters`` members with noisy preferences over the candidates."""
    candidates = list(strengths)
    ballots: list[Ballot] = []
    for _ in range(voters):
        roll = rng.random()
        if roll < style.blank:
            ballots.append({})
            continue
        ranked = sorted(candidates, key=lambda c: strengths[c] + rng.gauss(0.0, 1.0), reverse=True)
        k = min(seats, len(ranked))
        if rng.random() < style.partial:
            k = rng.randint(0, k)
        over = roll < style.blank + style.over_vote and len(ranked) > seats
        if over:
            k = seats + 1
        ballot: Ballot = {"for": ranked[:k]} if k else {}
        against = [c for c in ranked[k:] if rng.random() < style.against]
        if against:
            ballot["against"] = against
        if not over and against and write_in_pool and k < seats and rng.random() < style.write_in * 10:
            # Only beside an against mark, with a for mark, within the seats (M4, M5).
            ballot["write_ins"] = [{"name": rng.choice(write_in_pool), "for": True}]
        if not over and rng.random() < style.unclear and ranked:
            unclear = rng.choice(ranked)
            for key in ("for", "against"):
                if unclear in ballot.get(key, ()):
                    ballot[key] = [c for c in ballot[key] if c != unclear]
                    if not ballot[key]:
                        del ballot[key]
            ballot["unclear"] = [unclear]
        ballots.append(ballot)
    return ballots


def for_votes(ballots: Sequence[Ballot], seats: int) -> Counter[str]:
    """For-votes per candidate over the valid ballots (M5: too many for-marks voids a ballot)."""
    tally: Counter[str] = Counter()
    for ballot in ballots:
        marks = list(ballot.get("for", ()))
        write_ins = [w["name"] for w in ballot.get("write_ins", ()) if w["for"]]
        if len(marks) + len(write_ins) > seats:
            continue
        tally.update(marks)
    return tally


def clear_winners(tally: Mapping[str, int], candidates: Sequence[str], seats: int, present: int) -> list[str] | None:
    """Winners when the round is decisive with a margin: exactly enough candidates well over half (M7)
    and no tie at the last seat (M8); otherwise None, and the caller draws the round again."""
    ranked = sorted(candidates, key=lambda c: tally[c], reverse=True)
    winners = ranked[:seats]
    if len(winners) < seats or any(2 * tally[c] <= present + 4 for c in winners):
        return None
    if len(ranked) > seats and tally[ranked[seats]] >= tally[ranked[seats - 1]] - 1:
        return None
    return winners


def decisive_round(
    rng: random.Random,
    strengths: Mapping[str, float],
    seats: int,
    voters: int,
    present: int,
    write_in_pool: Sequence[str],
) -> tuple[list[Ballot], list[str]]:
    """Draw ballots until the round elects ``seats`` candidates without a tie or shortfall.

    If the electorate is too divided, its consensus is sharpened step by step (deterministically),
    as campaigns do between the recommendation meeting and the vote.
    """
    scaled = dict(strengths)
    for attempt in range(200):
        ballots = meeting_ballots(rng, scaled, seats, voters, write_in_pool)
        winners = clear_winners(for_votes(ballots, seats), list(scaled), seats, present)
        if winners is not None:
            return ballots, winners
        if attempt % 4 == 3:
            scaled = {c: s * 1.25 + (0.3 if c in _leaders(scaled, seats) else 0.0) for c, s in scaled.items()}
    raise RuntimeError("could not draw a decisive round")  # pragma: no cover - strengths always separate


def _leaders(strengths: Mapping[str, float], seats: int) -> set[str]:
    return set(sorted(strengths, key=lambda c: strengths[c], reverse=True)[:seats])
