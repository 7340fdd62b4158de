"""Views of the recall (A3): parse the request, call an action or selector, render.

Every page is the petition's one page: its signatures and live A3 check, the recall meeting
(check-in with M1, officers with M2, the tellers' counts and the scrutineer's confirmation, S3),
the core's verdict and the by-election. A refused form re-renders that page with its errors (422).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.evoting import views as evoting_views
from zhixuan.web.evoting.actions import CastRefused, format_code
from zhixuan.web.meeting import selectors as meeting_selectors
from zhixuan.web.meeting.models import CheckInMethod
from zhixuan.web.recall import actions, ballot_pdf, forms, selectors
from zhixuan.web.recall.models import CodeSlip, CountStage, Petition
from zhixuan.web.roster.models import Member


def _visible(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _petition(request: HttpRequest, election_id: int, petition_id: int) -> tuple[Election, Petition]:
    election = _visible(request, election_id)
    return election, get_object_or_404(Petition, pk=petition_id, election=election)


def _run(request: HttpRequest, election: Election) -> None:
    if not access.can_run_election(request.user, election):
        raise PermissionDenied


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    """Petitions of the election, and a new petition against an elected leader (A3)."""
    election = _visible(request, election_id)
    can_run = access.can_run_election(request.user, election)
    outcome = election_outcome(election)
    leaders = selectors.elected_leaders(election, outcome)
    choices = [(ld.number, f"{ld.name}（{ld.position_label}）") for ld in leaders]
    form = forms.PetitionForm(request.POST or None, leaders=choices)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        _run(request, election)
        if form.is_valid():
            try:
                petition = actions.do_open_petition(
                    request.user,
                    election=election,
                    leader=form.cleaned_data["leader"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("已发起罢免 %(name)s 的联名。") % {"name": petition.leader_name})
                return redirect("recall:petition", election.pk, petition.pk)
        status = 422
    rows = []
    for p in selectors.petitions(election):
        rows.append((p, selectors.petition_check(p)))
    return render(
        request,
        "recall/index.html",
        {
            "election": election,
            "rows": rows,
            "form": form,
            "errors": errors,
            "can_run": can_run,
            "leaders": leaders,
            "enabled": selectors.election_settings(election).recall_enabled,
            "required": selectors.required(election) if selectors.entitled_numbers(election) else 0,
        },
        status=status,
    )


def _page(
    request: HttpRequest, election: Election, petition: Petition, *, status: int = 200, **extra: Any
) -> HttpResponse:
    outcome = election_outcome(election)
    names = dict(Member.objects.filter(election=election).values_list("number", "name"))
    by_names = [(n, names.get(n, n)) for n in petition.by_candidates]
    by_result = selectors.by_election_result(petition, outcome)
    ctx: dict[str, Any] = {
        "election": election,
        "petition": petition,
        "check": selectors.petition_check(petition),
        "signatures": petition.signatures.select_related("member").order_by("pk"),
        "present": selectors.present_members(petition),
        "check_ins": selectors.check_ins(petition) if petition.convened_at else [],
        "codes_handed_back": selectors.codes_handed_back(petition),
        "quorum": selectors.meeting_quorum(petition, outcome) if petition.convened_at else None,
        "not_counted": selectors.not_counted(petition),
        "expected": selectors.expected(election),
        "scrutineers": [(n, names.get(n, n)) for n in petition.scrutineers],
        "tellers": [(n, names.get(n, n)) for n in petition.tellers],
        "vote_counts": selectors.counts(petition, CountStage.VOTE),
        "vote_agreed": selectors.agreed(petition, CountStage.VOTE),
        "vote_differences": selectors.differences(petition, CountStage.VOTE),
        "by_counts": selectors.counts(petition, CountStage.BY_ELECTION),
        "by_agreed": selectors.agreed(petition, CountStage.BY_ELECTION),
        "by_names": by_names,
        "decisions": selectors.recall_decisions(petition, outcome),
        "verdict": selectors.vote_decision(petition, outcome),
        "by_section": selectors.by_election_section(petition, outcome),
        "by_result": by_result,
        "by_winners": [names.get(n, n) for n in (by_result or {}).get("winners", [])],
        "vote_fields": actions.VOTE_FIELDS,
        "problems": outcome.problems,
        "can_run": access.can_run_election(request.user, election),
        "can_count": selectors.can_count(request.user, election),
        "is_scrutineer": selectors.is_scrutineer(request.user, election),
        "identity": access.roster_identity(request.user, election),
        "signed": petition.signatures.filter(
            member_id=getattr(access.roster_identity(request.user, election), "member_id", None)
        ).exists(),
        "numbers_form": forms.NumbersForm(),
        "checkin_form": forms.NumbersForm(),
        "by_form": forms.NumbersForm(),
        "convene_form": forms.ConveneForm(),
        "officers_form": forms.OfficersForm(),
        "vote_form": forms.VoteCountForm(),
        "by_count_form": forms.ByCountForm(candidates=by_names),
        "errors": {},
        "query": request.GET.get("q", ""),
        "found": _search(petition, request.GET.get("q", "")),
        "codes_issued": selectors.codes_issued(petition),
        "evoting_stages": [
            {
                "stage": stage,
                "label": selectors.stage_label(stage),
                "state": petition.evoting.get(stage, ""),
                "ballots": petition.electronic_ballots.filter(stage=stage).count(),
                "opened": stage in petition.stages,
                "quorum": selectors.stage_quorum(petition, stage),
            }
            for stage in (CountStage.VOTE, CountStage.BY_ELECTION)
            if stage == CountStage.VOTE or petition.by_candidates
        ],
    }
    ctx.update(extra)
    return render(request, "recall/petition.html", ctx, status=status)


@login_required
def petition(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    election, p = _petition(request, election_id, petition_id)
    return _page(request, election, p)


def _post(
    request: HttpRequest,
    election_id: int,
    petition_id: int,
    *,
    section: str,
    form: Any,
    call: Any,
    done: str,
    staff: bool = True,
    form_key: str = "",
) -> HttpResponse:
    """Run ``call(petition, cleaned_data)``; on error re-render the page with the errors under ``section``."""
    election, p = _petition(request, election_id, petition_id)
    if staff:
        _run(request, election)
    if form.is_valid():
        try:
            result = call(p, form.cleaned_data)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if isinstance(result, tuple):  # signatures: (stored, notes)
                for note in result[1]:
                    messages.warning(request, note)
            messages.success(request, done)
            return redirect(f"{_url(election, p)}#{section}")
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    p.refresh_from_db()
    extra = {form_key: form} if form_key else {}
    return _page(request, election, p, status=422, errors={section: errors}, **extra)


def _url(election: Election, p: Petition) -> str:
    from django.urls import reverse

    return reverse("recall:petition", args=[election.pk, p.pk])


@login_required
@require_POST
def signatures(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """Paper signatures by roster number; a bad line rejects the batch (A3, P1)."""
    return _post(
        request,
        election_id,
        petition_id,
        section="signatures",
        form=forms.NumbersForm(request.POST),
        form_key="numbers_form",
        call=lambda p, d: actions.do_add_signatures(request.user, petition=p, text=d["numbers"]),
        done=_("签名已录入。"),
    )


@login_required
@require_POST
def sign(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """A member signs online from their own account (A3)."""
    election, p = _petition(request, election_id, petition_id)
    identity = access.roster_identity(request.user, election)
    try:
        actions.do_sign_online(request.user, petition=p, identity=identity)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("您已在罢免 %(name)s 的联名上签名。") % {"name": p.leader_name})
    return redirect("recall:petition", election.pk, p.pk)


@login_required
@require_POST
def convene(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    return _post(
        request,
        election_id,
        petition_id,
        section="meeting",
        form=forms.ConveneForm(request.POST),
        call=lambda p, d: actions.do_convene(request.user, petition=p, held_on=d["held_on"], place=d["place"]),
        done=_("已召集罢免表决会议。"),
    )


def _search(petition: Petition, query: str) -> list[dict[str, Any]]:
    """Roster search at the check-in desk, as the meeting's (``meeting.selectors.search_members``)."""
    if not query.strip() or petition.convened_at is None:
        return []
    here = set(selectors.present_numbers(petition))
    return [
        {"member": m, "eligible": selectors.has_rights(m), "here": m.number in here}
        for m in meeting_selectors.search_members(petition.election, query)
    ]


