"""Views of registration, nomination and review: parse the request, call an action or selector, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election, Position
from zhixuan.web.elections.selectors import published_elections
from zhixuan.web.nomination import actions, forms, selectors
from zhixuan.web.nomination.models import Applicant, NominationRoute, Objection, RouteKind

# The public portal takes at most this many submissions per address per hour.
APPLY_LIMIT = 10
APPLY_WINDOW = 3600


def _visible(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _run(request: HttpRequest, election_id: int) -> Election:
    election = _visible(request, election_id)
    if not access.can_run_election(request.user, election):
        raise PermissionDenied
    return election


def _published(election_id: int) -> Election:
    election = published_elections().filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _with_checks(election: Election, rows: Any) -> list[Any]:
    """Attach the core's N2 result to each joint route (``route.check``) for the templates."""
    checks = selectors.joint_checks(election)
    out = list(rows)
    for applicant in out:
        for route in applicant.routes.all():
            route.check = checks.get(route.pk)
    return out


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


# --- public portal -----------------------------------------------------------------------------


def apply(request: HttpRequest, election_id: int) -> HttpResponse:
    """The public application portal (N3), open from the announcement until the review notice."""
    election = _published(election_id)
    is_open = selectors.registration_open(election)
    form = forms.ApplicationForm(request.POST or None, election=election)
    status = 200
    if request.method == "POST":
        if not is_open:
            form.add_error(None, _("报名已截止 (N4)"))
            status = 409
        else:
            key = f"nomination:apply:{election.pk}:{_client_ip(request)}"
            count = cache.get(key, 0)
            limit = getattr(settings, "ZHIXUAN_APPLY_LIMIT", APPLY_LIMIT)
            if count >= limit:
                form.add_error(None, _("提交过于频繁，请一小时后再试。"))
                status = 429
            elif form.is_valid():
                cache.set(key, count + 1, APPLY_WINDOW)
                try:
                    applicant = actions.do_submit_application(request.user, election=election, data=form.to_input())
                except ValidationError as exc:
                    form.attach_errors(exc)
                else:
                    request.session[f"nomination:applied:{election.pk}"] = applicant.pk
                    return redirect("nomination:apply_done", election.pk)
            if status == 200 and (form.errors or form.position_errors):
                status = 422
    return render(
        request,
        "nomination/apply.html",
        {
            "election": election,
            "form": form,
            "is_open": is_open,
            "max_positions": selectors.election_settings(election).max_positions_per_applicant,
        },
        status=status,
    )


