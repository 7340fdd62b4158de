"""N2–N4: joint nominations and routes, applications, qualification review and objections."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.nomination import (
    ApplicantFacts,
    Application,
    Condition,
    Education,
    JointNomination,
    Objection,
    Qualifications,
    Route,
    RouteEntry,
    apply_objections,
    check_application,
    check_joint_nominations,
    nomination_records,
    review_qualification,
)
from zhixuan.rules.people import MemberStatus
from zhixuan.rules.settings import Settings

ROSTER = [f"r{i}" for i in range(200)]
SETTINGS = Settings()


def signers(n: int, start: int = 0) -> tuple[str, ...]:
    return tuple(f"r{i}" for i in range(start, start + n))


# --- N2 --------------------------------------------------------------------------------------


def test_n2_exactly_20_valid_signatories_stand() -> None:
    [result] = check_joint_nominations([JointNomination("王煦", "委员", signers(20))], ROSTER, SETTINGS)
    assert result.valid
    assert len(result.valid_signatures) == 20
    assert (result.decision.rule, result.decision.code) == ("N2", "joint_nomination_valid")
    assert "有效联名 20 人 ≥ 20 人" in result.decision.zh


def test_n2_unlisted_signatory_leaves_19_and_fails() -> None:
    sigs = (*signers(19), "outsider")
    [result] = check_joint_nominations([JointNomination("王煦", "委员", sigs)], ROSTER, SETTINGS)
    assert not result.valid
    assert result.unlisted == ("outsider",)
    assert "有效联名 19 人 < 20 人" in result.decision.zh
    assert [d.code for d in result.decisions] == ["signature_unlisted", "joint_nomination_invalid"]
    assert result.decisions[0].subject == "outsider"


def test_n2_duplicate_signature_for_same_position_first_counts() -> None:
    first = JointNomination("王煦", "委员", signers(20))
    # r0 signs again for the same position on another nomination: invalid there, 王煦 keeps it.
    second = JointNomination("侯建中", "委员", ("r0", *signers(20, start=100)))
    r1, r2 = check_joint_nominations([first, second], ROSTER, SETTINGS)
    assert r1.valid and "r0" in r1.valid_signatures
    assert r2.valid  # 20 fresh signatures remain
    assert r2.duplicates == ("r0",)
    dup = r2.decisions[0]
    assert (dup.rule, dup.code, dup.facts["first_signed_for"]) == ("N2", "signature_duplicate", "王煦")


def test_n2_duplicate_signature_can_sink_a_nomination() -> None:
    first = JointNomination("王煦", "委员", signers(20))
    second = JointNomination("侯建中", "委员", ("r0", *signers(19, start=100)))
    _, r2 = check_joint_nominations([first, second], ROSTER, SETTINGS)
    assert not r2.valid
    assert "有效联名 19 人 < 20 人" in r2.decision.zh
    assert "重复 1 个" in r2.decision.zh


def test_n2_same_signatory_may_sign_for_different_positions() -> None:
    a = JointNomination("王煦", "委员", signers(20))
    b = JointNomination("侯建中", "书记", signers(20))
    ra, rb = check_joint_nominations([a, b], ROSTER, SETTINGS)
    assert ra.valid and rb.valid
    assert not rb.duplicates


def test_n2_signing_twice_on_one_nomination_counts_once() -> None:
    [result] = check_joint_nominations([JointNomination("王煦", "委员", (*signers(20), "r5"))], ROSTER, SETTINGS)
    assert len(result.valid_signatures) == 20
    assert result.duplicates == ("r5",)


def test_n2_minimum_is_a_setting() -> None:
    [result] = check_joint_nominations(
        [JointNomination("王煦", "委员", signers(10))], ROSTER, Settings(joint_nomination_min=10)
    )
    assert result.valid


def test_n2_record_keeps_every_route() -> None:
    [joint] = check_joint_nominations([JointNomination("王煦", "委员", signers(100))], ROSTER, SETTINGS)
    entries = [
        RouteEntry("王煦", "委员", Route.SELF, "王煦"),
        joint.route_entry(),
        RouteEntry("王煦", "委员", Route.ORGANISATION, "安县国家地质公园管理处党支部"),
    ]
    [record] = nomination_records(entries)
    assert record.nominated
    assert [r.route for r in record.routes] == [Route.SELF, Route.JOINT, Route.ORGANISATION]
    assert record.decision.facts["routes"] == ("self", "joint", "organisation")
    assert "联名推荐（有效联名 100 人）" in record.decision.zh


def test_n2_failed_joint_nomination_alone_does_not_nominate_but_is_recorded() -> None:
    [joint] = check_joint_nominations([JointNomination("张孝菊", "委员", signers(19))], ROSTER, SETTINGS)
    [record] = nomination_records([joint.route_entry()])
    assert not record.nominated
    assert (record.decision.rule, record.decision.code) == ("N2", "not_nominated")
    assert record.decision.facts["failed_routes"] == ("joint",)


@given(
    st.lists(
        st.tuples(st.sampled_from(["委员", "书记"]), st.lists(st.integers(0, 40), max_size=40)),
        max_size=8,
    )
)
def test_n2_each_signatory_counts_at_most_once_per_position(
    noms: list[tuple[str, list[int]]],
) -> None:
    roster = [f"r{i}" for i in range(30)]  # r30..r40 are unlisted
    nominations = [JointNomination(f"n{k}", pos, tuple(f"r{i}" for i in sigs)) for k, (pos, sigs) in enumerate(noms)]
    results = check_joint_nominations(nominations, roster, Settings(joint_nomination_min=3))
    for position in ("委员", "书记"):
        counted = [s for r in results if r.nomination.position == position for s in r.valid_signatures]
        assert len(counted) == len(set(counted))
        assert set(counted) <= set(roster)
    for r in results:
        n = r.nomination
        assert len(r.valid_signatures) + len(r.unlisted) + len(r.duplicates) == len(n.signatures)
        assert r.valid == (len(r.valid_signatures) >= 3)


# --- N3 --------------------------------------------------------------------------------------


def test_n3_third_position_is_refused() -> None:
    result = check_application(Application("王煦", ("委员", "副书记", "书记")), SETTINGS)
    assert result.accepted == ("委员", "副书记")
    assert result.refused == ("书记",)
    refused = result.decisions[0]
    assert (refused.rule, refused.code) == ("N3", "application_over_limit")
    assert "第 3 志愿 书记 超过每人最多报名 2 个职位" in refused.zh
    assert result.preference("副书记") == 2


def test_n3_repeated_position_is_refused_and_does_not_use_a_place() -> None:
    result = check_application(Application("王煦", ("委员", "委员", "书记")), SETTINGS)
    assert result.accepted == ("委员", "书记")
    assert result.decisions[0].code == "application_duplicate"


def test_n3_two_positions_are_accepted_in_preference_order() -> None:
    result = check_application(Application("侯建中", ("副书记", "委员")), SETTINGS)
    assert result.accepted == ("副书记", "委员")
    assert not result.refused
    assert result.decisions[-1].code == "application_accepted"


# --- N4 --------------------------------------------------------------------------------------

WANG = ApplicantFacts(
    "wx", "王煦", MemberStatus.FULL, party_years=6, age=29, education=Education.BACHELOR, identity="事业编"
)
HOU = ApplicantFacts(
    "hjz",
    "侯建中",
    MemberStatus.FULL,
    party_years=15,
    age=48,
    education=Education.SENIOR_SECONDARY,
    identity="零聘人员",
)
CONDITIONS = Qualifications(
    "委员",
    min_party_years=3,
    max_age=45,
    min_education=Education.JUNIOR_COLLEGE,
    identities=frozenset({"公务员", "事业编"}),
)


def test_n4_applicant_meeting_every_condition_qualifies() -> None:
    review = review_qualification(WANG, CONDITIONS)
    assert review.qualified
    assert (review.decisions[-1].rule, review.decisions[-1].code) == ("N4", "qualified")


def test_n4_failed_conditions_give_written_reasons() -> None:
    review = review_qualification(HOU, CONDITIONS)
    assert not review.qualified
    assert review.reasons == (
        "年龄 48 岁，超过 45 岁",
        "学历 高中（中专），低于 大专",
        "身份「零聘人员」不在「事业编、公务员」之列",
    )
    assert review.decisions[-1].code == "not_qualified"


def test_n4_relaxed_conditions_do_not_disqualify() -> None:
    # S3: 打破身份、年龄、学历限制.
    relaxed = Qualifications(
        "委员",
        min_party_years=3,
        max_age=45,
        min_education=Education.JUNIOR_COLLEGE,
        identities=frozenset({"公务员", "事业编"}),
        relaxed=frozenset({Condition.AGE, Condition.EDUCATION, Condition.IDENTITY}),
    )
    review = review_qualification(HOU, relaxed)
    assert review.qualified
    assert [d.code for d in review.decisions].count("condition_relaxed") == 3
    assert "年龄、学历、身份条件已放宽" in review.decisions[-1].zh


def test_n4_unrelaxed_party_years_still_disqualifies() -> None:
    young = ApplicantFacts("x", "李四", MemberStatus.FULL, 2, 30, Education.BACHELOR, "村干部")
    review = review_qualification(young, Qualifications("委员", min_party_years=3, relaxed=frozenset({Condition.AGE})))
    assert not review.qualified
    assert review.reason == "党龄 2 年，不满 3 年"


def test_n4_party_standing_can_never_be_relaxed() -> None:
    with pytest.raises(ValueError, match="P1"):
        Qualifications("委员", relaxed=frozenset({Condition.PARTY_STANDING}))


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (MemberStatus.PROBATIONARY, "预备党员"),
        (MemberStatus.RIGHTS_SUSPENDED, "停止党员权利"),
        (None, "非中共党员"),
    ],
)
def test_n4_p1_standing_disqualifies_even_when_all_else_is_relaxed(status: MemberStatus | None, text: str) -> None:
    facts = ApplicantFacts("x", "陈兴华", status, 0, 40, Education.JUNIOR_SECONDARY, "农民")
    everything = Qualifications(
        "委员",
        relaxed=frozenset({Condition.AGE, Condition.EDUCATION, Condition.IDENTITY, Condition.PARTY_YEARS}),
    )
    review = review_qualification(facts, everything)
    assert not review.qualified
    assert text in review.reason and "P1" in review.reason


def test_n4_upheld_objection_disqualifies_with_reason() -> None:
    reviews = [review_qualification(WANG, CONDITIONS)]
    [after] = apply_objections(
        reviews, [Objection("wx", "委员", upheld=True, reason="档案年龄不实", raised_by="群众来信")]
    )
    assert not after.qualified
    assert after.reasons == ("异议成立：档案年龄不实",)
    assert (after.decisions[-1].rule, after.decisions[-1].code) == ("N4", "objection_upheld")


def test_n4_dismissed_objection_keeps_the_outcome_and_is_recorded() -> None:
    reviews = [review_qualification(WANG, CONDITIONS)]
    [after] = apply_objections(reviews, [Objection("wx", "委员", upheld=False, reason="经核查属实")])
    assert after.qualified
    assert after.decisions[-1].code == "objection_dismissed"


def test_n4_upheld_objection_needs_a_written_reason() -> None:
    reviews = [review_qualification(WANG, CONDITIONS)]
    with pytest.raises(ValueError, match="reason"):
        apply_objections(reviews, [Objection("wx", "委员", upheld=True, reason="  ")])


def test_n4_objection_against_unreviewed_applicant_is_refused() -> None:
    with pytest.raises(ValueError, match="not reviewed"):
        apply_objections([], [Objection("wx", "委员", upheld=True, reason="x")])


def test_a_not_qualified_finding_of_the_review_itself_is_not_worded_as_an_objection() -> None:
    from zhixuan.rules.nomination import Review, apply_objections

    review = Review("a1", "secretary", True, (), ())
    finding = Objection("a1", "secretary", True, "档案不全", "资格审查", stage="review")
    (after,) = apply_objections([review], [finding], {"a1": "张三"})
    assert not after.qualified and after.reasons == ("资格审查不合格：档案不全",)
    decision = after.decisions[-1]
    assert (decision.rule, decision.code, decision.zh) == (
        "N4",
        "review_not_qualified",
        "张三（secretary）资格审查不合格：档案不全",
    )
