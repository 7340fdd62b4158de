"""Results pages: parse the request, call an action or selector, render. No rule logic here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections import selectors as elections
from zhixuan.web.elections.models import Election
from zhixuan.web.meeting.models import ResultReport, Round
from zhixuan.web.results import actions, selectors
from zhixuan.web.results.pdf import result_report_pdf


def _visible(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _published(election_id: int) -> Election:
    # Public pages exist only for an election whose announcement is published (N1).
    election = elections.published_elections().filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _report(election: Election) -> ResultReport:
    report = selectors.report_of(election)
    if report is None:
        raise Http404
    return report


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def overview(request: HttpRequest, election_id: int) -> HttpResponse:
    """Staff: every accepted round as the core decides it, and the result report."""
    election = _visible(request, election_id)
    meeting = selectors.meeting_of(election)
    current = selectors.current_round(election, meeting) if meeting is not None else None
    return render(
        request,
        "results/overview.html",
        {
            "election": election,
            "meeting": meeting,
            "r": selectors.staff_results(election),
            "rs": selectors.report_state(election, request.user),
            "current": current,
            "can_run": access.can_run_election(request.user, election),
            "can_approve": access.can_manage_election(request.user, election),
            "chain": selectors.chain(election),
        },
    )


def _act(request: HttpRequest, election: Election, do: object, success: str) -> HttpResponse:
    try:
        do()  # type: ignore[operator]
    except ValidationError as exc:
        _errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("没有权限。"))
    else:
        messages.success(request, success)
    return redirect("results:overview", election.pk)


@login_required
@require_POST
def create_report(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    if not access.can_run_election(request.user, election):
        raise PermissionDenied
    return _act(
        request,
        election,
        lambda: actions.do_create_result_report(request.user, election=election),
        _("选举结果报告单已生成，请监票人签字。"),
    )


@login_required
@require_POST
def sign_report(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    report = _report(election)
    return _act(request, election, lambda: actions.do_sign_report(request.user, report=report), _("已签字。"))


@login_required
@require_POST
def submit_report(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    if not access.can_run_election(request.user, election):
        raise PermissionDenied
    report = _report(election)
    return _act(
        request,
        election,
        lambda: actions.do_submit_report(request.user, report=report),
        _("选举结果报告单已报县委组织部。"),
    )


@login_required
@require_POST
def approve_report(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    if not access.can_manage_election(request.user, election):
        raise PermissionDenied
    report = _report(election)
    ref = request.POST.get("approval_ref", "")
    return _act(
        request,
        election,
        lambda: actions.do_approve_report(request.user, report=report, approval_ref=ref),
        _("县委批复已录入。"),
    )


@login_required
def report_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    report = _report(election)
    state = selectors.report_state(election, request.user)
    body = result_report_pdf(
        report.content,
        chain_head=report.chain_head,
        created_at=report.created_at,
        signatures=[(s.officer.member.name, s.officer.role, s.signed_at) for s in state.signed],
        unsigned=[(o.member.name, o.role) for o in state.unsigned],
        submitted_at=report.submitted_at,
        approval=(
            (report.approval_ref, report.approved_at, str(report.approved_by or ""))
            if report.approved_at is not None
            else None
        ),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="result-report-{election.pk}.pdf"'
    return response


@login_required
@require_POST
def voting_time(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    rnd = Round.objects.filter(pk=round_id, meeting__election=election).select_related("meeting__election").first()
    if rnd is None:
        raise Http404
    try:
        minutes = int(request.POST.get("minutes", "").strip())
    except ValueError:
        messages.error(request, _("投票时间请填写整数分钟数。"))
        return redirect("results:overview", election.pk)
    return _act(
        request,
        election,
        lambda: actions.do_set_voting_time(request.user, rnd=rnd, minutes=minutes),
        _("投票时间已设为 %(n)s 分钟。") % {"n": minutes},
    )


# --- projector (大屏) and observer view ----------------------------------------------------------


@login_required
def screen(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    return render(request, "results/screen.html", {"election": election, "s": selectors.screen(election)})


@login_required
def screen_live(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    return render(request, "results/_screen_live.html", {"election": election, "s": selectors.screen(election)})


def observe(request: HttpRequest, election_id: int) -> HttpResponse:
    """Public, no login: the projector's facts, the published results and the audit chain head (S2)."""
    election = _published(election_id)
    return render(
        request,
        "results/observe.html",
        {"election": election, "s": selectors.screen(election), "chain": selectors.chain(election)},
    )


def observe_live(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _published(election_id)
    return render(
        request,
        "results/_observe_live.html",
        {"election": election, "s": selectors.screen(election), "chain": selectors.chain(election)},
    )
