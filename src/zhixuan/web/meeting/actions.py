"""State changes of the members' meeting: one transaction and one audit entry each (S2).

Quorum (M1), who may serve (M2), the next round's candidates (M3, M8–M10) come from the rules core
via ``selectors``. Opening, closing, accepting and publishing a round take two people (S3): staff
request the step, an approved scrutineer (another user) confirms it, and only then it takes effect.
Bad input raises ``ValidationError`` with a specific Chinese message and stores nothing.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhixuan.web.accounts.models import Role, RoleAssignment
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.meeting import selectors
from zhixuan.web.meeting.models import (
    Attendance,
    CheckInMethod,
    Confirmation,
    ConfirmStep,
    Meeting,
    MeetingStatus,
    Officer,
    OfficerRole,
    OptIn,
    Round,
    RoundStatus,
)
from zhixuan.web.roster.models import Member


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(decision: Any) -> str:
    body = decision.en if get_language() == "en" else decision.zh
    return f"{body} ({decision.rule})"


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("election").get(pk=meeting.pk)


# --- meeting ------------------------------------------------------------------------------------


def do_create_meeting(
    actor: Any, *, election: Election, title: str = "", held_on: date | None = None, place: str = ""
) -> Meeting:
    """Set up the members' meeting; refused before the formal candidates exist (C1–C3)."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if Meeting.objects.filter(election=election).exists():
            raise ValidationError(_("本次选举的党员大会已经建立"))
        formal = selectors.formal_candidates(election)
        if not formal:
            raise ValidationError(_("尚未产生正式候选人，不能建立党员大会 (C1–C3)"))
        meeting = Meeting.objects.create(
            election=election,
            title=title.strip() or _("%(title)s党员大会") % {"title": election.township.name},
            held_on=held_on,
            place=place.strip(),
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="meeting.create",
            obj=meeting,
            data={"title": meeting.title, "formal": formal, "held_on": held_on.isoformat() if held_on else None},
        )
    return meeting


def do_open_meeting(actor: Any, *, meeting: Meeting) -> Meeting:
    """Open the meeting: M1 is checked at the opening with the members present."""
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status != MeetingStatus.PREPARING:
            raise ValidationError(_("大会已经开始或已闭会"))
        q = selectors.quorum(meeting)
        if not q.met:
            raise ValidationError(_text(q.decision))
        meeting.status = MeetingStatus.OPEN
        meeting.opened_at = timezone.now()
        meeting.save(update_fields=["status", "opened_at"])
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.open",
            obj=meeting,
            data={"present": q.present, "expected": q.expected, "m1": q.decision.code},
        )
    return meeting


def do_close_meeting(actor: Any, *, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status != MeetingStatus.OPEN:
            raise ValidationError(_("大会尚未开始或已闭会"))
        if Round.objects.filter(meeting=meeting, status__in=selectors.UNFINISHED).exists():
            raise ValidationError(_("还有未结束的轮次，不能闭会"))
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["status", "closed_at"])
        append_entry(chain=meeting.election.audit_chain, actor=actor, action="meeting.close", obj=meeting, data={})
    return meeting


# --- check-in (M1, P1) --------------------------------------------------------------------------


def _find_member(meeting: Meeting, *, member_id: int | None, number: str) -> Member:
    election = meeting.election
    if member_id is not None:
        member = Member.objects.filter(election=election, pk=member_id).first()
        if member is None:
            raise ValidationError(_("名册中没有这名党员"))
        return member
    number = number.strip()
    if not number:
        raise ValidationError(_("请输入党员编号或扫描党员证二维码"))
    member = Member.objects.filter(election=election, number=number).first()
    if member is None:
        raise ValidationError(_("名册中没有编号为 %(number)s 的党员") % {"number": number})
    return member


def do_check_in(
    actor: Any, *, meeting: Meeting, method: str, member_id: int | None = None, number: str = ""
) -> Attendance:
    """Record a member in the hall (again, after a check-out). Probationary members are recorded
    but never counted (P1). Attendance holds no ballot and no voting code (S1)."""
    if method not in CheckInMethod.values:
        raise ValidationError(_("签到方式无效"))
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status == MeetingStatus.CLOSED:
            raise ValidationError(_("大会已闭会，不能签到"))
        member = _find_member(meeting, member_id=member_id, number=number)
        row = Attendance.objects.filter(meeting=meeting, member=member).first()
        if row is not None and row.checked_out_at is None:
            raise ValidationError(
                _("%(name)s（%(number)s）已于 %(time)s 签到，无需重复签到")
                % {
                    "name": member.name,
                    "number": member.number,
                    "time": timezone.localtime(row.checked_in_at).strftime("%H:%M"),
                }
            )
        now = timezone.now()
        if row is None:
            row = Attendance.objects.create(
                meeting=meeting, member=member, method=method, checked_in_at=now, recorded_by=_user(actor)
            )
        else:
            row.method, row.checked_in_at, row.checked_out_at, row.recorded_by = method, now, None, _user(actor)
            row.save()
        q = selectors.quorum(meeting)
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.check_in",
            obj=row,
            data={
                "member": member.number,
                "method": method,
                "eligible": selectors.has_rights(member),
                "present": q.present,
                "expected": q.expected,
            },
        )
    return row


