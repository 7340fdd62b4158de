"""Views of electronic voting: the code desk (staff), the phone voting page (code, no login), receipts.

Voting pages answer 200 whatever the outcome and say it in the page (and in ``X-Vote-Status``):
Django logs 4xx responses with their path, and the path carries the code; no log line should.
"""

from __future__ import annotations

import json
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election
from zhixuan.web.evoting import actions, selectors
from zhixuan.web.evoting.actions import CastRefused
from zhixuan.web.meeting.models import Round


def _election(request: HttpRequest, election_id: int) -> Election:
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    if not access.can_run_election(request.user, election):
        raise PermissionDenied
    return election


def _private(response: HttpResponse) -> HttpResponse:
    """Pages showing a code or a receipt: never cached, and the URL is never sent on as a referrer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- the code desk ------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    meeting = selectors.meeting_of(election)
    counts = selectors.desk_counts(meeting) if meeting is not None else None
    return render(
        request,
        "evoting/desk.html",
        {
            "election": election,
            "meeting": meeting,
            "counts": counts,
            "round_title": selectors.round_title(counts.open_round) if counts and counts.open_round else "",
        },
    )


@login_required
@require_POST
def issue(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    meeting = selectors.meeting_of(election)
    if meeting is None:
        raise Http404
    try:
        code = actions.do_issue_code(request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evoting:desk", election.pk)
    return slip(request, election=election, meeting=meeting, code=code)


def slip(request: HttpRequest, *, election: Election, meeting: Any, code: str, **extra: Any) -> HttpResponse:
    """The check-in slip with the voting code and the QR code of its voting page: shown once, never cached.
    Also printed by the recall meeting's check-in (``extra``: ``back``, ``recall``)."""
    url = request.build_absolute_uri(reverse("evoting:vote", args=[code]))
    qr = segno.make(url, error="m").svg_inline(scale=4, dark="#000", border=2)
    context = {"election": election, "meeting": meeting, "code": code, "url": url, "qr": qr, **extra}
    return _private(render(request, "evoting/slip.html", context))


@login_required
@require_POST
def deactivate(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    meeting = selectors.meeting_of(election)
    if meeting is None:
        raise Http404
    code = request.POST.get("code", "")
    try:
        actions.do_deactivate_code(request.user, meeting=meeting, code=code)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("投票码 %(code)s 已收回，不能再投票。") % {"code": actions.format_code(code)})
    return redirect("evoting:desk", election.pk)


# --- the voting page ----------------------------------------------------------------------------


def enter_code(request: HttpRequest) -> HttpResponse:
    """``/v/``: type the code from the slip when the QR code cannot be scanned."""
    code = actions.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("evoting:vote", actions.format_code(code))
    return _private(render(request, "evoting/enter.html", {}))


def _parse(request: HttpRequest, rnd: Round, candidates: list[dict[str, str]]) -> tuple[dict[str, str], list[str]]:
    marks = {c["number"]: request.POST.get(f"mark-{c['number']}", "abstain") for c in candidates}
    rows = [request.POST.get(f"write-in-{i}", "") for i in range(rnd.seats)] if selectors.write_ins_allowed(rnd) else []
    return marks, rows


def vote_page(request: HttpRequest, template: str, context: dict[str, Any], status: str) -> HttpResponse:
    """A voting page: private, and its outcome in ``X-Vote-Status`` (also the recall meeting's pages)."""
    return _page(request, template, context, status)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: str) -> HttpResponse:
    response = _private(render(request, template, context))
    response["X-Vote-Status"] = status
    return response


