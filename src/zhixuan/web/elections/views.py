"""Views of elections: parse the request, call an action or selector, render."""

from __future__ import annotations

from datetime import date

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections import actions, pdf, scenario_export, selectors
from zhixuan.web.elections.forms import ElectionCreateForm
from zhixuan.web.elections.models import Election
from zhixuan.web.nomination import selectors as nomination_selectors


def _visible(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _managed(request: HttpRequest, election_id: int) -> Election:
    election = _visible(request, election_id)
    if not access.can_manage_election(request.user, election):
        raise PermissionDenied
    return election


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    summaries, totals = selectors.dashboard(access.visible_elections(request.user))
    return render(
        request,
        "elections/dashboard.html",
        {
            "summaries": summaries,
            "totals": totals,
            "counties": access.administered_counties(request.user),
            "can_create": access.administered_counties(request.user).exists(),
        },
    )


@login_required
def election_create(request: HttpRequest) -> HttpResponse:
    townships = access.managed_townships(request.user).filter(county__in=access.administered_counties(request.user))
    if not townships.exists():
        raise PermissionDenied
    form = ElectionCreateForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        try:
            election = actions.do_create_election(
                request.user,
                township=form.cleaned_data["township"],
                title=form.cleaned_data["title"],
                preset=form.cleaned_data["preset"],
                overrides=form.cleaned_data["overrides"],
                seats=form.seats(),
                conditions=form.conditions(),
                work_targets=form.work_target_lines(),
                starts_on=form.cleaned_data["starts_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("选举已创建。"))
            return redirect("elections:detail", election.pk)
    return render(request, "elections/create.html", {"form": form})


@login_required
def election_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    return render(
        request,
        "elections/detail.html",
        {
            "election": election,
            "summary": selectors.election_summary(election),
            "gaps": selectors.announcement_gaps(election) if election.announced_at is None else [],
            "can_manage": access.can_manage_election(request.user, election),
            "can_manage_roster": access.can_manage_roster(request.user, election),
            "positions": election.positions.all(),
            "conditions": selectors.election_condition_lines(election),
            "targets": election.work_targets.all(),
            "stages": election.stages.order_by("order"),
        },
    )


@login_required
@require_POST
def election_timeline(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _managed(request, election_id)
    dates: dict[int, tuple[date, date]] = {}
    try:
        for stage in election.stages.all():
            start, end = request.POST.get(f"start_{stage.pk}"), request.POST.get(f"end_{stage.pk}")
            if start and end:
                dates[stage.pk] = (date.fromisoformat(start), date.fromisoformat(end))
        actions.do_update_timeline(request.user, election=election, dates=dates)
    except ValueError:
        messages.error(request, _("日期格式不正确。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("时间安排已保存。"))
    return redirect("elections:detail", election.pk)


@login_required
@require_POST
def election_publish(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _managed(request, election_id)
    try:
        actions.do_publish_announcement(request.user, election=election)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("公告已发布。"))
    return redirect("elections:detail", election.pk)


@login_required
@require_POST
def election_advance(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _managed(request, election_id)
    try:
        actions.do_advance_stage(request.user, election=election)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("elections:detail", election.pk)


@login_required
def election_scenario(request: HttpRequest, election_id: int) -> HttpResponse:
    """The election as a scenario file (YAML), for ``zhixuan run`` and the published record."""
    election = _visible(request, election_id)
    body = yaml.safe_dump(scenario_export.election_scenario(election), allow_unicode=True, sort_keys=False)
    response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}.yaml"'
    return response


def _published(election_id: int) -> Election:
    election = selectors.published_elections().filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "elections/public_index.html", {"elections": selectors.published_elections()})


def public_announcement(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _published(election_id)
    return render(
        request,
        "elections/public_announcement.html",
        {
            "election": election,
            "a": election.announcement,
            "conditions": selectors.condition_lines(
                election.announcement["conditions"], election.announcement["positions"]
            ),
            "chain_head": chain_head(election.audit_chain),
            "registration_open": nomination_selectors.registration_open(election),
        },
    )


def public_announcement_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _published(election_id)
    assert election.announcement is not None
    body = pdf.announcement_pdf(election.announcement, chain_head=chain_head(election.audit_chain))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="announcement-{election.pk}.pdf"'
    return response
