"""Ballot reading and tallying: rules M4, M5, M6."""

from __future__ import annotations

import pytest

from zhixuan.rules.ballots import (
    Attendance,
    Ballot,
    Mark,
    RoundSpec,
    TallyError,
    WriteIn,
    read_ballot,
    tally_round,
    tally_totals,
)
from zhixuan.rules.settings import Settings

F, A, X, U = Mark.FOR, Mark.AGAINST, Mark.ABSTAIN, Mark.UNCLEAR
SPEC = RoundSpec(key="deputy", position="deputy_secretary", seats=2, candidates=("王煦", "李明", "张华"))


def attendance(n: int, *, issued: int | None = None, expected: int | None = None) -> Attendance:
    issued = n if issued is None else issued
    return Attendance(expected=expected or issued, present=issued, issued=issued, collected=n)


DEFAULTS = Settings()


def tally(entries, settings=DEFAULTS, eligible=("赵强",), spec=SPEC, issued=None):
    entries = list(entries)
    collected = sum(e[1] for e in entries)
    return tally_round(spec, entries, attendance(collected, issued=issued), settings, eligible)


def codes(t) -> list[str]:
    return [d.code for d in t.decisions]


# --- M4 write-ins ----------------------------------------------------------------------------


def test_m4_write_in_counts_beside_an_against_mark_with_for():
    ballot = Ballot((F, A, X), (WriteIn("赵强", marked_for=True),))
    t = tally([(ballot, 3)])
    assert t.write_ins == {"赵强": 3}
    assert t.valid == 3
    assert t.counts["李明"].against == 3


def test_m4_write_in_without_any_against_mark_is_ignored():
    ballot = Ballot((F, X, X), (WriteIn("赵强", marked_for=True),))
    t = tally([(ballot, 2, "ballots[5]")])
    assert t.write_ins == {}
    assert t.valid == 2
    ignored = next(d for d in t.decisions if d.code == "write_in_without_against")
    assert ignored.rule == "M4"
    assert ignored.facts["count"] == 2
    assert ignored.facts["labels"] == ("ballots[5]",)


def test_m4_write_in_for_votes_add_up_per_name():
    ballots = [
        (Ballot((A, A, X), (WriteIn("赵强", True),)), 4),
        (Ballot((A, X, X), (WriteIn("赵强", True),)), 1),
    ]
    t = tally(ballots)
    assert t.votes_for("赵强") == 5
    assert t.votes_for("nobody") == 0


# --- M5 validity -----------------------------------------------------------------------------


def test_m5_over_vote_invalidates_the_whole_ballot_and_names_it():
    over = Ballot((F, F, F))
    good = Ballot((F, A, X))
    t = tally([(good, 1, "ballots[0]"), (over, 1, "ballots[37]"), (over, 1, "ballots[40]"), (good, 2)])
    assert (t.valid, t.invalid) == (3, 2)
    assert t.invalid_by_reason == {"over_vote": 2}
    assert t.invalid_labels == {"over_vote": ("ballots[37]", "ballots[40]")}
    # The invalid ballots count for nobody.
    assert t.counts["张华"].for_ == 0
    decision = next(d for d in t.decisions if d.code == "invalid_over_vote")
    assert decision.rule == "M5"
    assert decision.text() == "2 张选票无效：赞成人数（含另选他人）超过应选 2 名（ballots[37]、ballots[40]） (M5)"


def test_m5_write_in_for_counts_toward_the_seats():
    ballot = Ballot((F, F, A), (WriteIn("赵强", True),))
    t = tally([(ballot, 1)])
    assert t.invalid_by_reason == {"over_vote": 1}
    assert t.write_ins == {}


def test_m5_exactly_seats_for_marks_is_valid():
    t = tally([(Ballot((F, F, A)), 1)])
    assert (t.valid, t.invalid) == (1, 0)
    assert t.counts["王煦"].for_ == 1


