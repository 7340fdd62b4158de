"""State changes of the roster: one transaction and one audit entry each (S2).

Imports are all or nothing: the whole file is checked first and any error rejects it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import Election
from zhixuan.web.roster import importer, selectors
from zhixuan.web.roster.importer import ImportRejected, RowError
from zhixuan.web.roster.models import Excusal, Member, PublicRep, RosterImport


def do_import_members(actor: Any, *, election: Election, filename: str, data: bytes) -> RosterImport:
    """Replace the member roster with the file's rows, or raise :class:`ImportRejected`."""
    parsed = importer.parse("members", filename, data)
    if parsed.errors:
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        Member.objects.filter(election=election).delete()
        members = Member.objects.bulk_create(
            Member(
                election=election,
                number=v["number"],
                name=v["name"],
                gender=v["gender"],
                birth_date=v["birth_date"],
                joined_on=v["joined_on"],
                status=v["status"],
                branch=v["branch"],
                migrant=v["migrant"],
                note=v["note"],
            )
            for _row, v in parsed.rows
        )
        by_number = {m.number: m for m in members}
        if not all(m.pk for m in members):  # backends without RETURNING ids on bulk insert
            by_number = {m.number: m for m in Member.objects.filter(election=election)}
        Excusal.objects.bulk_create(
            Excusal(
                member=by_number[str(v["number"])],
                reason=v["excusal_reason"],
                approved_by=v["approved_by"],
                approval_ref=v["approval_ref"],
                approved_on=v["approved_on"],
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for _row, v in parsed.rows
            if v["excusal_reason"]
        )
        record = _record(actor, election, "members", filename, data, len(parsed.rows))
        att = selectors.attendance(election)
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="roster.import_members",
            obj=record,
            data={
                "filename": filename,
                "sha256": record.sha256,
                "rows": record.rows,
                "with_rights": att.with_rights,
                "expected": att.expected,
                "migrants": att.migrants,
                "excused": att.excused,
            },
        )
    return record


def do_import_public_reps(actor: Any, *, election: Election, filename: str, data: bytes) -> RosterImport:
    """Replace the public reps with the file's rows; P4's cap is checked against the members."""
    parsed = importer.parse("public_reps", filename, data)
    if not parsed.errors:
        check = selectors.public_rep_check(election, count=len(parsed.rows))
        if check.code == "public_reps_over_cap":
            parsed.errors.append(RowError(None, "", f"{check.zh} (P4)", f"{check.en} (P4)"))
    if parsed.errors:
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        PublicRep.objects.filter(election=election).delete()
        PublicRep.objects.bulk_create(
            PublicRep(
                election=election,
                number=v["number"],
                name=v["name"],
                gender=v["gender"],
                unit=v["unit"],
                note=v["note"],
            )
            for _row, v in parsed.rows
        )
        record = _record(actor, election, "public_reps", filename, data, len(parsed.rows))
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="roster.import_public_reps",
            obj=record,
            data={"filename": filename, "sha256": record.sha256, "rows": record.rows, "p4": check.code},
        )
    return record


def _record(actor: Any, election: Election, kind: str, filename: str, data: bytes, rows: int) -> RosterImport:
    return RosterImport.objects.create(
        election=election,
        kind=kind,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def do_set_member_status(actor: Any, *, member: Member, status: str, migrant: bool) -> Member:
    with transaction.atomic():
        before = {"status": member.status, "migrant": member.migrant}
        member.status, member.migrant = status, migrant
        member.full_clean(exclude=["election"])
        member.save(update_fields=["status", "migrant"])
        append_entry(
            chain=member.election.audit_chain,
            actor=actor,
            action="roster.set_member_status",
            obj=member,
            data={"number": member.number, "before": before, "after": {"status": status, "migrant": migrant}},
        )
    return member


def do_request_excusal(actor: Any, *, member: Member, reason: str, detail: str) -> Excusal:
    """Record an excusal awaiting approval; it does not change 应到会 until approved (P2)."""
    with transaction.atomic():
        if Excusal.objects.filter(member=member).exists():
            raise ValidationError(_("该党员已有请假记录"))
        excusal = Excusal(
            member=member,
            reason=reason,
            detail=detail,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        excusal.full_clean(exclude=["member"])
        excusal.save()
        append_entry(
            chain=member.election.audit_chain,
            actor=actor,
            action="roster.request_excusal",
            obj=excusal,
            data={"number": member.number, "reason": reason},
        )
    return excusal


def do_approve_excusal(
    actor: Any, *, excusal: Excusal, approved_by: str, approval_ref: str, approved_on: date
) -> Excusal:
    """Attach the approval record (P2): approver, document reference and date."""
    if not approved_by.strip():
        raise ValidationError(_("须填写批准人 (P2)"))
    with transaction.atomic():
        excusal = Excusal.objects.select_for_update().select_related("member__election").get(pk=excusal.pk)
        if excusal.approved_on is not None:
            raise ValidationError(_("该请假已批准"))
        excusal.approved_by, excusal.approval_ref, excusal.approved_on = (
            approved_by.strip(),
            approval_ref,
            approved_on,
        )
        excusal.save(update_fields=["approved_by", "approval_ref", "approved_on"])
        append_entry(
            chain=excusal.member.election.audit_chain,
            actor=actor,
            action="roster.approve_excusal",
            obj=excusal,
            data={
                "number": excusal.member.number,
                "approved_by": excusal.approved_by,
                "approval_ref": approval_ref,
                "approved_on": approved_on.isoformat(),
            },
        )
    return excusal


def do_withdraw_excusal(actor: Any, *, excusal: Excusal) -> None:
    with transaction.atomic():
        member = excusal.member
        data = {"number": member.number, "reason": excusal.reason, "was_approved": excusal.approved}
        excusal.delete()
        append_entry(
            chain=member.election.audit_chain,
            actor=actor,
            action="roster.withdraw_excusal",
            obj=member,
            data=data,
        )
