"""P1–P4: voting rights, expected attendance, ballot writers, public reps."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.people import (
    Excusal,
    ExcusalReason,
    Member,
    MemberStatus,
    check_ballot_writer,
    check_public_reps,
    expected_attendance,
    voting_rights,
)
from zhixuan.rules.settings import Settings, preset_settings


def full(i: int, migrant: bool = False, excusal: Excusal | None = None) -> Member:
    return Member(f"m{i}", f"党员{i}", MemberStatus.FULL, migrant, excusal)


def test_p1_full_member_has_voting_rights() -> None:
    d = voting_rights(Member("m1", "王煦", MemberStatus.FULL))
    assert (d.rule, d.code) == ("P1", "has_rights")
    assert "王煦" in d.zh


@pytest.mark.parametrize(
    ("status", "zh"),
    [
        (MemberStatus.PROBATIONARY, "预备党员"),
        (MemberStatus.ON_PROBATION, "留党察看"),
        (MemberStatus.RIGHTS_SUSPENDED, "停止党员权利"),
    ],
)
def test_p1_probationary_on_probation_and_suspended_have_no_rights(status: MemberStatus, zh: str) -> None:
    d = voting_rights(Member("m2", "张三", status))
    assert (d.rule, d.code) == ("P1", "no_rights")
    assert zh in d.zh


def test_p2_expected_is_members_with_rights_minus_approved_excusals() -> None:
    # Qingquan-sized roster: 345 on the roster, 340 full members, 5 without rights.
    roster = [full(i) for i in range(335)]
    roster += [full(335 + i, excusal=Excusal(reason, approved_by="镇党委")) for i, reason in enumerate(ExcusalReason)]
    roster += [
        Member("p1", "预备1", MemberStatus.PROBATIONARY),
        Member("p2", "预备2", MemberStatus.PROBATIONARY),
        Member("p3", "预备3", MemberStatus.PROBATIONARY),
        Member("o1", "察看1", MemberStatus.ON_PROBATION),
        Member("s1", "停权1", MemberStatus.RIGHTS_SUSPENDED),
    ]
    a = expected_attendance(roster)
    assert (a.members, a.with_rights, a.excused, a.expected) == (345, 340, 5, 335)
    summary = a.decisions[-1]
    assert (summary.rule, summary.code) == ("P2", "expected_attendance")
    assert "应到会 335 人 = 有选举权党员 340 人 − 经批准不计入 5 人" in summary.zh
    assert sum(1 for d in a.decisions if d.rule == "P1" and d.code == "no_rights") == 5


def test_p2_excusal_without_approval_stays_expected() -> None:
    ill = full(1, excusal=Excusal(ExcusalReason.ILLNESS, approved_by=None, note="住院"))
    a = expected_attendance([ill, full(2)])
    assert a.expected == 2
    assert a.excused == 0
    assert a.excusal_unapproved == 1
    assert "m1" in a.expected_ids
    assert any(d.code == "excusal_unapproved" and d.rule == "P2" and d.subject == "m1" for d in a.decisions)


def test_p2_migrant_stays_in_expected_attendance() -> None:
    # S0: 116 migrant members took part; they are never excused for being away at work.
    roster = [full(i, migrant=i < 116) for i in range(300)]
    a = expected_attendance(roster)
    assert a.expected == 300
    assert a.migrants == 116
    assert sum(1 for d in a.decisions if d.code == "migrant_expected") == 116
    assert "外出务工 116 人计入应到会" in a.decisions[-1].zh


def test_p2_approved_excusal_of_migrant_excuses_for_its_reason() -> None:
    away = full(1, migrant=True, excusal=Excusal(ExcusalReason.ABROAD, approved_by="县委组织部"))
    a = expected_attendance([away])
    assert (a.expected, a.excused, a.migrants) == (0, 1, 0)
    assert "经 县委组织部 批准" in a.decisions[0].zh


def test_p2_duplicate_member_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        expected_attendance([full(1), full(1)])


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(MemberStatus)),
            st.booleans(),
            st.none() | st.tuples(st.sampled_from(list(ExcusalReason)), st.none() | st.just("镇党委")),
        ),
        max_size=60,
    )
)
def test_p2_expected_equals_with_rights_minus_excused(rows: list[tuple[MemberStatus, bool, object]]) -> None:
    roster = []
    for i, (status, migrant, exc) in enumerate(rows):
        excusal = Excusal(exc[0], exc[1]) if isinstance(exc, tuple) else None
        roster.append(Member(f"m{i}", f"n{i}", status, migrant, excusal))
    a = expected_attendance(roster)
    assert a.expected == a.with_rights - a.excused
    assert a.expected == len(a.expected_ids)
    assert not set(a.expected_ids) & set(a.excused_ids)
    assert a.with_rights == sum(1 for m in roster if m.status is MemberStatus.FULL)


def test_p3_candidate_may_not_fill_in_a_ballot() -> None:
    d = check_ballot_writer("王煦", ["王煦", "侯建中"])
    assert (d.rule, d.code) == ("P3", "writer_is_candidate")


def test_p3_non_candidate_may_fill_in_a_ballot() -> None:
    d = check_ballot_writer("张文学", ["王煦", "侯建中"])
    assert (d.rule, d.code) == ("P3", "writer_allowed")


def test_p4_exactly_30_percent_is_allowed() -> None:
    d = check_public_reps(102, 340, Settings())
    assert (d.rule, d.code) == ("P4", "public_reps_within_cap")
    assert d.facts["limit"] == 102
    assert "群众代表 102 人 ≤ 应参加党员 340 人的 30%" in d.zh


def test_p4_one_over_30_percent_is_refused() -> None:
    d = check_public_reps(103, 340, Settings())
    assert (d.rule, d.code) == ("P4", "public_reps_over_cap")
    assert "须减少 1 人" in d.zh


def test_p4_cap_is_exact_not_rounded_up() -> None:
    # 30% of 341 is 102.3: 102 fits, 103 does not.
    s = preset_settings("three-round")
    assert check_public_reps(102, 341, s).code == "public_reps_within_cap"
    assert check_public_reps(103, 341, s).code == "public_reps_over_cap"


def test_p4_s0_county_totals() -> None:
    # S0: 2,901 members and 726 public reps (25%).
    assert check_public_reps(726, 2901, Settings()).code == "public_reps_within_cap"


@given(st.integers(0, 5000), st.integers(0, 5000), st.fractions(0, 1))
def test_p4_within_cap_iff_count_at_most_cap_times_members(count: int, members: int, cap: Fraction) -> None:
    d = check_public_reps(count, members, Settings(public_rep_cap=cap))
    assert (d.code == "public_reps_within_cap") == (count <= cap * members)
    assert (d.code == "public_reps_within_cap") == (count <= d.facts["limit"])  # type: ignore[operator]
