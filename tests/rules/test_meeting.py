"""The election meeting: rules M1, M2, M3, M6, M7, M8, M9, M10 (and A3 for recall rounds)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from zhixuan.rules.ballots import (
    Attendance,
    Ballot,
    Mark,
    RoundSpec,
    Tally,
    WriteIn,
    tally_round,
    tally_totals,
)
from zhixuan.rules.meeting import (
    RoundOrderError,
    cascade,
    check_issued,
    check_quorum,
    check_scrutineers,
    check_tellers,
    close_with_empty_seats,
    decide_leave_empty,
    decide_round,
    supplementary_candidates,
)
from zhixuan.rules.settings import Settings, preset_settings

STANDARD = Settings()
THREE_ROUND = preset_settings("three-round")


def counted(
    spec: RoundSpec,
    votes: dict[str, int],
    present: int,
    *,
    invalid: int = 0,
    expected: int | None = None,
    write_ins: dict[str, int] | None = None,
) -> tuple[Tally, Attendance]:
    """A tally in which every valid ballot not marked for a candidate marks them against."""
    att = Attendance(expected=expected or present, present=present, issued=present, collected=present)
    valid = present - invalid
    for_ = {name: votes.get(name, 0) for name in spec.candidates}
    against = {name: valid - n for name, n in for_.items()}
    abstain = dict.fromkeys(spec.candidates, 0)
    t = tally_totals(spec, for_, against, abstain, valid, invalid, att, write_ins=write_ins)
    return t, att


def decide(spec, votes, present, settings=STANDARD, **kw):
    t, att = counted(spec, votes, present, **kw)
    return decide_round(spec, t, att, settings)


def by_subject(outcome, name):
    return next(d for d in outcome.decisions if d.subject == name)


# --- M1 quorum --------------------------------------------------------------------------------


def test_m1_strict_quorum_fails_at_exactly_four_fifths():
    decision = check_quorum(272, 340, STANDARD, "meeting")
    assert decision.code == "quorum_failed"
    assert decision.rule == "M1"
    assert decision.facts["minimum_present"] == 273
    assert decision.text() == (
        "实到会 272 人，未超过应到会 340 人的 4/5（272 人），不足法定人数（至少需 273 人），不能进行选举 (M1)"
    )


def test_m1_strict_quorum_met_above_four_fifths():
    assert check_quorum(273, 340, STANDARD, "meeting").code == "quorum_met"


def test_m1_non_strict_quorum_met_at_exactly_four_fifths():
    decision = check_quorum(272, 340, THREE_ROUND, "meeting")
    assert decision.code == "quorum_met"
    assert decision.text() == "实到会 272 人，不低于应到会 340 人的 4/5（272 人），符合法定人数，可以进行选举 (M1)"
    assert check_quorum(271, 340, THREE_ROUND, "meeting").code == "quorum_failed"


def test_m1_quorum_of_a_share_that_is_not_whole():
    # 4/5 of 341 is 272.8: 273 is both "more than" and "at least" it, 272 is neither.
    for settings in (STANDARD, THREE_ROUND):
        assert check_quorum(273, 341, settings, "r").code == "quorum_met"
        failed = check_quorum(272, 341, settings, "r")
        assert failed.code == "quorum_failed"
        assert failed.facts["required"] == Fraction(1364, 5)
        assert "272.8 人" in failed.zh


def test_m1_round_below_quorum_cannot_open():
    spec = RoundSpec("secretary", "secretary", 1, ("王煦", "李明"))
    t, _ = counted(spec, {"王煦": 200, "李明": 60}, 272)
    att = Attendance(expected=340, present=272, issued=272, collected=272)
    outcome = decide_round(spec, t, att, STANDARD)
    assert outcome.status == "no_quorum"
    assert outcome.winners == ()
    assert outcome.needs is not None and outcome.needs.kind == "quorum"
    assert "273" in outcome.needs.zh


# --- M2 scrutineers ---------------------------------------------------------------------------


def test_m2_candidate_of_any_round_cannot_be_scrutineer():
    decisions = check_scrutineers(
        ["周平", "李明", "外人", "周平"],
        meeting_candidates={"王煦", "李明"},
        members_with_rights={"周平", "李明"},
    )
    assert [d.code for d in decisions] == [
        "scrutineer_eligible",
        "scrutineer_is_candidate",
        "scrutineer_not_member",
        "scrutineer_duplicate",
    ]
    assert all(d.rule == "M2" for d in decisions)
    assert decisions[1].text() == "李明 是本次大会的候选人，不能担任监票人 (M2)"


def test_m2_candidate_of_any_round_cannot_be_teller():
    decisions = check_tellers(["周平", "李明", "周平"], meeting_candidates={"王煦", "李明"})
    assert [d.code for d in decisions] == ["teller_eligible", "teller_is_candidate", "teller_duplicate"]
    assert all(d.rule == "M2" for d in decisions)
    assert decisions[1].text() == "李明 是本次大会的候选人，不能担任计票人 (M2)"


# --- M6 ballots issued ------------------------------------------------------------------------


def test_m6_ballots_issued_equal_to_members_present_need_no_remark():
    assert check_issued(Attendance(expected=30, present=28, issued=28, collected=29), subject="secretary") is None


def test_m6_more_ballots_issued_than_members_present_is_reported():
    decision = check_issued(Attendance(expected=30, present=28, issued=29, collected=29), subject="secretary")
    assert decision is not None
    assert (decision.rule, decision.code, decision.subject) == ("M6", "issued_exceeds_present", "secretary")
    assert decision.facts == {"issued": 29, "present": 28}
    assert decision.zh.startswith("发出选票 29 张，多于实到会有选举权的党员 28 人")


def test_m6_fewer_ballots_issued_than_members_present_is_reported():
    decision = check_issued(Attendance(expected=30, present=28, issued=27, collected=27), subject="secretary")
    assert decision is not None
    assert (decision.rule, decision.code) == ("M6", "issued_below_present")
    assert "发出票数应等于实到会人数" in decision.zh


# --- M7 threshold -----------------------------------------------------------------------------

DEPUTY = RoundSpec("deputy", "deputy_secretary", 2, ("王煦", "李明", "张华"))


def test_m7_exactly_half_loses():
    outcome = decide(DEPUTY, {"王煦": 181, "李明": 170, "张华": 100}, 340)
    assert outcome.winners == ("王煦",)
    assert by_subject(outcome, "王煦").text() == "王煦 当选：赞成 181 > 实到会 340 的一半 (M7)"
    lost = by_subject(outcome, "李明")
    assert lost.text() == "李明 未当选：赞成 170 = 实到会 340 的一半，未过半数 (M7)"
    assert lost.code == "not_elected"
    assert lost.facts["half"] == 170


def test_m7_one_more_than_half_wins():
    outcome = decide(DEPUTY, {"王煦": 181, "李明": 171, "张华": 100}, 340)
    assert outcome.status == "complete"
    assert outcome.winners == ("王煦", "李明")


def test_m7_abstentions_and_invalid_ballots_count_against():
    # 165 of 300 valid is a majority of the valid ballots, but not of the 340 present.
    votes = {"王煦": 200, "李明": 165, "张华": 90}
    outcome = decide(DEPUTY, votes, 340, invalid=40)
    assert outcome.winners == ("王煦",)
    assert "< 实到会 340 的一半" in by_subject(outcome, "李明").zh


def test_m7_threshold_base_valid_ballots_setting():
    votes = {"王煦": 200, "李明": 165, "张华": 90}
    outcome = decide(DEPUTY, votes, 340, settings=Settings(threshold_base="valid_ballots"), invalid=40)
    assert outcome.winners == ("王煦", "李明")
    assert by_subject(outcome, "李明").text() == "李明 当选：赞成 165 > 有效票 300 的一半 (M7)"


def test_m7_threshold_base_expected_setting():
    outcome = decide(
        DEPUTY,
        {"王煦": 190, "李明": 175, "张华": 90},
        340,
        settings=Settings(threshold_base="expected"),
        expected=360,
    )
    assert outcome.winners == ("王煦",)
    assert by_subject(outcome, "李明").text() == "李明 未当选：赞成 175 < 应到会 360 的一半，未过半数 (M7)"


def test_m7_write_in_above_half_is_elected():
    spec = RoundSpec("member", "member", 2, ("王煦", "李明", "张华"))
    ballots = [
        (Ballot((Mark.FOR, Mark.AGAINST, Mark.AGAINST), (WriteIn("赵强", True),)), 6),
        (Ballot((Mark.FOR, Mark.FOR, Mark.AGAINST)), 4),
    ]
    att = Attendance(expected=10, present=10, issued=10, collected=10)
    t = tally_round(spec, ballots, att, STANDARD, {"赵强"})
    outcome = decide_round(spec, t, att, STANDARD)
    assert outcome.winners == ("王煦", "赵强")
    assert by_subject(outcome, "赵强").code == "elected"


# --- M8 ranking and ties ----------------------------------------------------------------------

FOUR = RoundSpec("deputy", "deputy_secretary", 2, ("王煦", "李明", "张华", "刘伟"))


def test_m8_more_qualifiers_than_seats_elects_by_for_votes():
    outcome = decide(FOUR, {"王煦": 200, "李明": 190, "张华": 180, "刘伟": 20}, 340)
    assert outcome.status == "complete"
    assert outcome.winners == ("王煦", "李明")
    outranked = by_subject(outcome, "张华")
    assert outranked.rule == "M8" and outranked.code == "not_elected"
    assert outranked.facts["rank"] == 3
    assert "应选 2 名已满" in outranked.zh


def test_m8_tie_at_the_last_seat_needs_a_revote_among_the_tied():
    outcome = decide(FOUR, {"王煦": 200, "李明": 190, "张华": 190, "刘伟": 20}, 340)
    assert outcome.status == "needs_revote"
    assert outcome.winners == ("王煦",)
    assert outcome.needs is not None
    assert outcome.needs.kind == "revote"
    assert outcome.needs.candidates == ("李明", "张华")
    assert outcome.needs.seats == 1
    assert {by_subject(outcome, n).code for n in ("李明", "张华")} == {"tied"}


def test_m8_tie_above_the_last_seat_is_no_tie():
    outcome = decide(FOUR, {"王煦": 190, "李明": 190, "张华": 180, "刘伟": 20}, 340)
    assert outcome.status == "complete"
    assert outcome.winners == ("王煦", "李明")
    assert by_subject(outcome, "王煦").facts["rank"] == by_subject(outcome, "李明").facts["rank"] == 1


def test_m8_revote_most_for_votes_wins():
    first = decide(FOUR, {"王煦": 200, "李明": 190, "张华": 190, "刘伟": 20}, 340)
    assert first.needs is not None
    revote = first.needs.round_spec("deputy-revote-1")
    assert revote.kind == "revote" and revote.candidates == ("李明", "张华") and revote.seats == 1
    outcome = decide(revote, {"李明": 150, "张华": 140}, 340)
    assert outcome.status == "complete"
    assert outcome.winners == ("李明",)
    assert by_subject(outcome, "李明").rule == "M8"


def test_m8_revote_repeats_while_the_tie_persists():
    revote = RoundSpec("deputy-revote-1", "deputy_secretary", 1, ("李明", "张华"), kind="revote")
    outcome = decide(revote, {"李明": 150, "张华": 150}, 340)
    assert outcome.status == "needs_revote"
    assert outcome.winners == ()
    assert outcome.needs is not None and outcome.needs.candidates == ("李明", "张华")


# --- M9 supplementary vote --------------------------------------------------------------------

COMMITTEE = RoundSpec("member", "member", 7, ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"))


def test_m9_supplementary_candidates_keep_the_round_ratio_rounded_up():
    votes = {
        "甲": 300,
        "乙": 290,
        "丙": 280,
        "丁": 270,
        "戊": 260,
        "己": 150,
        "庚": 140,
        "辛": 130,
        "壬": 120,
    }
    outcome = decide(COMMITTEE, votes, 340)
    assert outcome.status == "needs_supplementary"
    assert outcome.winners == ("甲", "乙", "丙", "丁", "戊")
    # 2 seats left x 9 candidates / 7 seats = 18/7 = 2.57, rounded up to 3.
    assert outcome.needs is not None
    assert outcome.needs.candidates == ("己", "庚", "辛")
    assert outcome.needs.seats == 2
    assert outcome.needs.rule == "M9"


def test_m9_supplementary_candidates_keep_everyone_tied_at_the_cut():
    votes = {
        "甲": 300,
        "乙": 290,
        "丙": 280,
        "丁": 270,
        "戊": 260,
        "己": 150,
        "庚": 140,
        "辛": 130,
        "壬": 130,
    }
    t, _ = counted(COMMITTEE, votes, 340)
    chosen = supplementary_candidates(COMMITTEE, t, ("甲", "乙", "丙", "丁", "戊"), 2)
    assert chosen == ("己", "庚", "辛", "壬")


def test_m9_supplementary_round_applies_the_threshold_again():
    supplementary = RoundSpec("member-supp-1", "member", 2, ("己", "庚", "辛"), kind="supplementary")
    outcome = decide(supplementary, {"己": 200, "庚": 170, "辛": 100}, 340)
    assert outcome.winners == ("己",)
    assert by_subject(outcome, "庚").text() == "庚 未当选：赞成 170 = 实到会 340 的一半，未过半数 (M7)"
    assert outcome.status == "needs_supplementary"
    assert outcome.needs is not None and outcome.needs.seats == 1


def test_m9_seats_stay_empty_only_by_a_recorded_majority_where_allowed():
    assert decide_leave_empty(300, 340, STANDARD).code == "empty_seats_not_allowed"
    allowed = Settings(allow_empty_seats=True)
    yes = decide_leave_empty(171, 340, allowed)
    assert yes.code == "seats_left_empty"
    assert yes.text() == "大会决定名额空缺：赞成 171 > 实到会 340 的一半 (M9)"
    assert decide_leave_empty(170, 340, allowed).code == "empty_seats_rejected"


def test_m9_round_closes_with_empty_seats_only_after_the_meeting_decides():
    supplementary = RoundSpec("member-supp-1", "member", 2, ("己", "庚", "辛"), kind="supplementary")
    allowed = Settings(allow_empty_seats=True)
    outcome = decide(supplementary, {"己": 200, "庚": 170, "辛": 100}, 340, settings=allowed)
    assert outcome.needs is not None and "决定该名额空缺" in outcome.needs.zh
    with pytest.raises(ValueError):
        close_with_empty_seats(outcome, decide_leave_empty(170, 340, allowed))
    closed = close_with_empty_seats(outcome, decide_leave_empty(200, 340, allowed))
    assert closed.status == "complete"
    assert closed.winners == ("己",)
    assert closed.decisions[-1].code == "seats_left_empty"


# --- M10 the system says what it needs --------------------------------------------------------


def test_m10_tie_says_exactly_what_is_needed_and_guesses_no_winner():
    outcome = decide(FOUR, {"王煦": 200, "李明": 190, "张华": 190, "刘伟": 20}, 340)
    assert "李明" not in outcome.winners and "张华" not in outcome.winners
    assert outcome.needs is not None
    assert outcome.needs.zh == "须在并列的 李明、张华 中重新投票，选出剩余的 1 名，得票多者当选"
    needs = next(d for d in outcome.decisions if d.code == "needs_revote")
    assert needs.facts["candidates"] == ("李明", "张华")


def test_m10_void_round_needs_a_rerun_with_the_same_candidates():
    spec = RoundSpec("secretary", "secretary", 1, ("王煦", "李明"))
    att = Attendance(expected=340, present=300, issued=300, collected=301)
    t = tally_round(spec, [(Ballot((Mark.FOR, Mark.AGAINST)), 301)], att, STANDARD, ())
    outcome = decide_round(spec, t, att, STANDARD)
    assert outcome.status == "void"
    assert outcome.winners == ()
    assert outcome.needs is not None and outcome.needs.kind == "rerun"
    assert outcome.needs.round_spec("secretary-2").candidates == ("王煦", "李明")
    assert {d.code for d in outcome.decisions} >= {"round_void", "needs_rerun"}


def test_m10_supplementary_without_candidates_asks_for_nominations():
    spec = RoundSpec("secretary", "secretary", 1, ("王煦",))
    outcome = decide(spec, {"王煦": 100}, 340)
    assert outcome.status == "needs_supplementary"
    assert outcome.needs is not None and outcome.needs.candidates == ("王煦",)
    t, _ = counted(spec, {"王煦": 100}, 340)
    assert supplementary_candidates(spec, t, ("王煦",), 1) == ()


# --- M3 cascade -------------------------------------------------------------------------------

SECRETARY = RoundSpec("secretary", "secretary", 1, ("王煦", "李明"))
DEPUTIES = RoundSpec("deputy", "deputy_secretary", 2, ("张华", "刘伟", "陈静"))
MEMBERS = RoundSpec("member", "member", 4, ("周一", "吴二", "郑三", "冯四", "褚五"))


def test_m3_loser_may_opt_in_and_winner_never_stands_again():
    secretary = decide(SECRETARY, {"王煦": 250, "李明": 90}, 340, settings=THREE_ROUND)
    assert secretary.winners == ("王煦",)
    candidates, decisions = cascade([secretary], {"李明", "王煦", "孙丽"}, DEPUTIES, THREE_ROUND)
    assert candidates == ("张华", "刘伟", "陈静", "李明")
    codes = {(d.subject, d.code) for d in decisions}
    assert ("李明", "cascade_joined") in codes
    assert ("王煦", "cascade_refused_winner") in codes
    assert ("王煦", "counted_as_member") in codes
    assert ("孙丽", "cascade_refused_not_loser") in codes
    assert all(d.rule == "M3" for d in decisions)


def test_m3_losers_of_two_rounds_may_reach_the_member_round():
    secretary = decide(SECRETARY, {"王煦": 250, "李明": 90}, 340, settings=THREE_ROUND)
    deputy_spec = RoundSpec("deputy", "deputy_secretary", 2, ("张华", "刘伟", "陈静", "李明"))
    deputies = decide(deputy_spec, {"张华": 250, "刘伟": 200, "陈静": 100, "李明": 120}, 340, settings=THREE_ROUND)
    assert deputies.winners == ("张华", "刘伟")
    listed = RoundSpec("member", "member", 4, ("周一", "吴二", "郑三", "冯四", "褚五", "张华"))
    candidates, decisions = cascade([secretary, deputies], {"李明", "陈静"}, listed, THREE_ROUND)
    assert candidates == ("周一", "吴二", "郑三", "冯四", "褚五", "李明", "陈静")
    removed = next(d for d in decisions if d.subject == "张华")
    assert removed.code == "counted_as_member" and removed.facts["removed_from_list"] is True


def test_m3_no_cascade_when_the_preset_forbids_it():
    standard = preset_settings("standard")
    secretary = decide(SECRETARY, {"王煦": 250, "李明": 90}, 340, settings=standard)
    candidates, decisions = cascade([secretary], {"李明"}, DEPUTIES, standard)
    assert candidates == DEPUTIES.candidates
    assert next(d for d in decisions if d.subject == "李明").code == "cascade_disabled"


def test_m3_next_round_waits_for_the_previous_round_to_end():
    tied = decide(FOUR, {"王煦": 200, "李明": 190, "张华": 190, "刘伟": 20}, 340)
    with pytest.raises(RoundOrderError):
        cascade([tied], {"刘伟"}, MEMBERS, STANDARD)


# --- A3 recall rounds -------------------------------------------------------------------------


def test_a3_recall_needs_more_than_half_of_expected():
    spec = RoundSpec("recall", "secretary", 1, ("王煦",), kind="recall")
    # 170 is more than half of the 330 present but only half of the 340 expected: not recalled.
    outcome = decide(spec, {"王煦": 170}, 330, expected=340)
    assert outcome.winners == ()
    assert by_subject(outcome, "王煦").text() == "王煦 未被罢免：赞成罢免 170 = 应到会 340 的一半，未过半数 (A3)"
    outcome = decide(spec, {"王煦": 171}, 340)
    assert outcome.winners == ("王煦",)
    assert by_subject(outcome, "王煦").code == "recalled"