def do_check_out(actor: Any, *, attendance: Attendance) -> Attendance:
    """A member leaves the hall: no longer present for the next round's quorum and threshold (M1)."""
    with transaction.atomic():
        meeting = _lock(attendance.meeting)
        row = Attendance.objects.select_for_update().select_related("member").get(pk=attendance.pk)
        if row.checked_out_at is not None:
            raise ValidationError(_("%(name)s 已签退") % {"name": row.member.name})
        row.checked_out_at = timezone.now()
        row.save(update_fields=["checked_out_at"])
        q = selectors.quorum(meeting)
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.check_out",
            obj=row,
            data={"member": row.member.number, "present": q.present, "expected": q.expected},
        )
    return row


# --- officers (M2) --------------------------------------------------------------------------------


def do_propose_officer(actor: Any, *, meeting: Meeting, number: str, role: str) -> Officer:
    """Propose a scrutineer or teller from the members present; the core refuses candidates (M2)."""
    if role not in OfficerRole.values:
        raise ValidationError(_("请选择监票人、总监票人或计票人"))
    with transaction.atomic():
        meeting = _lock(meeting)
        member = _find_member(meeting, member_id=None, number=number)
        here = Attendance.objects.filter(meeting=meeting, member=member, checked_out_at=None).exists()
        if not here:
            raise ValidationError(
                _("%(name)s（%(number)s）未签到，监票人、计票人须从到会党员中推选 (M2)")
                % {"name": member.name, "number": member.number}
            )
        decision = selectors.officer_check(meeting, member, role)
        if decision.code not in selectors.OFFICER_ELIGIBLE:
            raise ValidationError(_text(decision))
        if Officer.objects.filter(meeting=meeting, member=member).exists():
            raise ValidationError(_("%(name)s 已被推选为监票人或计票人") % {"name": member.name})
        officer = Officer.objects.create(meeting=meeting, member=member, role=role)
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.propose_officer",
            obj=officer,
            data={"member": member.number, "role": role, "m2": decision.code},
        )
    return officer


def do_approve_officers(actor: Any, *, meeting: Meeting) -> list[Officer]:
    """Record the meeting's approval of the proposed list (M2), re-checked against the candidates."""
    with transaction.atomic():
        meeting = _lock(meeting)
        pending = list(Officer.objects.filter(meeting=meeting, approved_at=None).select_related("member"))
        if not pending:
            raise ValidationError(_("没有待通过的监票人、计票人名单"))
        for officer in pending:
            decision = selectors.officer_check(meeting, officer.member, officer.role)
            if decision.code not in selectors.OFFICER_ELIGIBLE:
                raise ValidationError(_text(decision))
        if not any(o.role in selectors.SCRUTINEER_ROLES for o in [*pending, *selectors.officers(meeting)]):
            raise ValidationError(_("名单中须至少有一名监票人 (M2)"))
        now = timezone.now()
        for officer in pending:
            officer.approved_at = now
            officer.save(update_fields=["approved_at"])
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.approve_officers",
            obj=meeting,
            data={"officers": [{"member": o.member.number, "role": o.role} for o in pending]},
        )
    return pending


def do_link_officer_user(
    actor: Any, *, officer: Officer, username: str, create: bool = False
) -> tuple[Officer, str | None]:
    """Link an officer to the account they use; with ``create`` a new account is made and its
    one-time password returned (shown once, never stored in clear)."""
    user_model = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError(_("请填写用户名"))
    password: str | None = None
    with transaction.atomic():
        meeting = _lock(officer.meeting)
        officer = Officer.objects.select_for_update().select_related("member").get(pk=officer.pk)
        if create:
            if user_model.objects.filter(username=username).exists():
                raise ValidationError(_("用户名 %(name)s 已存在，请选择“已有账号”或换一个用户名") % {"name": username})
            password = secrets.token_urlsafe(9)
            user = user_model.objects.create_user(username=username, password=password, first_name=officer.member.name)
        else:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                raise ValidationError(_("没有用户名为 %(name)s 的账号") % {"name": username})
        taken = Officer.objects.filter(meeting=meeting, user=user).exclude(pk=officer.pk).select_related("member")
        if taken.exists():
            raise ValidationError(
                _("账号 %(name)s 已用于 %(other)s") % {"name": username, "other": taken.first().member.name}  # type: ignore[union-attr]
            )
        officer.user = user
        officer.save(update_fields=["user"])
        role = Role.TELLER if officer.role == OfficerRole.TELLER else Role.SCRUTINEER
        RoleAssignment.objects.get_or_create(user=user, role=role, election=meeting.election)
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.link_officer_user",
            obj=officer,
            data={"member": officer.member.number, "role": officer.role, "username": username, "created": create},
        )
    return officer, password


