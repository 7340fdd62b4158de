"""People and rights: who votes (P1), expected attendance (P2), ballot writers (P3), public reps (P4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from zhixuan.rules.decision import Decision, Fact, percent
from zhixuan.rules.settings import Settings


class MemberStatus(StrEnum):
    """A member's standing; only ``FULL`` carries voting rights (P1)."""

    FULL = "full"
    PROBATIONARY = "probationary"
    ON_PROBATION = "on_probation"
    RIGHTS_SUSPENDED = "rights_suspended"


STATUS_ZH: dict[MemberStatus, str] = {
    MemberStatus.FULL: "正式党员",
    MemberStatus.PROBATIONARY: "预备党员",
    MemberStatus.ON_PROBATION: "留党察看",
    MemberStatus.RIGHTS_SUSPENDED: "停止党员权利",
}


class ExcusalReason(StrEnum):
    """The five excusable absences of P2; nothing else (migrant work included) excuses."""

    ILLNESS = "illness"
    ABROAD = "abroad"
    SENTENCE = "sentence"
    BEDRIDDEN = "bedridden"
    AWAY_TRANSFERRED = "away_transferred"


REASON_ZH: dict[ExcusalReason, str] = {
    ExcusalReason.ILLNESS: "患病无法表达本人意志",
    ExcusalReason.ABROAD: "自费出国半年以上",
    ExcusalReason.SENTENCE: "正在服刑",
    ExcusalReason.BEDRIDDEN: "卧床不起、生活不能自理",
    ExcusalReason.AWAY_TRANSFERRED: "工作调动、外出学习半年以上未转组织关系",
}


@dataclass(frozen=True, slots=True)
class Excusal:
    """A requested excusal; it counts only with an approval record (``approved_by``)."""

    reason: ExcusalReason
    approved_by: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    status: MemberStatus
    migrant: bool = False
    excusal: Excusal | None = None


def has_voting_rights(member: Member) -> bool:
    """P1 as a predicate: full members with intact rights only."""
    return member.status is MemberStatus.FULL


def voting_rights(member: Member) -> Decision:
    """P1: whether ``member`` elects, may be elected, signs as a member and counts toward quorum."""
    status_zh = STATUS_ZH[member.status]
    facts: dict[str, Fact] = {"member": member.id, "status": member.status.value}
    if has_voting_rights(member):
        return Decision(
            rule="P1",
            code="has_rights",
            subject=member.id,
            zh=f"{member.name}：{status_zh}，有选举权和被选举权",
            en=f"{member.name}: full member, may vote and stand",
            facts=facts,
        )
    return Decision(
        rule="P1",
        code="no_rights",
        subject=member.id,
        zh=f"{member.name}：{status_zh}，无选举权和被选举权，不计入应到会人数",
        en=f"{member.name}: {member.status.value.replace('_', ' ')}, may not vote or stand; not counted",
        facts=facts,
    )


@dataclass(frozen=True, slots=True)
class Attendance:
    """Expected attendance (应到会) and how it was reached (P2).

    ``expected == with_rights - excused``. Unapproved excusals and migrants stay in ``expected_ids``.
    """

    members: int
    with_rights: int
    excused: int
    excusal_unapproved: int
    migrants: int
    expected: int
    expected_ids: tuple[str, ...]
    excused_ids: tuple[str, ...]
    decisions: tuple[Decision, ...]


def expected_attendance(members: Iterable[Member]) -> Attendance:
    """P2: 应到会 = members with voting rights (P1) − approved excusals."""
    roster = list(members)
    ids = [m.id for m in roster]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate member ids in the roster")

    decisions: list[Decision] = []
    expected_ids: list[str] = []
    excused_ids: list[str] = []
    unapproved = 0
    migrants = 0
    with_rights = 0
    for member in roster:
        if not has_voting_rights(member):
            decisions.append(voting_rights(member))
            continue
        with_rights += 1
        excusal = member.excusal
        if excusal is not None and excusal.approved_by:
            excused_ids.append(member.id)
            decisions.append(_excused(member, excusal, excusal.approved_by))
            continue
        expected_ids.append(member.id)
        if excusal is not None:
            unapproved += 1
            decisions.append(_excusal_unapproved(member, excusal))
        if member.migrant:
            migrants += 1
            decisions.append(_migrant_stays(member))

    expected = len(expected_ids)
    decisions.append(
        Decision(
            rule="P2",
            code="expected_attendance",
            subject="attendance",
            zh=(
                f"应到会 {expected} 人 = 有选举权党员 {with_rights} 人 − 经批准不计入 {len(excused_ids)} 人"
                f"（党员总数 {len(roster)} 人；外出务工 {migrants} 人计入应到会；"
                f"未经批准的请假 {unapproved} 人计入应到会）"
            ),
            en=(
                f"expected attendance {expected} = {with_rights} members with voting rights − "
                f"{len(excused_ids)} approved excusals ({len(roster)} members on the roster; "
                f"{migrants} migrant members and {unapproved} unapproved excusals stay in)"
            ),
            facts={
                "members": len(roster),
                "with_rights": with_rights,
                "excused": len(excused_ids),
                "excusal_unapproved": unapproved,
                "migrants": migrants,
                "expected": expected,
            },
        )
    )
    return Attendance(
        members=len(roster),
        with_rights=with_rights,
        excused=len(excused_ids),
        excusal_unapproved=unapproved,
        migrants=migrants,
        expected=expected,
        expected_ids=tuple(expected_ids),
        excused_ids=tuple(excused_ids),
        decisions=tuple(decisions),
    )