@csrf_exempt  # authorised by the code in the URL, not by a cookie: a forged request would need the code
def vote(request: HttpRequest, code: str) -> HttpResponse:
    voting = selectors.voting_code(code)
    base: dict[str, Any] = {"code": actions.format_code(code)}
    if voting is None:
        from zhixuan.web.recall import selectors as recall_selectors
        from zhixuan.web.recall import views as recall_views

        recall_code = recall_selectors.voting_code(code)
        if recall_code is not None:  # a code of a recall meeting's check-in slip: the same page, its ballot
            return recall_views.vote(request, code, recall_code)
        return _page(
            request, "evoting/refused.html", {**base, "message": _("投票码无效，请核对投票码。")}, "unknown_code"
        )
    if not voting.active:
        return _page(
            request, "evoting/refused.html", {**base, "message": _("此投票码已收回，不能投票。")}, "inactive_code"
        )
    election = voting.meeting.election
    rnd = selectors.open_round(voting.meeting)
    base.update({"election": election, "meeting": voting.meeting})
    if request.method == "POST" and request.POST.get("round") and (rnd is None or str(rnd.pk) != request.POST["round"]):
        message = _("您提交的这一轮投票已经结束，选票没有保存。")
        return _page(request, "evoting/refused.html", {**base, "message": message}, "round_not_open")
    if rnd is None:
        return _page(request, "evoting/waiting.html", base, "waiting")
    candidates = selectors.ballot_candidates(rnd)
    context = {
        **base,
        "round": rnd,
        "round_title": selectors.round_title(rnd),
        "candidates": candidates,
        "write_ins_allowed": selectors.write_ins_allowed(rnd),
    }
    step = request.POST.get("step", "") if request.method == "POST" else ""
    marks, rows = (
        _parse(request, rnd, candidates) if step else ({c["number"]: "abstain" for c in candidates}, [""] * rnd.seats)
    )
    errors: list[str] = []
    write_ins: list[str] = []
    for i, text in enumerate(rows, start=1):
        number, error = selectors.resolve_write_in(election, text)
        if error:
            errors.append(_("另选第 %(row)s 行：%(error)s") % {"row": i, "error": error})
        elif number:
            write_ins.append(number)
    bad = [n for n, m in marks.items() if m not in actions.MARK_CHOICES]
    if bad:
        errors.append(_("候选人 %(who)s 的标记无效，请重新选择。") % {"who": "、".join(bad)})
    try:
        ballot = actions.clean_marks(rnd, {n: m for n, m in marks.items() if n not in bad}, write_ins)
    except CastRefused as exc:
        errors.append(" ".join(exc.messages))
        ballot = {}
    context.update({"marks": marks, "rows": rows, "errors": errors})
    if step in ("review", "cast") and not errors:
        if step == "cast":
            try:
                receipt = actions.do_cast_ballot(code=code, round_id=rnd.pk, ballot=ballot)
            except CastRefused as exc:
                return _page(
                    request, "evoting/refused.html", {**context, "message": " ".join(exc.messages)}, exc.reason
                )
            return _page(request, "evoting/done.html", {**context, "receipt": receipt}, "cast")
        context.update(
            {
                "ballot": ballot,
                "for_names": [c for c in candidates if c["number"] in ballot["for"]],
                "against_names": [c for c in candidates if c["number"] in ballot["against"]],
                "write_in_labels": selectors.write_in_labels(election, ballot),
                "warnings": selectors.ballot_warnings(rnd, ballot),
            }
        )
        return _page(request, "evoting/confirm.html", context, "review")
    context["choices"] = selectors.write_in_choices(election) if context["write_ins_allowed"] else []
    context["mark_choices"] = [("for", _("赞成")), ("against", _("不赞成")), ("abstain", _("弃权"))]
    return _page(request, "evoting/vote.html", context, "ballot")


@csrf_exempt  # authorised by the code in the body, not by a cookie
@require_POST
def cast(request: HttpRequest) -> HttpResponse:
    """``POST /v/cast/``: the confirm step, as the phone page sends it with ``fetch`` (without JavaScript
    the same form posts to ``/v/<code>/``). Fields: ``code``, ``round``, ``mark-<number>``,
    ``write-in-<row>``. Answers ``{"status": "cast", "receipt": ...}`` or ``{"status": <reason>,
    "message": ...}``, always 200 with ``X-Vote-Status``, like the pages.

    The hot path of a meeting: one read, one short transaction, no template, no session.
    """
    code = request.POST.get("code", "")
    try:
        round_id = int(request.POST.get("round", ""))
    except ValueError:
        round_id = 0
    if not 0 < round_id < 2**31:
        return _answer("round_not_open", message=_("本轮投票未在进行中，选票没有保存。"))
    marks = {key[5:]: value for key, value in request.POST.items() if key.startswith("mark-")}
    rows = {key: value for key, value in request.POST.items() if key.startswith("write-in-") and value.strip()}
    try:
        write_ins: list[str] = []
        if rows:  # rare: resolve the typed names or numbers as the review step did
            write_ins, errors = selectors.write_in_numbers(round_id, rows)
            if errors:
                raise CastRefused(" ".join(errors), "bad_ballot")
        receipt = actions.do_cast_marks(code=code, round_id=round_id, marks=marks, write_ins=write_ins)
    except CastRefused as exc:
        return _answer(exc.reason, message=" ".join(exc.messages))
    return _answer("cast", receipt=receipt)


def _answer(status: str, **fields: str) -> HttpResponse:
    response = HttpResponse(json.dumps({"status": status, **fields}, ensure_ascii=False), "application/json")
    response["X-Vote-Status"] = status
    return _private(response)


# --- the public receipt lookup ------------------------------------------------------------------


def receipt(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("receipt", "").strip()
    status = selectors.receipt_status(text) if text else None
    return _private(render(request, "evoting/receipt.html", {"receipt": text, "status": status}))