# --- rounds (M3, M8–M10) --------------------------------------------------------------------------


def do_create_next_round(actor: Any, *, meeting: Meeting) -> Round:
    """Create the round the core says comes next (M3 cascade, or an M8–M10 follow-up), names by strokes (C4)."""
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status != MeetingStatus.OPEN:
            raise ValidationError(_("大会开始后才能安排选举轮次"))
        plan = selectors.next_round(meeting)
        if plan.blocked or plan.position is None:
            raise ValidationError(plan.blocked)
        order = Round.objects.filter(meeting=meeting).count() + 1
        rnd = Round.objects.create(
            meeting=meeting,
            order=order,
            key=plan.key,
            position=plan.position,
            kind=plan.kind,
            followup_of=plan.followup_of,
            electorate=plan.electorate,
            seats=plan.seats,
            candidates=plan.candidates,
        )
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.create_round",
            obj=rnd,
            data={
                "key": rnd.key,
                "kind": rnd.kind,
                "position": plan.position.kind,
                "seats": rnd.seats,
                "candidates": rnd.candidates,
                "rule": plan.rule,
                "followup_of": plan.followup_of.key if plan.followup_of else None,
                "decisions": [{"rule": d.rule, "code": d.code, "subject": d.subject} for d in plan.decisions],
            },
        )
    return rnd


def do_record_opt_in(actor: Any, *, rnd: Round, applicant_number: str, stands: bool) -> OptIn:
    """Whether a loser of ``rnd`` stands in the next round (M3); only before the next round exists."""
    from zhixuan.web.nomination.models import Applicant

    with transaction.atomic():
        meeting = _lock(rnd.meeting)
        questions = selectors.opt_in_questions(meeting)
        question = next((q for q in questions if q.round.pk == rnd.pk and q.applicant_number == applicant_number), None)
        if question is None:
            raise ValidationError(
                _("%(number)s 不是本轮的落选者，或下一轮已经产生，不能再登记是否参加下一轮 (M3)")
                % {"number": applicant_number}
            )
        applicant = Applicant.objects.get(election=meeting.election, number=applicant_number)
        opt_in, _created = OptIn.objects.update_or_create(
            round=rnd, applicant=applicant, defaults={"stands": stands, "recorded_by": _user(actor)}
        )
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.record_opt_in",
            obj=opt_in,
            data={"round": rnd.key, "applicant": applicant_number, "stands": stands},
        )
    return opt_in


_BEFORE = {
    ConfirmStep.OPEN: RoundStatus.DRAFT,
    ConfirmStep.CLOSE: RoundStatus.OPEN,
    ConfirmStep.ACCEPT: RoundStatus.CLOSED,
    ConfirmStep.PUBLISH: RoundStatus.ACCEPTED,
}
_AFTER = {
    ConfirmStep.OPEN: RoundStatus.OPEN,
    ConfirmStep.CLOSE: RoundStatus.CLOSED,
    ConfirmStep.ACCEPT: RoundStatus.ACCEPTED,
    ConfirmStep.PUBLISH: RoundStatus.PUBLISHED,
}


def _step_ready(rnd: Round, step: str) -> None:
    """What must hold for ``step`` apart from the round's status: raises with the reason."""
    if step == ConfirmStep.OPEN:
        if rnd.meeting.status != MeetingStatus.OPEN:
            raise ValidationError(_("大会尚未开始，不能开始投票"))
        if not any(
            o.role in selectors.SCRUTINEER_ROLES
            for o in selectors.officers(rnd.meeting).filter(approved_at__isnull=False)
        ):
            raise ValidationError(_("大会尚未通过监票人名单，不能开始投票 (M2)"))
        q = selectors.round_quorum(rnd)
        if not q.met:
            raise ValidationError(_text(q.decision))
    if step == ConfirmStep.ACCEPT:
        from zhixuan.web.tally.selectors import scan_summary  # scanned sheets (issue 6)

        pending = scan_summary(rnd).unresolved
        if pending:
            raise ValidationError(_("还有 %(n)s 张扫描选票须两名计票人裁定，裁定前不能确认计票结果") % {"n": pending})
    if step == ConfirmStep.ACCEPT and not selectors.paper_agreed(rnd):
        raise ValidationError(_("两名计票人的纸质选票录入尚未核对一致，不能确认计票结果 (M6)"))


