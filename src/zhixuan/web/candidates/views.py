"""Views of the candidates step: parse the request, call an action or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.candidates import actions, selectors
from zhixuan.web.candidates.forms import CountyVoteForm, InspectionForm
from zhixuan.web.elections.models import Election
from zhixuan.web.nomination.models import Applicant


def _election(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None or not access.can_run_election(request.user, election):
        raise Http404
    return election


def _vote_form(page: selectors.CandidatesPage, data: Any = None) -> CountyVoteForm:
    # Candidates who failed inspection are out of the race (C3); the committee votes on the rest.
    candidates = [
        row.applicant for block in page.blocks for row in block.rows if row.inspection is None or row.inspection.passed
    ]
    initial: dict[str, Any] = {}
    if page.county_vote is not None:
        initial = {"voters": page.county_vote.voters, "held_on": page.county_vote.held_on}
        initial.update({f"votes_{k}": v for k, v in page.county_vote.votes.items()})
    return CountyVoteForm(data, candidates=candidates, initial=initial)


def _render(
    request: HttpRequest,
    election: Election,
    page: selectors.CandidatesPage,
    *,
    vote_form: CountyVoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "candidates/overview.html",
        {
            "election": election,
            "page": page,
            "vote_form": vote_form or _vote_form(page),
            "can_vote": access.can_manage_election(request.user, election),
            "chain_head": chain_head(election.audit_chain),
        },
        status=status,
    )


@login_required
def overview(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    return _render(request, election, selectors.candidates_page(election))


@login_required
@require_POST
def inspection(request: HttpRequest, election_id: int, applicant_id: int) -> HttpResponse:
    election = _election(request, election_id)
    applicant = Applicant.objects.filter(election=election, pk=applicant_id).first()
    if applicant is None:
        raise Http404
    form = InspectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{applicant.name}：{error}")
    else:
        try:
            actions.do_record_inspection(
                request.user,
                election=election,
                applicant=applicant,
                passed=form.passed,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已记录 %(name)s 的考察结果。") % {"name": applicant.name})
    return redirect(reverse("candidates:overview", args=[election.pk]) + f"#c-{applicant.number}")


@login_required
@require_POST
def county_vote(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    if not access.can_manage_election(request.user, election):
        raise PermissionDenied  # the county committee's vote is the county's act (C2)
    page = selectors.candidates_page(election)
    form = _vote_form(page, request.POST)
    if form.is_valid():
        try:
            actions.do_record_county_vote(
                request.user,
                election=election,
                voters=form.cleaned_data["voters"],
                votes=form.votes(),
                held_on=form.cleaned_data["held_on"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("县委票决结果已保存。"))
            return redirect("candidates:overview", election.pk)
    return _render(request, election, page, vote_form=form, status=422)


@login_required
@require_POST
def publish(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    try:
        actions.do_publish_formal_list(request.user, election=election)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("正式候选人名单已公布。"))
    return redirect("candidates:overview", election.pk)
