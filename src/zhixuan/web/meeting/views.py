"""Views of the members' meeting: parse the request, call an action or selector, render."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.meeting import actions, selectors
from zhixuan.web.meeting.models import Attendance, CheckInMethod, ConfirmStep, Meeting, Officer, OfficerRole, Round
from zhixuan.web.roster import selectors as roster


def _visible(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _staff(request: HttpRequest, election_id: int) -> Election:
    election = _visible(request, election_id)
    if not access.can_run_election(request.user, election):
        raise PermissionDenied
    return election


def _meeting(election: Election) -> Meeting:
    meeting = selectors.meeting_of(election)
    if meeting is None:
        raise Http404
    return meeting


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# --- overview -----------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    meeting = selectors.meeting_of(election)
    context: dict[str, Any] = {"election": election, "meeting": meeting, "roles": OfficerRole.choices}
    if meeting is None:
        context["formal"] = selectors.formal_candidates(election)
        return render(request, "meeting/overview.html", context)
    outcome = election_outcome(election)
    rounds = list(selectors.rounds(meeting))
    lab = selectors.labels(election)
    for rnd in rounds:
        rnd.names = [lab.name(n) for n in rnd.candidates]  # type: ignore[attr-defined]
        rnd.result = selectors.result_of(rnd, outcome)  # type: ignore[attr-defined]
        rnd.winner_names = [lab.name(w) for w in (rnd.result or {}).get("winners", [])]  # type: ignore[attr-defined]
    plan = selectors.next_round(meeting, outcome)
    context.update(
        quorum=selectors.quorum(meeting),
        officers=list(selectors.officers(meeting)),
        rounds=rounds,
        plan=plan,
        plan_names=[lab.name(n) for n in plan.candidates],
        questions=selectors.opt_in_questions(meeting, outcome),
        needs=outcome.report.needs if outcome.report else None,
        problems=outcome.problems,
    )
    return render(request, "meeting/overview.html", context)


@login_required
@require_POST
def create(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    held_on = None
    try:
        if request.POST.get("held_on"):
            held_on = date.fromisoformat(request.POST["held_on"])
        actions.do_create_meeting(
            request.user,
            election=election,
            title=request.POST.get("title", ""),
            held_on=held_on,
            place=request.POST.get("place", ""),
        )
    except ValueError:
        messages.error(request, _("会议日期格式应为 年-月-日"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("党员大会已建立。"))
    return redirect("meeting:overview", election.pk)


@login_required
@require_POST
def open_meeting(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    try:
        actions.do_open_meeting(request.user, meeting=_meeting(election))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("大会已开始。"))
    return redirect("meeting:overview", election.pk)


@login_required
@require_POST
def close_meeting(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    try:
        actions.do_close_meeting(request.user, meeting=_meeting(election))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("大会已闭会。"))
    return redirect("meeting:overview", election.pk)


# --- check-in -----------------------------------------------------------------------------------


def _checkin_context(meeting: Meeting) -> dict[str, Any]:
    rows = list(selectors.present(meeting))
    for row in rows:
        row.eligible = selectors.has_rights(row.member)  # type: ignore[attr-defined]
    return {"meeting": meeting, "election": meeting.election, "quorum": selectors.quorum(meeting), "present": rows}


@login_required
def checkin(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    meeting = _meeting(election)
    context = _checkin_context(meeting)
    context["query"] = request.GET.get("q", "")
    return render(request, "meeting/checkin.html", context)


@login_required
def search(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    meeting = _meeting(election)
    query = request.GET.get("q", "")
    state = selectors.attendance_state(meeting)
    rows = []
    for member in selectors.search_members(election, query):
        att = state.get(member.pk)
        rows.append(
            {
                "member": member,
                "eligible": selectors.has_rights(member),
                "here": att is not None and att.checked_out_at is None,
            }
        )
    return render(request, "meeting/_search_results.html", {"election": election, "rows": rows, "query": query})


@login_required
def quorum(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    return render(
        request, "meeting/_quorum.html", {"election": election, "quorum": selectors.quorum(_meeting(election))}
    )


@login_required
@require_POST
def check_in(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    meeting = _meeting(election)
    method = request.POST.get("method", CheckInMethod.NUMBER)
    raw_id = request.POST.get("member_id", "")
    status = 200
    try:
        row = actions.do_check_in(
            request.user,
            meeting=meeting,
            method=method,
            member_id=int(raw_id) if raw_id.isdigit() else None,
            number=request.POST.get("number", ""),
        )
    except ValidationError as exc:
        error, notice = "；".join(exc.messages), None
        status = 422
    else:
        eligible = selectors.has_rights(row.member)
        error = None
        notice = (
            _("%(name)s（%(number)s）签到成功")
            if eligible
            else _("%(name)s（%(number)s）已签到：无选举权，不发选票 (P1)")
        ) % {"name": row.member.name, "number": row.member.number}
    if _is_htmx(request):
        context = _checkin_context(meeting)
        context.update(error=error, notice=notice)
        return render(request, "meeting/_checkin_state.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, str(notice))
    return redirect("meeting:checkin", election.pk)


@login_required
@require_POST
def check_out(request: HttpRequest, election_id: int, attendance_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    meeting = _meeting(election)
    row = get_object_or_404(Attendance, pk=attendance_id, meeting=meeting)
    error = notice = None
    status = 200
    try:
        actions.do_check_out(request.user, attendance=row)
        notice = _("%(name)s 已签退") % {"name": row.member.name}
    except ValidationError as exc:
        error, status = "；".join(exc.messages), 422
    if _is_htmx(request):
        context = _checkin_context(meeting)
        context.update(error=error, notice=notice)
        return render(request, "meeting/_checkin_state.html", context, status=status)
    if error:
        messages.error(request, error)
    return redirect("meeting:checkin", election.pk)


def _qr_svg(payload: str) -> str:
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="svg", scale=3, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


@login_required
def cards(request: HttpRequest, election_id: int) -> HttpResponse:
    """A printable sheet of member cards, each with a QR code of the member number (for check-in)."""
    election = _staff(request, election_id)
    members = list(roster.members(election))
    rows = [{"member": m, "eligible": selectors.has_rights(m), "qr": mark_safe(_qr_svg(m.number))} for m in members]
    return render(request, "meeting/cards.html", {"election": election, "rows": rows})


# --- officers -----------------------------------------------------------------------------------


@login_required
@require_POST
def propose_officer(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    try:
        officer = actions.do_propose_officer(
            request.user,
            meeting=_meeting(election),
            number=request.POST.get("number", ""),
            role=request.POST.get("role", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("已推选 %(name)s 为%(role)s，待大会通过")
            % {"name": officer.member.name, "role": officer.get_role_display()},
        )
    return redirect("meeting:overview", election.pk)


@login_required
@require_POST
def approve_officers(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    try:
        actions.do_approve_officers(request.user, meeting=_meeting(election))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("大会已通过监票人、计票人名单。"))
    return redirect("meeting:overview", election.pk)


@login_required
@require_POST
def link_user(request: HttpRequest, election_id: int, officer_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    officer = get_object_or_404(Officer, pk=officer_id, meeting=_meeting(election))
    try:
        officer, password = actions.do_link_officer_user(
            request.user,
            officer=officer,
            username=request.POST.get("username", ""),
            create=request.POST.get("mode") == "create",
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("meeting:overview", election.pk)
    if password:
        # Shown once on this response; never stored in clear or put in a message cookie.
        return render(
            request, "meeting/account_created.html", {"election": election, "officer": officer, "password": password}
        )
    messages.success(request, _("已为 %(name)s 关联账号") % {"name": officer.member.name})
    return redirect("meeting:overview", election.pk)


# --- rounds -------------------------------------------------------------------------------------


@login_required
@require_POST
def create_round(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _staff(request, election_id)
    try:
        rnd = actions.do_create_next_round(request.user, meeting=_meeting(election))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("meeting:overview", election.pk)
    messages.success(request, _("已产生第 %(order)s 轮选票") % {"order": rnd.order})
    return redirect("meeting:round", election.pk, rnd.pk)


def _round_access(request: HttpRequest, election_id: int, round_id: int) -> tuple[Election, Round, bool, Any]:
    """Staff, or an approved officer of this meeting; anybody else gets 404."""
    election = _visible(request, election_id)
    meeting = _meeting(election)
    rnd = get_object_or_404(Round.objects.select_related("position", "meeting__election"), pk=round_id, meeting=meeting)
    staff = access.can_run_election(request.user, election)
    scrutineer = selectors.scrutineer_of(request.user, meeting)
    if not staff and selectors.officer_of(request.user, meeting) is None:
        raise Http404
    return election, rnd, staff, scrutineer


@login_required
def round_detail(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd, staff, scrutineer = _round_access(request, election_id, round_id)
    outcome = election_outcome(election)
    lab = selectors.labels(election)
    confirmations = {c.step: c for c in rnd.confirmations.select_related("requested_by", "confirmed_by")}
    steps = []
    for value, label in ConfirmStep.choices:
        c = confirmations.get(value)
        steps.append(
            {
                "value": value,
                "label": label,
                "confirmation": c,
                "can_confirm": bool(
                    c and c.confirmed_at is None and scrutineer is not None and c.requested_by_id != request.user.pk
                ),
            }
        )
    result = selectors.result_of(rnd, outcome)
    section = None
    regular = rnd.followup_of or rnd
    section = outcome.section(f"round:{regular.key}")
    context = {
        "election": election,
        "round": rnd,
        "names": [(n, lab.name(n)) for n in rnd.candidates],
        "staff": staff,
        "scrutineer": scrutineer,
        "steps": steps,
        "next_step": _next_step(rnd),
        "quorum": selectors.round_quorum(rnd) if rnd.status == "draft" else None,
        "issued_now": selectors.round_issued(rnd),
        "paper_agreed": selectors.paper_agreed(rnd),
        "result": result,
        "counts": [
            (lab.name(n), c, n in (result or {}).get("winners", []))
            for n, c in (result or {}).get("counts", {}).items()
        ],
        "section": section,
        "questions": [q for q in selectors.opt_in_questions(election.meeting, outcome) if q.round.pk == rnd.pk],
    }
    return render(request, "meeting/round.html", context)


def _next_step(rnd: Round) -> str | None:
    return {"draft": "open", "open": "close", "closed": "accept", "accepted": "publish"}.get(rnd.status)


@login_required
@require_POST
def request_step(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd, staff, _scrutineer = _round_access(request, election_id, round_id)
    if not staff:
        raise PermissionDenied
    try:
        actions.do_request_step(request.user, rnd=rnd, step=request.POST.get("step", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.info(request, _("已申请，等待另一名监票人确认 (S3)"))
    return redirect("meeting:round", election.pk, rnd.pk)


@login_required
@require_POST
def confirm_step(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd, _staff, _scrutineer = _round_access(request, election_id, round_id)
    try:
        rnd = actions.do_confirm_step(request.user, rnd=rnd, step=request.POST.get("step", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已确认：本轮状态为“%(status)s”") % {"status": rnd.get_status_display()})
    return redirect("meeting:round", election.pk, rnd.pk)


@login_required
@require_POST
def opt_in(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd, staff, _scrutineer = _round_access(request, election_id, round_id)
    if not staff:
        raise PermissionDenied
    answer = request.POST.get("stands")
    if answer not in ("yes", "no"):
        messages.error(request, _("请选择是否参加下一轮选举"))
    else:
        try:
            actions.do_record_opt_in(
                request.user, rnd=rnd, applicant_number=request.POST.get("applicant", ""), stands=answer == "yes"
            )
        except ValidationError as exc:
            _errors(request, exc)
    if request.POST.get("back") == "round":
        return redirect("meeting:round", election.pk, rnd.pk)
    return redirect("meeting:overview", election.pk)
