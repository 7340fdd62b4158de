"""Time ``tally_round`` on a large seeded round of 9-candidate ballots (one core).

Run: .venv/bin/python benchmarks/bench_tally.py [--ballots N] [--seed S] [--labelled] [--uniform]

The ballots imitate a committee round (9 candidates, 7 seats): most voters mark some candidates
for and some against, a few over-vote, leave marks unreadable, write in a name or hand in a blank
ballot. ``--uniform`` draws every mark uniformly instead (the worst case: about 256,000 distinct
ballots in a million, each read separately). Every ballot is passed to ``tally_round``
individually (multiplicity 1); grouping identical ballots happens inside the tally and is exact.
Generation is not timed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence

from zhixuan.rules.ballots import Attendance, Ballot, BallotEntry, Mark, RoundSpec, WriteIn, tally_round
from zhixuan.rules.meeting import decide_round
from zhixuan.rules.settings import Settings

CANDIDATES = ("丁一", "王二", "石三", "叶四", "田五", "刘六", "孙七", "李八", "张九")
SEATS = 7
WRITE_INS = ("赵十", "钱十一")
# Each candidate's popularity: the chance a voter marks them for rather than against/abstain.
POPULARITY = (0.80, 0.74, 0.70, 0.66, 0.62, 0.58, 0.55, 0.40, 0.35)


def make_ballots(count: int, seed: int, uniform: bool = False) -> list[Ballot]:
    """``count`` ballots from a seeded generator; the same seed gives the same ballots."""
    rng = random.Random(seed)
    if uniform:
        marks_all = list(Mark)
        return [Ballot(tuple(rng.choice(marks_all) for _ in CANDIDATES)) for _ in range(count)]
    ballots: list[Ballot] = []
    for_mark, against, abstain, unclear = Mark.FOR, Mark.AGAINST, Mark.ABSTAIN, Mark.UNCLEAR
    for _ in range(count):
        roll = rng.random()
        if roll < 0.01:
            ballots.append(Ballot(tuple(abstain for _ in CANDIDATES)))  # blank
            continue
        marks = []
        for share in POPULARITY:
            r = rng.random()
            marks.append(for_mark if r < share else against if r < share + 0.25 else abstain)
        if roll < 0.03:
            marks[rng.randrange(len(marks))] = unclear
        write_ins: tuple[WriteIn, ...] = ()
        if 0.03 <= roll < 0.05:
            write_ins = (WriteIn(rng.choice(WRITE_INS), marked_for=rng.random() < 0.9),)
        ballots.append(Ballot(tuple(marks), write_ins))
    return ballots


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000, help="ballots (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20240601, help="generator seed")
    parser.add_argument("--labelled", action="store_true", help="pass a label per ballot (ballots[i])")
    parser.add_argument("--uniform", action="store_true", help="uniform random marks (worst case)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    ballots = make_ballots(args.ballots, args.seed, args.uniform)
    generated = time.perf_counter() - started
    entries: list[BallotEntry]
    if args.labelled:
        entries = [(ballot, 1, f"ballots[{i}]") for i, ballot in enumerate(ballots)]
    else:
        entries = [(ballot, 1) for ballot in ballots]

    spec = RoundSpec(key="committee", position="member", seats=SEATS, candidates=CANDIDATES)
    n = len(ballots)
    attendance = Attendance(expected=n + n // 10, present=n, issued=n, collected=n)
    settings = Settings()

    started = time.perf_counter()
    tally = tally_round(spec, entries, attendance, settings, eligible_write_ins=WRITE_INS[:1])
    tallied = time.perf_counter() - started
    outcome = decide_round(spec, tally, attendance, settings)

    command = " ".join([".venv/bin/python", "benchmarks/bench_tally.py", *(argv or sys.argv[1:])])
    print(f"command: {command}")
    print(f"ballots: {n:,} ({len(CANDIDATES)} candidates, {SEATS} seats, seed {args.seed})")
    print(f"generated in {generated:.2f} s (not timed); distinct ballots: {len(set(ballots)):,}")
    print(f"tally_round: {tallied:.3f} s ({n / tallied:,.0f} ballots/s), target < 5 s")
    print(f"valid {tally.valid:,}  invalid {tally.invalid:,}  by reason {dict(tally.invalid_by_reason)}")
    assert tally.valid + tally.invalid == tally.collected == n
    for name in CANDIDATES:
        c = tally.counts[name]
        print(f"  {name}: for {c.for_:,}  against {c.against:,}  abstain {c.abstain:,}")
    print(f"write-ins counted: {dict(tally.write_ins)}")
    print(f"outcome: {outcome.status}, winners {', '.join(outcome.winners)}")
    return 0 if tallied < 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
