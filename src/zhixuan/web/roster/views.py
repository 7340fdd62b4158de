"""Views of the roster: overview, import (htmx), template download, export, excusals."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.rules import people
from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election
from zhixuan.web.roster import actions, selectors, spreadsheets
from zhixuan.web.roster.columns import COLUMNS
from zhixuan.web.roster.importer import ImportRejected
from zhixuan.web.roster.models import EXCUSAL_REASON_CHOICES, MEMBER_STATUS_CHOICES, Excusal, Member


def _election(request: HttpRequest, election_id: int, *, manage: bool = False) -> Election:
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    if manage and not access.can_manage_roster(request.user, election):
        raise PermissionDenied
    return election


@login_required
def overview(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    query = request.GET.get("q", "").strip()
    rows = selectors.members(election)
    if query:
        rows = rows.filter(Q(name__contains=query) | Q(number__contains=query) | Q(branch__contains=query))
    att = selectors.attendance(election)
    return render(
        request,
        "roster/overview.html",
        {
            "election": election,
            "attendance": att,
            "p2": att.decisions[-1],
            "p4": selectors.public_rep_check(election, expected=att.expected),
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "query": query,
            "reps": selectors.public_reps(election)[:200],
            "rep_count": selectors.public_reps(election).count(),
            "pending": selectors.pending_excusals(election),
            "can_manage": access.can_manage_roster(request.user, election),
            "statuses": MEMBER_STATUS_CHOICES,
            "reasons": EXCUSAL_REASON_CHOICES,
            "today": date.today().isoformat(),
        },
    )


@login_required
@require_POST
def import_file(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    kind = request.POST.get("kind", "members")
    upload = request.FILES.get("file")
    context: dict[str, object] = {"election": election, "kind": kind}
    if kind not in COLUMNS or upload is None:
        context["errors"] = []
        context["message"] = _("请选择要导入的文件。")
        status = 400
    else:
        do_import = actions.do_import_members if kind == "members" else actions.do_import_public_reps
        try:
            record = do_import(request.user, election=election, filename=upload.name or "", data=upload.read())
        except ImportRejected as exc:
            context["errors"] = exc.errors
            context["filename"] = upload.name
            status = 422
        else:
            context["record"] = record
            status = 200
    if request.headers.get("HX-Request"):
        # htmx swaps only the result panel; 422 still swaps (see base template's htmx config).
        return render(request, "roster/_import_result.html", context, status=status)
    if "record" in context:
        messages.success(request, _("导入成功。"))
        return redirect("roster:overview", election.pk)
    return render(request, "roster/import_rejected.html", context, status=status)


@login_required
def template_download(request: HttpRequest, election_id: int, kind: str) -> HttpResponse:
    _election(request, election_id)
    if kind not in COLUMNS:
        raise Http404
    response = HttpResponse(spreadsheets.template(kind), content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="roster-template-{kind}.xlsx"'
    return response


@login_required
def export(request: HttpRequest, election_id: int, kind: str) -> HttpResponse:
    election = _election(request, election_id)
    if kind == "members":
        rows = [
            [
                m.number,
                m.name,
                m.gender,
                m.birth_date,
                m.joined_on,
                people.STATUS_ZH[people.MemberStatus(m.status)],
                m.branch,
                "是" if m.migrant else "否",
                *(_excusal_cells(m)),
                m.note,
            ]
            for m in selectors.members(election)
        ]
    elif kind == "public_reps":
        rows = [[r.number, r.name, r.gender, r.unit, r.note] for r in selectors.public_reps(election)]
    else:
        raise Http404
    response = HttpResponse(spreadsheets.export(kind, rows), content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="roster-{election.pk}-{kind}.xlsx"'
    return response


def _excusal_cells(member: Member) -> list[object]:
    excusal = getattr(member, "excusal", None)
    if excusal is None:
        return ["", "", "", None]
    reason = people.REASON_ZH[people.ExcusalReason(excusal.reason)]
    return [reason, excusal.approved_by, excusal.approval_ref, excusal.approved_on]


@login_required
@require_POST
def member_update(request: HttpRequest, election_id: int, member_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    member = get_object_or_404(Member, pk=member_id, election=election)
    try:
        actions.do_set_member_status(
            request.user,
            member=member,
            status=request.POST.get("status", ""),
            migrant=request.POST.get("migrant") == "on",
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("已更新 %(name)s 的状态。") % {"name": member.name})
    return redirect("roster:overview", election.pk)


@login_required
@require_POST
def excusal_request(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    member = Member.objects.filter(election=election, number=request.POST.get("number", "").strip()).first()
    if member is None:
        messages.error(request, _("找不到该编号的党员。"))
        return redirect("roster:overview", election.pk)
    try:
        actions.do_request_excusal(
            request.user,
            member=member,
            reason=request.POST.get("reason", ""),
            detail=request.POST.get("detail", ""),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("请假已登记，待批准后才不计入应到会人数 (P2)。"))
    return redirect("roster:overview", election.pk)


@login_required
@require_POST
def excusal_approve(request: HttpRequest, election_id: int, excusal_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    excusal = get_object_or_404(Excusal, pk=excusal_id, member__election=election)
    try:
        approved_on = date.fromisoformat(request.POST.get("approved_on", ""))
        actions.do_approve_excusal(
            request.user,
            excusal=excusal,
            approved_by=request.POST.get("approved_by", ""),
            approval_ref=request.POST.get("approval_ref", ""),
            approved_on=approved_on,
        )
    except ValueError:
        messages.error(request, _("批准日期格式不正确。"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("请假已批准。"))
    return redirect("roster:overview", election.pk)


@login_required
@require_POST
def excusal_withdraw(request: HttpRequest, election_id: int, excusal_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    excusal = get_object_or_404(
        Excusal.objects.select_related("member__election"), pk=excusal_id, member__election=election
    )
    actions.do_withdraw_excusal(request.user, excusal=excusal)
    messages.success(request, _("请假已撤销。"))
    return redirect("roster:overview", election.pk)
