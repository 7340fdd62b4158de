"""The members' meeting of a synthetic election: top-down rounds with cascades (M3) and the lot (L1)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhixuan.synth.voting import decisive_round


@dataclass(frozen=True)
class Seat:
    position: str
    seats: int


@dataclass
class MeetingResult:
    rounds: list[dict[str, Any]]
    winners: dict[str, list[str]]
    opt_ins: dict[str, list[str]] = field(default_factory=dict)


def lot(rng: random.Random, label: str) -> dict[str, str]:
    """An L1 draw's inputs: a 256-bit secret (committed before the draw) and dice read out in public."""
    dice = ",".join(str(rng.randint(1, 6)) for _ in range(6))
    return {"secret": f"{rng.getrandbits(256):064x}", "entropy": dice, "label": label}


def top_down_rounds(
    rng: random.Random,
    order: Sequence[Seat],
    formal: Mapping[str, Sequence[str]],
    strengths: Mapping[str, float],
    present: Sequence[str],
    write_in_pool: Sequence[str],
    *,
    opt_in_share: float = 0.8,
    leave_share: float = 0.004,
    unreturned_share: float = 0.2,
) -> MeetingResult:
    """Secretary → deputies → members: each round's losers may opt in to the next (M3).

    Attendance shrinks a little between rounds (a few members leave); now and then one ballot is not
    handed back, so collected < issued, which keeps the round valid (M6).
    """
    rounds: list[dict[str, Any]] = []
    winners: dict[str, list[str]] = {}
    opt_ins: dict[str, list[str]] = {}
    carried: list[str] = []
    attendees = list(present)
    for i, seat in enumerate(order):
        candidates = [*formal[seat.position], *carried]
        voters = len(attendees) - (1 if rng.random() < unreturned_share else 0)
        ballots, elected = decisive_round(
            rng, {c: strengths[c] for c in candidates}, seat.seats, voters, len(attendees), write_in_pool
        )
        rnd: dict[str, Any] = {"id": f"r{i + 1}-{seat.position}", "position": seat.position}
        rnd["present"] = sorted(attendees)
        if voters < len(attendees):
            rnd["issued"] = len(attendees)
        rnd["ballots"] = ballots
        winners[seat.position] = elected
        last = i == len(order) - 1
        losers = [c for c in candidates if c not in elected]
        carried = [] if last else [c for c in losers if rng.random() < opt_in_share]
        if carried:
            rnd["opt_ins"] = carried
            opt_ins[seat.position] = carried
        rounds.append(rnd)
        attendees = [m for m in attendees if rng.random() >= leave_share]
    return MeetingResult(rounds, winners, opt_ins)
