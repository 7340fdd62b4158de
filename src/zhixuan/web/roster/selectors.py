"""Reads of the roster, handed to the rules core for every decision (P1, P2, P4)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhixuan.rules import people
from zhixuan.rules.decision import Decision
from zhixuan.rules.settings import Settings, preset_settings
from zhixuan.web.elections.models import Election
from zhixuan.web.roster.models import Excusal, Member, PublicRep


def members(election: Election) -> QuerySet[Member]:
    return Member.objects.filter(election=election).select_related("excusal").order_by("number")


def public_reps(election: Election) -> QuerySet[PublicRep]:
    return PublicRep.objects.filter(election=election).order_by("number")


def pending_excusals(election: Election) -> QuerySet[Excusal]:
    return Excusal.objects.filter(member__election=election, approved_on=None).select_related("member")


def election_settings(election: Election) -> Settings:
    return preset_settings(election.preset, election.overrides)


def to_rules_member(member: Member) -> people.Member:
    excusal = None
    record = getattr(member, "excusal", None)
    if record is not None:
        # Only an approval record (approver and date) makes the excusal count (P2).
        approver = record.approved_by if record.approved_on is not None and record.approved_by else None
        excusal = people.Excusal(
            reason=people.ExcusalReason(record.reason), approved_by=approver, note=record.approval_ref
        )
    return people.Member(
        id=member.number,
        name=member.name,
        status=people.MemberStatus(member.status),
        migrant=member.migrant,
        excusal=excusal,
    )


def attendance(election: Election) -> people.Attendance:
    """P2 expected attendance of ``election``, as the rules core computes it."""
    return people.expected_attendance(to_rules_member(m) for m in members(election))


def public_rep_check(election: Election, count: int | None = None, expected: int | None = None) -> Decision:
    """P4 for the election's public reps (or ``count`` of them against ``expected`` members)."""
    if expected is None:
        expected = attendance(election).expected
    if count is None:
        count = public_reps(election).count()
    return people.check_public_reps(count, expected, election_settings(election))