def do_request_step(actor: Any, *, rnd: Round, step: str) -> Confirmation:
    """Staff ask for a round step (open / close / accept / publish); it waits for a scrutineer (S3)."""
    if step not in ConfirmStep.values:
        raise ValidationError(_("无效的操作"))
    with transaction.atomic():
        _lock(rnd.meeting)
        rnd = Round.objects.select_for_update().select_related("meeting__election").get(pk=rnd.pk)
        if rnd.status != _BEFORE[ConfirmStep(step)]:
            raise ValidationError(
                _("第 %(order)s 轮当前状态为“%(status)s”，不能申请“%(step)s”")
                % {"order": rnd.order, "status": rnd.get_status_display(), "step": ConfirmStep(step).label}
            )
        if step == ConfirmStep.OPEN:
            earlier = Round.objects.filter(meeting=rnd.meeting, order__lt=rnd.order, status__in=selectors.UNFINISHED)
            if earlier.exists():
                raise ValidationError(_("上一轮尚未结束，本轮不能开始投票 (M3)"))
        _step_ready(rnd, step)
        try:
            with transaction.atomic():
                confirmation = Confirmation.objects.create(
                    round=rnd, step=step, requested_by=actor, requested_at=timezone.now()
                )
        except IntegrityError:
            raise ValidationError(_("“%(step)s”已申请，等待监票人确认") % {"step": ConfirmStep(step).label}) from None
        append_entry(
            chain=rnd.meeting.election.audit_chain,
            actor=actor,
            action="meeting.request_step",
            obj=confirmation,
            data={"round": rnd.key, "step": step},
        )
    return confirmation


def do_confirm_step(actor: Any, *, rnd: Round, step: str) -> Round:
    """An approved scrutineer, not the requester, confirms the step; then it takes effect (S3).

    Opening snapshots the eligible present (M1, refused below quorum); closing and accepting fix the
    ballots issued (M6); accepting runs the record through the core and is refused if it cannot run.
    """
    if step not in ConfirmStep.values:
        raise ValidationError(_("无效的操作"))
    with transaction.atomic():
        meeting = _lock(rnd.meeting)
        rnd = Round.objects.select_for_update().select_related("meeting__election", "position").get(pk=rnd.pk)
        confirmation = Confirmation.objects.filter(round=rnd, step=step).first()
        label = ConfirmStep(step).label
        if confirmation is None:
            raise ValidationError(_("“%(step)s”尚未由工作人员申请") % {"step": label})
        if confirmation.confirmed_at is not None:
            raise ValidationError(_("“%(step)s”已经确认") % {"step": label})
        officer = selectors.scrutineer_of(actor, meeting)
        if officer is None:
            raise ValidationError(_("只有大会通过的监票人才能确认“%(step)s” (S3)") % {"step": label})
        if confirmation.requested_by_id == getattr(actor, "pk", None):
            raise ValidationError(_("申请人不能自己确认，须由另一名监票人确认 (S3)"))
        if rnd.status != _BEFORE[ConfirmStep(step)]:
            raise ValidationError(_("本轮当前状态为“%(status)s”") % {"status": rnd.get_status_display()})
        _step_ready(rnd, step)
        now = timezone.now()
        fields = ["status"]
        data: dict[str, object] = {"round": rnd.key, "step": step, "scrutineer": officer.member.number}
        if step == ConfirmStep.OPEN:
            q = selectors.round_quorum(rnd)
            rnd.present, rnd.opened_at = q.present, now
            rnd.issued = selectors.round_issued(rnd)
            fields += ["present", "opened_at", "issued"]
            data.update(present=q.present, expected=q.expected, m1=q.decision.code)
        elif step == ConfirmStep.CLOSE:
            from zhixuan.web.evoting.actions import round_summary, seal_round_ballots

            rnd.closed_at, rnd.issued = now, selectors.round_issued(rnd)
            fields += ["closed_at", "issued"]
            data["issued"] = rnd.issued
            # S1 and S2 together: the electronic ballots are reshuffled in storage so nothing pairs a
            # ballot with its code, and the chain commits to their counts and content digest.
            seal_round_ballots(rnd)
            data["electronic"] = round_summary(rnd)
        rnd.status = _AFTER[ConfirmStep(step)]
        rnd.save(update_fields=fields)
        confirmation.confirmed_by, confirmation.confirmed_at = actor, now
        confirmation.save(update_fields=["confirmed_by", "confirmed_at"])
        if step == ConfirmStep.ACCEPT:
            outcome = election_outcome(meeting.election)
            if outcome.report is None:
                problems = "；".join(p.zh for p in outcome.problems)
                raise ValidationError(_("本轮计票结果无法由规则核心计算，未确认：%(p)s") % {"p": problems})
            result = selectors.result_of(rnd, outcome)
            if result is not None:
                data.update(status=result["status"], winners=result["winners"])
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="meeting.confirm_step",
            obj=rnd,
            data=data,
        )
    return rnd
