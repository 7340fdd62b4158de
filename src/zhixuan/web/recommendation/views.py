"""Views of the recommendation stages: parse the request, call an action or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.rules.stage_presets import MEMBERS, PUBLIC, STAGE_PRESETS
from zhixuan.web.accounts import selectors as access
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections.models import Election, Position
from zhixuan.web.recommendation import actions, forms, selectors
from zhixuan.web.recommendation.models import (
    BallotSource,
    LotPurpose,
    RecommendationBallot,
    RecommendationStage,
    StageGroup,
    StageStatus,
)
from zhixuan.web.roster.models import Member, PublicRep


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


def _stage(election: Election, key: str) -> RecommendationStage:
    stage = selectors.stage(election, key)
    if stage is None:
        raise Http404
    return stage


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- overview and set-up ------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    stage_list = list(selectors.stages(election))
    nominees = selectors.nominees(election)
    return render(
        request,
        "recommendation/overview.html",
        {
            "election": election,
            "stages": stage_list,
            "can_run": access.can_run_election(request.user, election),
            "has_preset": bool(STAGE_PRESETS.get(election.preset)),
            "editable": any(s.status == StageStatus.PREPARING for s in stage_list),
            "nominee_rows": [(name, nominees.get(kind, [])) for kind, name in selectors.position_choices(election)],
            "speech_lot": selectors.lot_view(election, LotPurpose.SPEECH),
        },
    )


@login_required
@require_POST
def create_stages(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _run(request, election_id)
    try:
        actions.do_create_stages(request.user, election=election)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已按选举程序设置推荐环节。"))
    return redirect("recommendation:overview", election.pk)


@login_required
@require_POST
def configure(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _run(request, election_id)
    try:
        inputs = forms.stage_inputs(request.POST, selectors.stages(election))
        actions.do_configure_stages(request.user, election=election, stages=inputs)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("推荐环节设置已保存。"))
    return redirect("recommendation:overview", election.pk)


@login_required
@require_POST
def stage_status(request: HttpRequest, election_id: int, stage_key: str, verb: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    do = {"open": actions.do_open_stage, "close": actions.do_close_stage}.get(verb)
    if do is None:
        raise Http404
    try:
        do(request.user, stage=stage)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("%(stage)s：%(status)s") % {"stage": stage.name, "status": stage.get_status_display()}
        )
    return redirect("recommendation:stage", election.pk, stage.key)


# --- one stage: check-in, ballots, totals, codes ----------------------------------------------


def _stage_context(request: HttpRequest, election: Election, stage: RecommendationStage) -> dict[str, Any]:
    nominees = selectors.nominees(election)
    positions = [(kind, name, nominees.get(kind, [])) for kind, name in selectors.position_choices(election)]
    return {
        "election": election,
        "stage": stage,
        "groups": list(stage.groups.all()),
        "other_groups": [g for g in stage.groups.all() if g.key not in (MEMBERS, PUBLIC)],
        "counts": selectors.group_counts(stage),
        "recent": selectors.recent_checkins(stage),
        "positions": positions,
        "ballots": RecommendationBallot.objects.filter(stage=stage, source=BallotSource.PAPER)
        .select_related("group")
        .order_by("-pk")[:20],
        "totals": stage.totals.select_related("group", "position").order_by("group__order", "position__order"),
        "can_run": access.can_run_election(request.user, election),
        "MEMBERS": MEMBERS,
        "PUBLIC": PUBLIC,
    }


@login_required
def stage_page(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _visible(request, election_id)
    stage = _stage(election, stage_key)
    return render(request, "recommendation/stage.html", _stage_context(request, election, stage))


@login_required
def counts(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _visible(request, election_id)
    stage = _stage(election, stage_key)
    return render(
        request,
        "recommendation/_counts.html",
        {"stage": stage, "counts": selectors.group_counts(stage), "recent": selectors.recent_checkins(stage)},
    )


def _group(stage: RecommendationStage, raw: str | None) -> StageGroup:
    try:
        return stage.groups.get(pk=int(raw or ""))
    except (ValueError, StageGroup.DoesNotExist):
        raise ValidationError(_("请选择推荐组。")) from None


@login_required
def checkin_search(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    try:
        group = _group(stage, request.GET.get("group"))
    except ValidationError:
        return HttpResponse("")
    query = request.GET.get("q", "")
    return render(
        request,
        "recommendation/_checkin_hits.html",
        {
            "election": election,
            "stage": stage,
            "group": group,
            "query": query,
            "hits": selectors.search_roster(stage, group, query),
        },
    )


@login_required
@require_POST
def checkin(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    error = ""
    done = ""
    try:
        group = _group(stage, request.POST.get("group"))
        member = public_rep = None
        if request.POST.get("member"):
            member = Member.objects.filter(election=election, pk=request.POST["member"]).first()
            if member is None:
                raise ValidationError(_("名册中找不到该党员。"))
        if request.POST.get("public_rep"):
            public_rep = PublicRep.objects.filter(election=election, pk=request.POST["public_rep"]).first()
            if public_rep is None:
                raise ValidationError(_("名册中找不到该群众代表。"))
        row = actions.do_check_in(
            request.user,
            stage=stage,
            group=group,
            member=member,
            public_rep=public_rep,
            other_name=request.POST.get("other_name", ""),
        )
    except ValidationError as exc:
        error = "；".join(exc.messages)
    else:
        who = row.member or row.public_rep or row.other_name
        done = _("%(who)s 已签到（%(group)s）。") % {"who": who, "group": group.name}
    if request.headers.get("HX-Request"):
        context = {
            "stage": stage,
            "counts": selectors.group_counts(stage),
            "recent": selectors.recent_checkins(stage),
            "error": error,
            "done": done,
        }
        return render(request, "recommendation/_counts.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("recommendation:stage", election.pk, stage.key)


@login_required
@require_POST
def paper_ballot(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    try:
        group = _group(stage, request.POST.get("group"))
        count = forms.whole_number(request.POST, "count", _("相同选票张数"), default=1)
        ticked = forms.picks(request.POST, [kind for kind, _name in selectors.position_choices(election)])
        actions.do_record_paper_ballot(request.user, stage=stage, group=group, picks=ticked, count=count)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已录入 %(n)s 张推荐票（%(group)s）。") % {"n": count, "group": group.name})
    return redirect(f"{_stage_url(election, stage)}#paper")


@login_required
@require_POST
def delete_ballot(request: HttpRequest, election_id: int, stage_key: str, ballot_id: int) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    ballot = get_object_or_404(RecommendationBallot.objects.select_related("group", "stage"), pk=ballot_id, stage=stage)
    try:
        actions.do_delete_paper_ballot(request.user, ballot=ballot)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已删除该条纸质推荐票记录。"))
    return redirect(f"{_stage_url(election, stage)}#paper")


@login_required
@require_POST
def group_total(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    try:
        group = _group(stage, request.POST.get("group"))
        position = Position.objects.filter(election=election, kind=request.POST.get("position", "")).first()
        if position is None:
            raise ValidationError(_("请选择职位。"))
        people = [(n.number, n.name) for n in selectors.nominees(election).get(position.kind, [])]
        valid = forms.whole_number(request.POST, "valid", _("有效票数"))
        votes = forms.votes(request.POST, people)
        actions.do_record_group_total(
            request.user, stage=stage, group=group, position=position, valid=valid, votes=votes
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("已保存 %(group)s 对 %(position)s 的计票结果。")
            % {"group": group.name, "position": position.get_kind_display()},
        )
    return redirect(f"{_stage_url(election, stage)}#totals")


@login_required
@require_POST
def issue_codes(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    try:
        group = _group(stage, request.POST.get("group"))
        codes = actions.do_issue_codes(request.user, stage=stage, group=group)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(f"{_stage_url(election, stage)}#codes")
    vote_url = request.build_absolute_uri("/r/")
    response = render(
        request,
        "recommendation/codes.html",
        {"election": election, "stage": stage, "group": group, "codes": codes, "vote_url": vote_url},
    )
    response["Cache-Control"] = "no-store"
    return response


def _stage_url(election: Election, stage: RecommendationStage) -> str:
    from django.urls import reverse

    return reverse("recommendation:stage", args=[election.pk, stage.key])


# --- projector and its controls ---------------------------------------------------------------


@login_required
def screen(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _visible(request, election_id)
    stage = _stage(election, stage_key)
    return render(request, "recommendation/screen.html", {"election": election, "s": selectors.screen_state(stage)})


@login_required
def screen_live(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _visible(request, election_id)
    stage = _stage(election, stage_key)
    return render(
        request, "recommendation/_screen_live.html", {"election": election, "s": selectors.screen_state(stage)}
    )


@login_required
def control(request: HttpRequest, election_id: int, stage_key: str) -> HttpResponse:
    election = _run(request, election_id)
    stage = _stage(election, stage_key)
    if request.method == "POST":
        do = {
            "next": actions.do_next_speaker,
            "start": actions.do_start_clock,
            "pause": actions.do_pause_clock,
        }.get(request.POST.get("verb", ""))
        if do is None:
            messages.error(request, _("未知操作。"))
        else:
            try:
                do(request.user, stage=stage)
            except ValidationError as exc:
                _errors(request, exc)
        return redirect("recommendation:control", election.pk, stage.key)
    return render(
        request,
        "recommendation/control.html",
        {
            "election": election,
            "stage": stage,
            "s": selectors.screen_state(stage),
            "order": selectors.speech_order(election),
        },
    )


# --- lots -------------------------------------------------------------------------------------


def _lot_election(request: HttpRequest, election_id: int) -> Election:
    """Observers watch the lot: open to anyone once the election is announced, else to its staff."""
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        election = Election.objects.filter(pk=election_id, announced_at__isnull=False).first()
    if election is None:
        raise Http404
    return election


def lot_page(request: HttpRequest, election_id: int, purpose: str) -> HttpResponse:
    if purpose not in LotPurpose.values:
        raise Http404
    election = _lot_election(request, election_id)
    can_run = access.can_run_election(request.user, election)
    view = selectors.lot_view(election, purpose)
    context: dict[str, Any] = {
        "election": election,
        "purpose": purpose,
        "purpose_label": LotPurpose(purpose).label,
        "lot": view,
        "can_run": can_run,
        "chain_head": chain_head(election.audit_chain),
    }
    if purpose == LotPurpose.SPEECH:
        context["items"] = selectors.speaker_list(election)
    else:
        context["needs"] = selectors.selection_lot_needed(election)
    if request.headers.get("HX-Request"):
        return render(request, "recommendation/_lot_body.html", context)
    return render(request, "recommendation/lot.html", context)


@login_required
@require_POST
def lot_commit(request: HttpRequest, election_id: int, purpose: str) -> HttpResponse:
    election = _run(request, election_id)
    try:
        actions.do_commit_lot(request.user, election=election, purpose=purpose)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("承诺值已公布，请在观察员面前读出公开随机数后抽签 (L1)。"))
    return redirect("recommendation:lot", election.pk, purpose)


@login_required
@require_POST
def lot_draw(request: HttpRequest, election_id: int, purpose: str) -> HttpResponse:
    election = _run(request, election_id)
    row = selectors.lot(election, purpose)
    if row is None:
        raise Http404
    try:
        actions.do_draw_lot(request.user, lot=row, entropy=request.POST.get("entropy", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("抽签完成，秘密值已公开，任何人都可以复核 (L1)。"))
    return redirect("recommendation:lot", election.pk, purpose)


# --- results ----------------------------------------------------------------------------------


@login_required
def results(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    return render(
        request,
        "recommendation/results.html",
        {
            "election": election,
            "r": selectors.stage_results(election),
            "can_run": access.can_run_election(request.user, election),
        },
    )


# --- online recommendation with a one-time code (no login) ------------------------------------


def vote(request: HttpRequest, code: str) -> HttpResponse:
    from zhixuan.web.recommendation.models import VotingCode

    voting = (
        VotingCode.objects.filter(code_hash=actions.code_hash(code)).select_related("stage__election", "group").first()
    )
    if voting is None:
        return render(
            request, "recommendation/vote_refused.html", {"reason": _("推荐码无效，请核对后重新输入。")}, status=404
        )
    stage = voting.stage
    election = stage.election
    if voting.used:
        return render(
            request, "recommendation/vote_refused.html", {"reason": _("该推荐码已经使用过，每个推荐码只能投一次。")}
        )
    if stage.status != StageStatus.OPEN:
        return render(
            request,
            "recommendation/vote_refused.html",
            {"reason": _("%(stage)s 未在进行中，不能推荐。") % {"stage": stage.name}},
        )
    nominees = selectors.nominees(election)
    positions = [
        (kind, name, nominees.get(kind, []), p.seats)
        for (kind, name), p in zip(
            selectors.position_choices(election), election.positions.order_by("order"), strict=True
        )
        if nominees.get(kind)
    ]
    error = ""
    if request.method == "POST":
        try:
            actions.do_cast_online(code, picks=forms.picks(request.POST, [k for k, *_rest in positions]))
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            response = render(request, "recommendation/vote_done.html", {"election": election, "stage": stage})
            response["Cache-Control"] = "no-store"
            return response
    response = render(
        request,
        "recommendation/vote.html",
        {"election": election, "stage": stage, "group": voting.group, "positions": positions, "error": error},
        status=422 if error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def vote_entry(request: HttpRequest) -> HttpResponse:
    """The page a printed code points to: type the code, go to its ballot."""
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("recommendation:vote", code="".join(ch for ch in code.upper() if ch.isalnum() or ch == "-"))
    return render(request, "recommendation/vote_entry.html", {})