def _excused(member: Member, excusal: Excusal, approver: str) -> Decision:
    return Decision(
        rule="P2",
        code="excused",
        subject=member.id,
        zh=f"{member.name}：{REASON_ZH[excusal.reason]}，经 {approver} 批准，不计入应到会人数",
        en=f"{member.name}: {excusal.reason.value.replace('_', ' ')}, approved by {approver}; not expected",
        facts={"reason": excusal.reason.value, "approved_by": approver, "note": excusal.note},
    )


def _excusal_unapproved(member: Member, excusal: Excusal) -> Decision:
    # An excusal without its approval record does not reduce 应到会 (P2: each needs approval).
    return Decision(
        rule="P2",
        code="excusal_unapproved",
        subject=member.id,
        zh=f"{member.name}：请假事由「{REASON_ZH[excusal.reason]}」未经批准，仍计入应到会人数",
        en=f"{member.name}: excusal ({excusal.reason.value.replace('_', ' ')}) not approved; still expected",
        facts={"reason": excusal.reason.value, "approved_by": None, "note": excusal.note},
    )


def _migrant_stays(member: Member) -> Decision:
    return Decision(
        rule="P2",
        code="migrant_expected",
        subject=member.id,
        zh=f"{member.name}：外出务工党员，不属于可不计入的情形，计入应到会人数",
        en=f"{member.name}: migrant-worker member, not excusable; stays in expected attendance",
        facts={"migrant": True},
    )


def check_ballot_writer(writer_id: str, candidates: Iterable[str]) -> Decision:
    """P3: a person filling in a ballot for a voter who cannot write (代写) must not be a candidate."""
    if writer_id in set(candidates):
        return Decision(
            rule="P3",
            code="writer_is_candidate",
            subject=writer_id,
            zh=f"{writer_id} 是本次选举的候选人，不得代写选票",
            en=f"{writer_id} is a candidate and may not fill in another voter's ballot",
            facts={"writer": writer_id},
        )
    return Decision(
        rule="P3",
        code="writer_allowed",
        subject=writer_id,
        zh=f"{writer_id} 不是候选人，可按选举人意愿代写选票（只记录代写票数）",
        en=f"{writer_id} is not a candidate and may fill in a ballot as the voter directs",
        facts={"writer": writer_id},
    )


def public_rep_limit(members_entitled: int, settings: Settings) -> int:
    """P4: the largest number of public reps allowed (whole people, never rounded up)."""
    return int(settings.public_rep_cap * members_entitled)  # int() floors a non-negative Fraction


def _share(value: Fraction) -> str:
    # 30% reads better than 30.00%; a cap such as 1/3 keeps its decimals.
    return percent(value, 0) if (value * 100).denominator == 1 else percent(value)


def check_public_reps(count: int, members_entitled: int, settings: Settings) -> Decision:
    """P4: public reps ≤ ``public_rep_cap`` (30%) of the members entitled to attend, compared exactly."""
    if count < 0 or members_entitled < 0:
        raise ValueError("counts must not be negative")
    cap = settings.public_rep_cap
    limit = public_rep_limit(members_entitled, settings)
    facts: dict[str, Fact] = {
        "count": count,
        "members_entitled": members_entitled,
        "cap": cap,
        "limit": limit,
    }
    if count <= cap * members_entitled:
        return Decision(
            rule="P4",
            code="public_reps_within_cap",
            subject="public_reps",
            zh=(f"群众代表 {count} 人 ≤ 应参加党员 {members_entitled} 人的 {_share(cap)}（上限 {limit} 人）"),
            en=(f"{count} public reps ≤ {_share(cap)} of {members_entitled} members entitled (limit {limit})"),
            facts=facts,
        )
    return Decision(
        rule="P4",
        code="public_reps_over_cap",
        subject="public_reps",
        zh=(
            f"群众代表 {count} 人超过应参加党员 {members_entitled} 人的 {_share(cap)}"
            f"（上限 {limit} 人），须减少 {count - limit} 人"
        ),
        en=(
            f"{count} public reps exceed {_share(cap)} of {members_entitled} members entitled "
            f"(limit {limit}); {count - limit} too many"
        ),
        facts=facts,
    )