def test_m5_blank_ballot_is_valid_and_abstains_for_everyone():
    t = tally([(Ballot((X, X, X)), 4)])
    assert (t.valid, t.invalid) == (4, 0)
    assert all(c.abstain == 4 and c.for_ == 0 for c in t.counts.values())
    assert "blank_valid" in codes(t)


def test_m5_unclear_mark_reads_as_abstain_by_default():
    t = tally([(Ballot((F, U, A)), 2)])
    assert (t.valid, t.invalid) == (2, 0)
    assert t.counts["李明"].abstain == 2
    assert t.counts["王煦"].for_ == 2
    assert next(d for d in t.decisions if d.code == "unclear_as_abstain").facts["count"] == 2


def test_m5_unclear_mark_voids_the_ballot_when_the_preset_says_so():
    settings = Settings(unclear_mark="invalid_ballot")
    t = tally([(Ballot((F, U, A)), 2, "ballots[9]"), (Ballot((F, X, A)), 1)], settings=settings)
    assert (t.valid, t.invalid) == (1, 2)
    assert t.invalid_by_reason == {"unclear_mark": 2}
    assert t.invalid_labels["unclear_mark"] == ("ballots[9]",)
    assert t.counts["王煦"].for_ == 1


def test_m5_write_in_without_for_mark_is_ignored():
    ballot = Ballot((A, F, X), (WriteIn("赵强", marked_for=False),))
    t = tally([(ballot, 1)])
    assert t.write_ins == {}
    assert t.valid == 1
    assert next(d for d in t.decisions if d.code == "write_in_without_for").rule == "M5"


def test_m5_ineligible_write_in_is_ignored_and_the_rest_counts():
    ballot = Ballot((A, F, X), (WriteIn("钱某", True),))
    t = tally([(ballot, 3)], eligible=("赵强",))
    assert t.write_ins == {}
    assert t.valid == 3
    assert t.counts["李明"].for_ == 3
    decision = next(d for d in t.decisions if d.code == "write_in_ineligible")
    assert decision.subject == "钱某"
    assert decision.facts["count"] == 3


def test_m5_ignored_write_in_does_not_push_a_ballot_over_the_seats():
    ballot = Ballot((F, F, A), (WriteIn("钱某", True),))
    t = tally([(ballot, 1)], eligible=())
    assert (t.valid, t.invalid) == (1, 0)


def test_m5_write_in_naming_a_candidate_or_repeated_counts_once_at_most():
    ballot = Ballot((A, X, X), (WriteIn("王煦", True), WriteIn("赵强", True), WriteIn("赵强", True)))
    t = tally([(ballot, 1)])
    assert t.write_ins == {"赵强": 1}
    assert t.counts["王煦"].for_ == 0
    assert {"write_in_is_candidate", "write_in_duplicate"} <= set(codes(t))


def test_m5_revote_round_takes_no_write_ins():
    revote = RoundSpec("deputy-revote", "deputy_secretary", 1, ("李明", "张华"), kind="revote")
    t = tally([(Ballot((A, F), (WriteIn("赵强", True),)), 1)], spec=revote)
    assert t.write_ins == {}
    assert t.valid == 1


def test_m5_read_ballot_reports_each_part():
    reading = read_ballot(Ballot((F, U, A), (WriteIn("赵强", True),)), SPEC, Settings(), {"赵强"})
    assert reading.valid
    assert reading.marks == (F, X, A)
    assert reading.write_ins_for == ("赵强",)
    assert reading.for_marks == 2


def test_ballot_with_wrong_number_of_marks_is_refused():
    with pytest.raises(ValueError, match="2 marks for 3 candidates"):
        tally([(Ballot((F, A)), 1)])


def test_grouped_ballots_count_the_same_as_individual_ones():
    b1, b2 = Ballot((F, A, X)), Ballot((X, F, F))
    individual = tally([(b1, 1), (b2, 1), (b1, 1), (b1, 1)])
    grouped = tally([(b1, 3), (b2, 1)])
    assert individual.counts == grouped.counts
    assert (individual.valid, individual.invalid) == (grouped.valid, grouped.invalid) == (4, 0)


