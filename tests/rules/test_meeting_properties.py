"""Invariants of the meeting rules over random rounds (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhixuan.rules.ballots import Attendance, Ballot, Mark, RoundSpec, WriteIn, tally_round
from zhixuan.rules.meeting import RoundOrderError, cascade, decide_round
from zhixuan.rules.settings import Settings

NAMES = ("王煦", "李明", "张华", "刘伟", "陈静", "杨帆")
WRITE_IN_NAMES = ("赵强", "钱某")


@st.composite
def rounds(draw, kind: str = "regular"):
    """A round with random ballots (each with a multiplicity), attendance and settings."""
    n = draw(st.integers(1, 5))
    candidates = NAMES[:n]
    seats = draw(st.integers(1, n))
    spec = RoundSpec("r", "member", seats, candidates, kind=kind)
    write_in = st.builds(WriteIn, st.sampled_from(WRITE_IN_NAMES), st.booleans())
    ballot = st.builds(
        Ballot,
        st.tuples(*[st.sampled_from(list(Mark))] * n),
        st.lists(write_in, max_size=2).map(tuple),
    )
    entries = draw(st.lists(st.tuples(ballot, st.integers(0, 6)), max_size=12))
    collected = sum(m for _b, m in entries)
    present = collected + draw(st.integers(0, 4))  # some ballots may not come back
    expected = present + draw(st.integers(0, 3))
    attendance = Attendance(expected=expected, present=present, issued=present, collected=collected)
    rules = Settings(
        unclear_mark=draw(st.sampled_from(["abstain", "invalid_ballot"])),
        threshold_base=draw(st.sampled_from(["present", "expected", "valid_ballots"])),
        quorum_strict=draw(st.booleans()),
    )
    eligible = draw(st.sets(st.sampled_from(WRITE_IN_NAMES)))
    return spec, entries, attendance, rules, eligible


@given(rounds())
def test_valid_plus_invalid_equals_collected_at_most_issued(case):
    spec, entries, attendance, rules, eligible = case
    tally = tally_round(spec, entries, attendance, rules, eligible)
    assert not tally.void
    assert tally.valid + tally.invalid == tally.collected <= tally.issued
    assert sum(tally.invalid_by_reason.values()) == tally.invalid
    for count in tally.counts.values():
        assert count.for_ + count.against + count.abstain == tally.valid
    # A valid ballot holds at most `seats` for-marks, write-ins included (M5).
    for_total = sum(c.for_ for c in tally.counts.values()) + sum(tally.write_ins.values())
    assert for_total <= tally.valid * spec.seats


@given(rounds())
def test_grouping_identical_ballots_changes_no_count(case):
    spec, entries, attendance, rules, eligible = case
    one_by_one = [(ballot, 1) for ballot, m in entries for _ in range(m)]
    grouped = tally_round(spec, entries, attendance, rules, eligible)
    single = tally_round(spec, one_by_one, attendance, rules, eligible)
    assert grouped.counts == single.counts
    assert grouped.write_ins == single.write_ins
    assert grouped.invalid_by_reason == single.invalid_by_reason


def _base(attendance: Attendance, valid: int, rules: Settings) -> int:
    return {"present": attendance.present, "expected": attendance.expected, "valid_ballots": valid}[
        rules.threshold_base
    ]


@given(rounds())
def test_winners_fit_the_seats_and_all_have_more_than_half(case):
    spec, entries, attendance, rules, eligible = case
    tally = tally_round(spec, entries, attendance, rules, eligible)
    outcome = decide_round(spec, tally, attendance, rules)
    assert len(outcome.winners) <= spec.seats
    assert len(set(outcome.winners)) == len(outcome.winners)
    base = _base(attendance, tally.valid, rules)
    for name in outcome.winners:
        assert 2 * tally.votes_for(name) > base  # nobody elected at or under half (M7)
    for name in spec.candidates:
        if 2 * tally.votes_for(name) <= base:
            assert name not in outcome.winners
    # Winners are listed by descending for-votes.
    votes = [tally.votes_for(n) for n in outcome.winners]
    assert votes == sorted(votes, reverse=True)


@given(rounds())
def test_no_tie_is_settled_by_list_order(case):
    spec, entries, attendance, rules, eligible = case
    tally = tally_round(spec, entries, attendance, rules, eligible)
    outcome = decide_round(spec, tally, attendance, rules)
    if outcome.status not in ("complete", "needs_revote", "needs_supplementary"):
        assert outcome.winners == ()
        return
    lowest = min((tally.votes_for(n) for n in outcome.winners), default=None)
    base = _base(attendance, tally.valid, rules)
    tied = outcome.needs.candidates if outcome.needs and outcome.needs.kind == "revote" else ()
    # The tied share one vote count, above half, and no more than the lowest winner.
    assert len({tally.votes_for(n) for n in tied}) <= 1
    for name in tied:
        assert 2 * tally.votes_for(name) > base
        assert lowest is None or tally.votes_for(name) <= lowest
    losers = [n for n in (*spec.candidates, *tally.write_ins) if n not in outcome.winners]
    for name in losers:
        if 2 * tally.votes_for(name) > base:
            # A qualifier left out has fewer votes than every winner, or is in the re-vote.
            assert name in tied or (lowest is not None and tally.votes_for(name) < lowest)


@given(rounds(kind="revote"))
def test_revote_elects_at_most_the_seats_and_never_breaks_a_tie(case):
    spec, entries, attendance, rules, eligible = case
    tally = tally_round(spec, entries, attendance, rules, eligible)
    outcome = decide_round(spec, tally, attendance, rules)
    assert len(outcome.winners) <= spec.seats
    if outcome.status == "complete":
        assert len(outcome.winners) == spec.seats
        lowest = min(tally.votes_for(n) for n in outcome.winners)
        assert all(tally.votes_for(n) < lowest for n in spec.candidates if n not in outcome.winners)


@given(rounds(), st.sets(st.sampled_from((*NAMES, "孙丽"))), st.booleans())
def test_no_winner_of_a_round_cascades_into_a_later_one(case, opt_ins, allow):
    spec, entries, attendance, rules, eligible = case
    rules = Settings(cascade=allow, threshold_base=rules.threshold_base)
    tally = tally_round(spec, entries, attendance, rules, eligible)
    outcome = decide_round(spec, tally, attendance, rules)
    next_spec = RoundSpec("next", "deputy_secretary", 1, ("孙丽", *spec.candidates[:1]))
    if outcome.status != "complete":
        # M3: the next ballot is final only once this round has ended.
        with pytest.raises(RoundOrderError):
            cascade([outcome], opt_ins, next_spec, rules)
        return
    candidates, _decisions = cascade([outcome], opt_ins, next_spec, rules)
    assert not set(candidates) & set(outcome.winners)
    assert len(set(candidates)) == len(candidates)
    joined = set(candidates) - set(next_spec.candidates)
    assert joined <= set(spec.candidates) - set(outcome.winners)
    if not allow:
        assert not joined


@settings(max_examples=50)
@given(rounds())
def test_more_ballots_collected_than_issued_is_always_void(case):
    spec, entries, attendance, rules, eligible = case
    if attendance.collected == 0:
        return
    short = Attendance(
        expected=attendance.expected,
        present=attendance.collected - 1,
        issued=attendance.collected - 1,
        collected=attendance.collected,
    )
    tally = tally_round(spec, entries, short, rules, eligible)
    assert tally.void
    outcome = decide_round(spec, tally, short, rules)
    assert outcome.winners == ()
    assert outcome.status in ("void", "no_quorum")
