"""The result report (选举结果报告单, M11) and the projector's voting time: one transaction and one audit entry each.

The report's content is frozen from the rules core's run when it is made, together with the audit
chain's head at that moment (S2); the audit entry of the making carries both, so the report and
the chain vouch for each other. Scrutineers sign it, the working group submits it to the county,
and the county admin records the approval with its reference number (批复文号).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhixuan.web.accounts import selectors as access
from zhixuan.web.audit.log import append_entry
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections.models import Election
from zhixuan.web.meeting.models import ReportSignature, ResultReport, Round, RoundStatus
from zhixuan.web.results import selectors
from zhixuan.web.results.models import VotingClock

MAX_VOTING_MINUTES = 240


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def do_create_result_report(actor: Any, *, election: Election) -> ResultReport:
    """Freeze the report from the core's run of every published round (M11) and the chain head (S2).

    Made again (e.g. after a corrected tally) only while nobody has signed it.
    """
    if not access.can_run_election(actor, election):
        raise PermissionDenied
    with transaction.atomic():
        meeting = selectors.meeting_of(election)
        existing = selectors.report_of(election)
        if existing is not None:
            existing = ResultReport.objects.select_for_update().get(pk=existing.pk)
            if existing.signatures.exists() or existing.submitted_at is not None:
                raise ValidationError(_("报告单已有监票人签字或已报县委，不能重新生成。"))
        content, errors = selectors.report_content(election)
        if content is None or meeting is None:
            raise ValidationError(errors)
        head = chain_head(election.audit_chain)
        now = timezone.now()
        if existing is None:
            report = ResultReport.objects.create(meeting=meeting, content=content, chain_head=head, created_at=now)
        else:
            report = existing
            report.content, report.chain_head, report.created_at = content, head, now
            report.save(update_fields=["content", "chain_head", "created_at"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="results.create_report",
            obj=report,
            data={
                "chain_head": head,
                "content_sha256": content_digest(content),
                "elected": {e["position"]: e["numbers"] for e in content["elected"]},
                "remade": existing is not None,
            },
        )
    return report


def do_sign_report(actor: Any, *, report: ResultReport) -> ReportSignature:
    """A scrutineer approved by the meeting signs (M2, M11); nobody else can."""
    with transaction.atomic():
        report = ResultReport.objects.select_for_update().select_related("meeting__election").get(pk=report.pk)
        officer = selectors.signer_for(actor, report.meeting)
        if officer is None:
            raise PermissionDenied(_("只有经大会通过的监票人才能在选举结果报告单上签字 (M2, M11)。"))
        if report.submitted_at is not None:
            raise ValidationError(_("报告单已报县委，不能再签字。"))
        if report.signatures.filter(officer=officer).exists():
            raise ValidationError(_("%(name)s 已经签过字。") % {"name": officer.member.name})
        signature = ReportSignature.objects.create(report=report, officer=officer, signed_at=timezone.now())
        append_entry(
            chain=report.meeting.election.audit_chain,
            actor=actor,
            action="results.sign_report",
            obj=report,
            data={
                "officer": officer.member.number,
                "role": officer.role,
                "content_sha256": content_digest(report.content),
            },
        )
    return signature


def do_submit_report(actor: Any, *, report: ResultReport) -> ResultReport:
    """Submit to the county (报批) once every approved scrutineer has signed (M11)."""
    election = report.meeting.election
    if not access.can_run_election(actor, election):
        raise PermissionDenied
    with transaction.atomic():
        report = ResultReport.objects.select_for_update().get(pk=report.pk)
        if report.submitted_at is not None:
            raise ValidationError(_("报告单已报县委。"))
        officers = selectors.signing_officers(report.meeting)
        signed = set(report.signatures.values_list("officer_id", flat=True))
        missing = [o.member.name for o in officers if o.pk not in signed]
        if not officers:
            raise ValidationError(_("大会尚未通过监票人，报告单无人签字 (M2)。"))
        if missing:
            raise ValidationError(_("以下监票人尚未签字：%(names)s (M11)。") % {"names": "、".join(missing)})
        report.submitted_at = timezone.now()
        report.save(update_fields=["submitted_at"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="results.submit_report",
            obj=report,
            data={"signatures": len(signed)},
        )
    return report


def do_approve_report(actor: Any, *, report: ResultReport, approval_ref: str) -> ResultReport:
    """The county records its approval of the submitted report with the reference number (M11)."""
    election = report.meeting.election
    if not access.can_manage_election(actor, election):
        raise PermissionDenied(_("只有县委组织部管理员可以录入批复。"))
    ref = approval_ref.strip()
    if not ref:
        raise ValidationError(_("请填写批复文号。"))
    if len(ref) > 100:
        raise ValidationError(_("批复文号不能超过 100 个字符。"))
    with transaction.atomic():
        report = ResultReport.objects.select_for_update().get(pk=report.pk)
        if report.submitted_at is None:
            raise ValidationError(_("报告单尚未报县委，不能录入批复。"))
        if report.approved_at is not None:
            raise ValidationError(_("批复已录入（%(ref)s）。") % {"ref": report.approval_ref})
        report.approved_at = timezone.now()
        report.approved_by = actor
        report.approval_ref = ref
        report.save(update_fields=["approved_at", "approved_by", "approval_ref"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="results.approve_report",
            obj=report,
            data={"approval_ref": ref},
        )
    return report


def do_set_voting_time(actor: Any, *, rnd: Round, minutes: int) -> VotingClock:
    """How long the round's voting lasts, for the projector's countdown."""
    election = rnd.meeting.election
    if not access.can_run_election(actor, election):
        raise PermissionDenied
    if not 1 <= minutes <= MAX_VOTING_MINUTES:
        raise ValidationError(_("投票时间须在 1 至 %(max)s 分钟之间。") % {"max": MAX_VOTING_MINUTES})
    if rnd.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise ValidationError(_("轮次 %(key)s 投票已结束，不能再设投票时间。") % {"key": rnd.key})
    with transaction.atomic():
        clock, _created = VotingClock.objects.update_or_create(round=rnd, defaults={"minutes": minutes})
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="results.set_voting_time",
            obj=rnd,
            data={"round": rnd.key, "minutes": minutes},
        )
    return clock