def apply_done(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _published(election_id)
    pk = request.session.get(f"nomination:applied:{election.pk}")
    applicant = selectors.applicants(election).filter(pk=pk).first() if pk else None
    if applicant is None:
        return redirect("nomination:apply", election.pk)
    return render(request, "nomination/apply_done.html", {"election": election, "applicant": applicant})


def public_notice(request: HttpRequest, election_id: int) -> HttpResponse:
    """The review notice (公示, N4) and the objection form during its window."""
    election = _published(election_id)
    review_notice = selectors.notice(election)
    if review_notice is None:
        raise Http404
    is_open = selectors.notice_open(review_notice)
    form = forms.ObjectionForm(request.POST or None, content=review_notice.content)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            number, kind = form.target()
            try:
                actions.do_file_objection(
                    request.user,
                    election=election,
                    applicant_number=number,
                    position_kind=kind,
                    reason=form.cleaned_data["reason"],
                    by=form.cleaned_data["by"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("您的异议已受理，核查结论将在本页公布。"))
                return redirect("nomination:notice", election.pk)
        status = 422
    state = selectors.review_state(election)
    outcomes = selectors.objection_outcomes(state)
    return render(
        request,
        "nomination/notice.html",
        {
            "election": election,
            "notice": review_notice,
            "is_open": is_open,
            "form": form,
            "outcomes": outcomes,
            "qualified_now": state.qualified,
        },
        status=status,
    )


# --- staff: nominations ------------------------------------------------------------------------


@login_required
def nominations(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _run(request, election_id)
    return render(
        request,
        "nomination/list.html",
        {
            "election": election,
            "applicants": _with_checks(election, selectors.applicants(election)),
            "withdrawn": selectors.applicants(election, withdrawn=True).exclude(withdrawn_at=None),
            "is_open": selectors.registration_open(election),
            "minimum": selectors.election_settings(election).joint_nomination_min,
        },
    )


@login_required
def add_applicant(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _run(request, election_id)
    form = forms.StaffApplicantForm(request.POST or None, election=election)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                applicant = actions.do_add_applicant(
                    request.user,
                    election=election,
                    data=form.to_input(),
                    route=form.cleaned_data["route"],
                    by=form.cleaned_data["by"],
                )
            except ValidationError as exc:
                form.attach_errors(exc)
            else:
                messages.success(
                    request,
                    _("已录入 %(name)s，报名编号 %(number)s。") % {"name": applicant.name, "number": applicant.number},
                )
                return redirect("nomination:applicant", election.pk, applicant.pk)
        status = 422
    return render(
        request,
        "nomination/add_applicant.html",
        {
            "election": election,
            "form": form,
            "is_open": selectors.registration_open(election),
            "max_positions": selectors.election_settings(election).max_positions_per_applicant,
        },
        status=status,
    )


@login_required
def applicant_detail(request: HttpRequest, election_id: int, applicant_id: int) -> HttpResponse:
    election = _run(request, election_id)
    found = _with_checks(election, selectors.applicants(election, withdrawn=True).filter(pk=applicant_id))
    if not found:
        raise Http404
    return render(
        request,
        "nomination/applicant.html",
        {
            "election": election,
            "applicant": found[0],
            "route_form": forms.RouteForm(),
            "is_open": selectors.registration_open(election),
            "minimum": selectors.election_settings(election).joint_nomination_min,
        },
    )


@login_required
@require_POST
def add_route(request: HttpRequest, election_id: int, applicant_id: int) -> HttpResponse:
    election = _run(request, election_id)
    applicant = get_object_or_404(Applicant, pk=applicant_id, election=election)
    form = forms.RouteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择提名方式 (N2)"))
        return redirect("nomination:applicant", election.pk, applicant.pk)
    kind = form.cleaned_data["kind"]
    position = Position.objects.filter(election=election, kind=form.cleaned_data["position"]).first()
    try:
        route = actions.do_add_route(
            request.user, applicant=applicant, kind=kind, position=position, by=form.cleaned_data["by"]
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("nomination:applicant", election.pk, applicant.pk)
    if route.kind == RouteKind.JOINT:
        messages.success(request, _("联名推荐已建立，请录入签名。"))
        return redirect("nomination:signatures", election.pk, route.pk)
    messages.success(request, _("组织推荐已记录。"))
    return redirect("nomination:applicant", election.pk, applicant.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, election_id: int, applicant_id: int) -> HttpResponse:
    election = _run(request, election_id)
    applicant = get_object_or_404(Applicant, pk=applicant_id, election=election)
    try:
        actions.do_withdraw_applicant(request.user, applicant=applicant, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(name)s 已退出。") % {"name": applicant.name})
    return redirect("nomination:list", election.pk)


@login_required
def signatures(request: HttpRequest, election_id: int, route_id: int) -> HttpResponse:
    """Paper signatures of a joint nomination, entered in batches (N2)."""
    election = _run(request, election_id)
    route = get_object_or_404(
        NominationRoute.objects.select_related("applicant", "position"),
        pk=route_id,
        applicant__election=election,
        kind=RouteKind.JOINT,
    )
    form = forms.SignaturesForm(request.POST or None)
    batch_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                added = actions.do_add_signatures(request.user, route=route, text=form.cleaned_data["numbers"])
            except ValidationError as exc:
                batch_errors = exc.messages
            else:
                messages.success(request, _("已录入 %(n)d 个签名。") % {"n": len(added)})
                return redirect("nomination:signatures", election.pk, route.pk)
        status = 422
    return render(
        request,
        "nomination/signatures.html",
        {
            "election": election,
            "route": route,
            "signatures": route.signatures.select_related("member", "public_rep").order_by("pk"),
            "check": selectors.joint_checks(election).get(route.pk),
            "minimum": selectors.election_settings(election).joint_nomination_min,
            "form": form,
            "batch_errors": batch_errors,
            "is_open": selectors.registration_open(election),
        },
        status=status,
    )


# --- members: online signing -------------------------------------------------------------------


@login_required
def sign(request: HttpRequest, election_id: int) -> HttpResponse:
    """A member or public rep signs open joint nominations online, once per position (N2)."""
    election = _visible(request, election_id)
    identity = access.roster_identity(request.user, election)
    if request.method == "POST":
        route = get_object_or_404(
            NominationRoute, pk=request.POST.get("route") or 0, applicant__election=election, kind=RouteKind.JOINT
        )
        try:
            actions.do_sign_online(request.user, route=route, identity=identity)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("您已为 %(name)s 联名签名。") % {"name": route.applicant.name})
        return redirect("nomination:sign", election.pk)
    signed: dict[int, Any] = {}
    can_sign = False
    if identity is not None:
        signed = selectors.signed_positions(election, member=identity.member, public_rep=identity.public_rep)
        can_sign = identity.public_rep_id is not None or (
            identity.member is not None and selectors.has_rights(identity.member)
        )
    checks = selectors.joint_checks(election)
    routes = list(selectors.open_joint_routes(election))
    for route in routes:
        route.check = checks.get(route.pk)
        route.signed_here = route.position_id in signed and signed[route.position_id].route_id == route.pk
        route.signed_elsewhere = route.position_id in signed and not route.signed_here
    return render(
        request,
        "nomination/sign.html",
        {
            "election": election,
            "identity": identity,
            "routes": routes,
            "signed": signed,
            "can_sign": can_sign,
            "who": (identity.member or identity.public_rep).name if identity is not None else "",
            "minimum": selectors.election_settings(election).joint_nomination_min,
        },
    )


# --- staff: review, notice, objections ---------------------------------------------------------


@login_required
def review(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _run(request, election_id)
    state = selectors.review_state(election)
    review_notice = selectors.notice(election)
    return render(
        request,
        "nomination/review.html",
        {
            "election": election,
            "state": state,
            "notice": review_notice,
            "notice_open": selectors.notice_open(review_notice),
            "objections": selectors.objections(election),
            "notice_form": forms.NoticeForm(),
        },
    )


@login_required
@require_POST
def record_review(request: HttpRequest, election_id: int, applicant_id: int) -> HttpResponse:
    election = _run(request, election_id)
    applicant = get_object_or_404(Applicant, pk=applicant_id, election=election)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审查结论"))
        return redirect("nomination:review", election.pk)
    position = get_object_or_404(Position, pk=form.cleaned_data["position"], election=election)
    qualified = form.cleaned_data["verdict"] == "qualified"
    try:
        actions.do_record_review(
            request.user,
            applicant=applicant,
            position=position,
            qualified=qualified,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{applicant.name}（{position.get_kind_display()}）：{message}")
    else:
        messages.success(
            request,
            _("已记录 %(name)s（%(position)s）的审查结论。")
            % {"name": applicant.name, "position": position.get_kind_display()},
        )
    return redirect(reverse("nomination:review", args=[election.pk]) + f"#row-{applicant.pk}-{position.pk}")


@login_required
@require_POST
def publish_notice(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _run(request, election_id)
    form = forms.NoticeForm(request.POST)
    days = form.cleaned_data["days"] if form.is_valid() else actions.NOTICE_DAYS
    try:
        actions.do_publish_notice(request.user, election=election, days=days)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("资格审查结果已公示。"))
    return redirect("nomination:review", election.pk)


@login_required
@require_POST
def decide_objection(request: HttpRequest, election_id: int, objection_id: int) -> HttpResponse:
    election = _run(request, election_id)
    objection = get_object_or_404(
        Objection.objects.select_related("applicant__election"), pk=objection_id, applicant__election=election
    )
    form = forms.ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结论并写明理由 (N4)"))
        return redirect("nomination:review", election.pk)
    try:
        actions.do_decide_objection(
            request.user,
            objection=objection,
            upheld=form.cleaned_data["verdict"] == "upheld",
            outcome=form.cleaned_data["outcome"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("异议核查结论已记录。"))
    return redirect("nomination:review", election.pk)