@login_required
@require_POST
def check_in(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """Check-in by a list of numbers, one typed membership number, the QR code of a member card or a
    roster search (``method``); with ``code`` the member's voting code is printed on the slip (S1)."""
    method = request.POST.get("method", CheckInMethod.NUMBER)
    if "numbers" not in request.POST:  # one member: typed, scanned or picked from the search
        request.POST = request.POST.copy()  # type: ignore[misc]
        request.POST["numbers"] = request.POST.get("number", "")
    with_code = request.POST.get("code") == "1"
    slip: dict[str, str] = {}

    def call(p: Petition, d: Any) -> Any:
        rows = actions.do_check_in(request.user, petition=p, text=d["numbers"], method=method)
        if with_code and len(rows) == 1:
            slip["code"] = actions.do_issue_code(request.user, petition=p, member_number=rows[0].member.number)
            slip["name"] = rows[0].member.name
        return rows

    response = _post(
        request,
        election_id,
        petition_id,
        section="check-in",
        form=forms.NumbersForm(request.POST),
        form_key="checkin_form",
        call=call,
        done=_("签到已录入。"),
    )
    if slip:
        election, p = _petition(request, election_id, petition_id)
        return _slip(request, election, p, slip["code"])
    return response


def _slip(request: HttpRequest, election: Election, petition: Petition, code: str) -> HttpResponse:
    """The meeting's check-in slip (``evoting.views.slip``), headed by the recall meeting."""
    meeting = {"title": _("罢免 %(name)s 党员大会") % {"name": petition.leader_name}}
    back = f"{_url(election, petition)}#check-in"
    return evoting_views.slip(request, election=election, meeting=meeting, code=code, back=back, recall=True)


@login_required
@require_POST
def issue_code(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """A voting code for a member already checked in (e.g. who chose electronic voting later)."""
    election, p = _petition(request, election_id, petition_id)
    _run(request, election)
    try:
        code = actions.do_issue_code(request.user, petition=p, member_number=request.POST.get("number", "").strip())
    except ValidationError as exc:
        return _page(request, election, p, status=422, errors={"check-in": exc.messages})
    return _slip(request, election, p, code)


@login_required
@require_POST
def check_out(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """A member leaves: by number, the member card's QR code or from the list; the code on the slip
    handed back is typed or scanned and deactivated in the same step (S1)."""
    election, p = _petition(request, election_id, petition_id)
    _run(request, election)
    try:
        row = actions.do_check_out(
            request.user,
            petition=p,
            number=request.POST.get("number", ""),
            method=request.POST.get("method", CheckInMethod.NUMBER),
            code=request.POST.get("code", ""),
            slip_not_returned=request.POST.get("slip_not_returned") == "1",
        )
    except ValidationError as exc:
        p.refresh_from_db()
        typed = {k: request.POST.get(k, "") for k in ("number", "code", "method")}
        return _page(request, election, p, status=422, errors={"check-out": exc.messages}, checkout=typed)
    who = {"name": row.member.name, "number": row.member.number}
    if row.slip == CodeSlip.RETURNED and request.POST.get("code", "").strip():
        messages.success(request, _("%(name)s（%(number)s）已签退，交回的投票码已作废。") % who)
    elif row.slip == CodeSlip.HELD:
        messages.warning(request, _("%(name)s（%(number)s）已签退；投票码条未交回，该投票码仍然有效 (S1)。") % who)
    else:
        messages.success(request, _("%(name)s（%(number)s）已签退。") % who)
    return redirect(f"{_url(election, p)}#check-in")


@login_required
@require_POST
def voting(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """A scrutineer opens or closes a stage's electronic voting (S3)."""
    election, p = _petition(request, election_id, petition_id)
    stage, step = request.POST.get("stage", ""), request.POST.get("step", "")
    try:
        if step == "start":
            actions.do_open_stage(request.user, petition=p, stage=stage)
        elif step == "open":
            actions.do_open_voting(request.user, petition=p, stage=stage)
        elif step == "close":
            actions.do_close_voting(request.user, petition=p, stage=stage)
        else:
            raise ValidationError(_("操作无效"))
    except ValidationError as exc:
        p.refresh_from_db()
        return _page(request, election, p, status=422, errors={"evoting": exc.messages})
    done = {"start": _("已宣布开始表决，实到会人数已记录。"), "open": _("电子投票已开始。")}
    messages.success(request, done.get(step, _("电子投票已结束。")))
    return redirect(f"{_url(election, p)}#evoting")


@login_required
@require_POST
def officers(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    return _post(
        request,
        election_id,
        petition_id,
        section="officers",
        form=forms.OfficersForm(request.POST),
        form_key="officers_form",
        call=lambda p, d: actions.do_set_officers(
            request.user, petition=p, scrutineers=d["scrutineers"], tellers=d["tellers"]
        ),
        done=_("监票人、计票人已确定。"),
    )


@login_required
def ballot(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """The recall vote's A4 paper ballot (PDF): 同意罢免 / 不同意罢免 / 弃权, no serial number (S1)."""
    election, p = _petition(request, election_id, petition_id)
    _run(request, election)
    if p.convened_at is None:
        raise Http404
    return _pdf(ballot_pdf.vote_ballot_pdf(p), f"recall-{election.pk}-{p.pk}.pdf")


@login_required
def by_ballot(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    """The by-election's A4 paper ballot (PDF), candidates by surname strokes (C4), no serial (S1)."""
    election, p = _petition(request, election_id, petition_id)
    _run(request, election)
    if not p.by_candidates:
        raise Http404
    return _pdf(ballot_pdf.by_election_ballot_pdf(p), f"by-election-{election.pk}-{p.pk}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the phone voting page of a recall meeting's code (``/v/<code>/``, reached through evoting) --------


def vote(request: HttpRequest, code: str, voting: Any) -> HttpResponse:
    """The ballot of the stage open now: the recall vote (one choice) or the by-election (a mark per
    candidate); review, then cast (S1). Answers 200 whatever the outcome, as the meeting's page."""
    base: dict[str, Any] = {"code": format_code(code)}
    if not voting.active:
        return evoting_views.vote_page(
            request, "evoting/refused.html", {**base, "message": _("此投票码已收回，不能投票。")}, "inactive_code"
        )
    petition = voting.petition
    stage = selectors.open_stage(petition)
    base.update({"election": petition.election, "petition": petition})
    posted = request.POST.get("round", "") if request.method == "POST" else ""
    if posted and posted != stage:
        message = _("您提交的这一轮投票已经结束，选票没有保存。")
        return evoting_views.vote_page(request, "evoting/refused.html", {**base, "message": message}, "round_not_open")
    if stage is None:
        return evoting_views.vote_page(request, "evoting/waiting.html", base, "waiting")
    candidates = [{"number": n, "name": name} for n, name in selectors.by_candidates_in_order(petition)]
    context = {
        **base,
        "stage": stage,
        "candidates": candidates,
        "vote_choices": [
            ("yes", _("同意罢免"), "for"),
            ("no", _("不同意罢免"), "against"),
            ("abstain", _("弃权"), "abstain"),
        ],
        "mark_choices": [("for", _("赞成")), ("against", _("不赞成")), ("abstain", _("弃权"))],
    }
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if stage == CountStage.VOTE:
        marks = {"choice": request.POST.get("choice", "")}
    else:
        marks = {c["number"]: request.POST.get(f"mark-{c['number']}", "abstain") for c in candidates}
    context["marks"] = marks
    errors: list[str] = []
    ballot: dict[str, Any] = {}
    if step:
        try:
            ballot = actions.recall_ballot(petition, stage, marks)
        except CastRefused as exc:
            errors.append(" ".join(exc.messages))
        if stage == CountStage.VOTE and not marks["choice"]:
            errors = [_("请选择“同意罢免”“不同意罢免”或“弃权”。")]
    context["errors"] = errors
    if step in ("review", "cast") and not errors:
        if step == "cast":
            try:
                receipt = actions.do_cast(code=code, stage=stage, marks=marks)
            except CastRefused as exc:
                return evoting_views.vote_page(
                    request, "evoting/refused.html", {**context, "message": " ".join(exc.messages)}, exc.reason
                )
            return evoting_views.vote_page(request, "recall/vote_done.html", {**context, "receipt": receipt}, "cast")
        context["ballot"] = ballot
        context["for_names"] = [c["name"] for c in candidates if c["number"] in ballot.get("for", [])]
        context["against_names"] = [c["name"] for c in candidates if c["number"] in ballot.get("against", [])]
        context["warnings"] = selectors.by_ballot_warnings(petition, ballot) if stage != CountStage.VOTE else []
        return evoting_views.vote_page(request, "recall/vote_confirm.html", context, "review")
    return evoting_views.vote_page(request, "recall/vote.html", context, "ballot")


@login_required
@require_POST
def vote_count(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    return _post(
        request,
        election_id,
        petition_id,
        section="vote",
        staff=False,
        form=forms.VoteCountForm(request.POST),
        form_key="vote_form",
        call=lambda p, d: actions.do_enter_vote_count(request.user, petition=p, data=dict(d)),
        done=_("计票结果已录入。"),
    )


@login_required
@require_POST
def accept_vote(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    return _post(
        request,
        election_id,
        petition_id,
        section="vote",
        staff=False,
        form=forms.ConveneForm({}),
        call=lambda p, d: actions.do_accept_vote(request.user, petition=p),
        done=_("监票人已确认罢免表决计票结果。"),
    )


@login_required
@require_POST
def by_candidates(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    return _post(
        request,
        election_id,
        petition_id,
        section="by-election",
        form=forms.NumbersForm(request.POST),
        form_key="by_form",
        call=lambda p, d: actions.do_set_by_candidates(request.user, petition=p, text=d["numbers"]),
        done=_("补选候选人已确定。"),
    )


@login_required
@require_POST
def by_count(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    election, p = _petition(request, election_id, petition_id)
    names = dict(Member.objects.filter(election=election).values_list("number", "name"))
    form = forms.ByCountForm(request.POST, candidates=[(n, names.get(n, n)) for n in p.by_candidates])

    def call(petition: Petition, _d: Any) -> Any:
        return actions.do_enter_by_count(request.user, petition=petition, data=form.data_dict())

    return _post(
        request,
        election_id,
        petition_id,
        section="by-election",
        staff=False,
        form=form,
        form_key="by_count_form",
        call=call,
        done=_("补选计票结果已录入。"),
    )


@login_required
@require_POST
def accept_by_election(request: HttpRequest, election_id: int, petition_id: int) -> HttpResponse:
    return _post(
        request,
        election_id,
        petition_id,
        section="by-election",
        staff=False,
        form=forms.ConveneForm({}),
        call=lambda p, d: actions.do_accept_by_election(request.user, petition=p),
        done=_("监票人已确认补选计票结果。"),
    )