# --- M6 round validity -----------------------------------------------------------------------


def test_m6_more_collected_than_issued_voids_the_round():
    t = tally([(Ballot((F, A, X)), 11)], issued=10)
    assert t.void
    void = next(d for d in t.decisions if d.code == "round_void")
    assert void.rule == "M6"
    assert void.facts["collected"] == 11 and void.facts["issued"] == 10
    assert void.text() == "收回选票 11 张 > 发出选票 10 张，本轮选举无效，须重新投票 (M6)"


def test_m6_fewer_collected_than_issued_is_valid_and_adds_up():
    t = tally([(Ballot((F, A, X)), 8), (Ballot((F, F, F)), 1)], issued=10)
    assert not t.void
    assert t.valid + t.invalid == t.collected == 9
    assert t.collected <= t.issued
    assert t.decisions[0].code == "round_valid"


def test_m6_ballots_that_do_not_add_up_to_collected_are_refused():
    with pytest.raises(TallyError) as error:
        tally_round(SPEC, [(Ballot((F, A, X)), 5)], attendance(6), Settings(), ())
    assert error.value.decision.rule == "M6"
    assert error.value.decision.code == "count_mismatch"
    assert error.value.decision.facts["counted"] == 5


# --- tallies entered from paper --------------------------------------------------------------


def paper(for_, against, abstain, valid, invalid, **kw):
    return tally_totals(SPEC, for_, against, abstain, valid, invalid, attendance(valid + invalid), **kw)


def test_m6_paper_totals_that_add_up_make_a_tally():
    t = paper(
        {"王煦": 6, "李明": 3, "张华": 1},
        {"王煦": 1, "李明": 4, "张华": 5},
        {"王煦": 1, "李明": 1, "张华": 2},
        8,
        2,
        invalid_by_reason={"over_vote": 2},
    )
    assert t.votes_for("王煦") == 6
    assert t.valid + t.invalid == t.collected == 10
    assert "invalid_over_vote" in codes(t)


def test_m6_paper_candidate_totals_must_add_up_to_valid():
    with pytest.raises(TallyError) as error:
        paper(
            {"王煦": 6, "李明": 3, "张华": 1},
            {"王煦": 1, "李明": 4, "张华": 5},
            {"王煦": 0, "李明": 1, "张华": 2},
            8,
            0,
        )
    decision = error.value.decision
    assert decision.code == "candidate_count_mismatch"
    assert decision.subject == "王煦"
    assert decision.facts["sum"] == 7 and decision.facts["valid"] == 8


def test_m6_paper_valid_plus_invalid_must_equal_collected():
    spec_att = Attendance(expected=10, present=10, issued=10, collected=10)
    with pytest.raises(TallyError) as error:
        tally_totals(
            SPEC,
            {n: 1 for n in SPEC.candidates},
            {n: 0 for n in SPEC.candidates},
            {n: 0 for n in SPEC.candidates},
            1,
            8,
            spec_att,
        )
    assert error.value.decision.code == "count_mismatch"


def test_m5_paper_for_total_beyond_what_valid_ballots_hold_is_refused():
    with pytest.raises(TallyError) as error:
        paper(
            {"王煦": 2, "李明": 2, "张华": 1},
            {n: 0 for n in SPEC.candidates},
            {"王煦": 0, "李明": 0, "张华": 1},
            2,
            0,
        )
    assert error.value.decision.code == "for_total_too_large"
    assert error.value.decision.facts["for_total"] == 5


def test_m6_paper_reasons_must_add_up_to_invalid():
    zeros = {n: 0 for n in SPEC.candidates}
    with pytest.raises(TallyError) as error:
        paper(zeros, zeros, zeros, 0, 3, invalid_by_reason={"over_vote": 2})
    assert error.value.decision.code == "invalid_reasons_mismatch"


def test_paper_totals_must_name_the_round_candidates():
    with pytest.raises(ValueError, match="missing"):
        paper({"王煦": 1}, {"王煦": 0}, {"王煦": 0}, 1, 0)
