"""Views of the paper count: parse the request, call an action or selector, render."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.paper.ballot_pdf import render_ballot
from zhixuan.paper.layout import ballot_layout
from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election
from zhixuan.web.meeting.models import Round
from zhixuan.web.tally import actions, selectors
from zhixuan.web.tally.models import SheetMode, TallySheet

_MARK_VALUES = ("for", "against", "abstain", "unclear")
_SEPARATORS = re.compile(r"[\s,，、;；]+")
# How many of the latest entries the fast entry screen shows after each ballot.
LEDGER_LATEST = 15


def _visible(request: HttpRequest, election_id: int) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def _round(request: HttpRequest, election_id: int, round_id: int) -> tuple[Election, Round]:
    election = _visible(request, election_id)
    rnd = selectors.round_of(election, round_id)
    if rnd is None:
        raise Http404
    return election, rnd


def _may_view(request: HttpRequest, election: Election, rnd: Round | None = None) -> bool:
    if access.can_run_election(request.user, election):
        return True
    meeting = rnd.meeting if rnd is not None else selectors.meeting_of(election)
    return meeting is not None and selectors.approved_officer(meeting, request.user) is not None


def _staff_or_officer(request: HttpRequest, election: Election, rnd: Round) -> None:
    if not _may_view(request, election, rnd):
        raise PermissionDenied


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or request.headers.get("HX-Request") == "true"


# --- rounds and the round page -------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _visible(request, election_id)
    if not _may_view(request, election):
        raise PermissionDenied
    return render(request, "tally/rounds.html", {"election": election, "rows": selectors.panel_rounds(election)})


@login_required
def round_detail(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _round(request, election_id, round_id)
    _staff_or_officer(request, election, rnd)
    ctx = selectors.write_in_context(rnd, elected=selectors.elected_so_far(election))
    state = selectors.paper_state(rnd, ctx=ctx)
    return render(
        request,
        "tally/round.html",
        {
            "election": election,
            "round": rnd,
            "state": state,
            "issues": selectors.issues(rnd),
            "candidates": selectors.candidate_labels(rnd),
            "active_codes": selectors.active_codes(rnd),
            "is_teller": selectors.teller_of(rnd.meeting, request.user) is not None,
            "my_sheet": selectors.sheet_for(rnd, request.user),
        },
    )


@login_required
def ballot_pdf(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    """The round's A4 ballot (S1: no serial; the QR code names election, round and style only)."""
    election, rnd = _round(request, election_id, round_id)
    _staff_or_officer(request, election, rnd)
    if not rnd.candidates:
        raise Http404
    pdf = render_ballot(ballot_layout(selectors.ballot_spec(rnd)))
    response = HttpResponse(pdf, content_type="application/pdf")
    safe_key = re.sub(r"[^A-Za-z0-9_-]+", "-", rnd.key)
    response["Content-Disposition"] = f'inline; filename="ballot-{election.pk}-{safe_key}.pdf"'
    return response


@login_required
@require_POST
def record_issue(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _round(request, election_id, round_id)
    _staff_or_officer(request, election, rnd)
    count = _int(request.POST.get("count"))
    try:
        if count is None:
            raise ValidationError(_("发出票数须为正整数"))
        actions.do_record_issue(request.user, round=rnd, count=count)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已记录发出选票 %(count)s 张") % {"count": count})
    return redirect("tally:round", election.pk, rnd.pk)


@login_required
@require_POST
def agree(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _round(request, election_id, round_id)
    _staff_or_officer(request, election, rnd)
    try:
        state = actions.do_agree_sheets(request.user, round=rnd)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if state.void:
            messages.error(request, _("两份录入一致，但收回选票多于发出选票，本轮选举无效，须重新投票 (M6)"))
        else:
            messages.success(request, _("两名计票人的录入一致，已确认为本轮纸质票计票结果"))
    return redirect("tally:round", election.pk, rnd.pk)


# --- a teller's sheet ----------------------------------------------------------------------------


def _teller_round(request: HttpRequest, election_id: int, round_id: int) -> tuple[Election, Round]:
    election, rnd = _round(request, election_id, round_id)
    if selectors.teller_of(rnd.meeting, request.user) is None:
        raise PermissionDenied
    return election, rnd


def _own_sheet(request: HttpRequest, rnd: Round) -> TallySheet:
    sheet = selectors.sheet_for(rnd, request.user)
    if sheet is None:
        raise Http404
    return sheet


def _ledger_context(rnd: Round, sheet: TallySheet, limit: int | None) -> dict[str, Any]:
    rows = selectors.ledger(sheet, rnd)
    return {
        "round": rnd,
        "sheet": sheet,
        "rows": rows if limit is None else rows[:limit],
        "more": 0 if limit is None else max(0, len(rows) - limit),
        "entered": sum(r.entry.count for r in rows),
        "invalid": sum(r.entry.count for r in rows if not r.valid),
    }


@login_required
def sheet(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _teller_round(request, election_id, round_id)
    own = selectors.sheet_for(rnd, request.user)
    context: dict[str, Any] = {
        "election": election,
        "round": rnd,
        "sheet": own,
        "candidates": selectors.candidate_labels(rnd),
        "write_ins_allowed": selectors.write_in_rows(rnd) > 0 or rnd.kind != "revote",
        "has_electronic": rnd.electronic_ballots.exists(),
    }
    if own is not None and own.mode == SheetMode.BALLOTS:
        context.update(_ledger_context(rnd, own, None))
        context["sheet"] = own
    if own is not None and own.mode == SheetMode.TOTALS:
        totals = own.totals if selectors.has_totals(own) else None
        context["totals"] = totals
        context["totals_rows"] = [
            (number, label, (totals.candidates.get(number, {}) if totals else {}))
            for number, label in context["candidates"]
        ]
    return render(request, "tally/sheet.html", context)


@login_required
@require_POST
def start_sheet(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _teller_round(request, election_id, round_id)
    try:
        actions.do_start_sheet(request.user, round=rnd, mode=request.POST.get("mode", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("tally:sheet", election.pk, rnd.pk)


def _marks_from_post(request: HttpRequest, rnd: Round) -> dict[str, Any]:
    chosen: dict[str, list[str]] = {"for": [], "against": [], "unclear": []}
    for number in rnd.candidates:
        value = request.POST.get(f"m-{number}", "abstain")
        if value not in _MARK_VALUES:
            raise ValidationError(_("%(number)s 的标记“%(value)s”无法识别") % {"number": number, "value": value})
        if value != "abstain":
            chosen[value].append(number)
    written = [w for w in _SEPARATORS.split(request.POST.get("write_ins", "")) if w]
    marks: dict[str, Any] = {k: v for k, v in chosen.items() if v}
    if written:
        marks["write_ins"] = [{"name": w, "for": True} for w in written]
    return marks


def _after_entry(request: HttpRequest, election: Election, rnd: Round, sheet_row: TallySheet, error: str = "") -> Any:
    if _wants_fragment(request):
        context = _ledger_context(rnd, sheet_row, LEDGER_LATEST)
        context["error"] = error
        return render(request, "tally/_ledger.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("tally:sheet", election.pk, rnd.pk)


@login_required
@require_POST
def add_ballot(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _teller_round(request, election_id, round_id)
    own = _own_sheet(request, rnd)
    count = _int(request.POST.get("count") or "1")
    try:
        if count is None:
            raise ValidationError(_("相同选票张数须为正整数"))
        marks = _marks_from_post(request, rnd)
        actions.do_add_ballot(request.user, sheet=own, marks=marks, count=count)
    except ValidationError as exc:
        return _after_entry(request, election, rnd, own, " ".join(exc.messages))  # type: ignore[no-any-return]
    return _after_entry(request, election, rnd, own)  # type: ignore[no-any-return]


@login_required
@require_POST
def remove_entry(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    """Undo the last ballot, or remove the entry named by ``entry``."""
    election, rnd = _teller_round(request, election_id, round_id)
    own = _own_sheet(request, rnd)
    try:
        actions.do_remove_entry(request.user, sheet=own, entry_id=_int(request.POST.get("entry")))
    except ValidationError as exc:
        return _after_entry(request, election, rnd, own, " ".join(exc.messages))  # type: ignore[no-any-return]
    return _after_entry(request, election, rnd, own)  # type: ignore[no-any-return]


@login_required
@require_POST
def set_totals(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _teller_round(request, election_id, round_id)
    own = _own_sheet(request, rnd)
    names = dict(selectors.candidate_labels(rnd))
    labels = {"collected": _("收回票数"), "valid": _("有效票"), "invalid": _("无效票")}
    try:
        numbers: dict[str, int] = {}
        for key, label in labels.items():
            value = _int(request.POST.get(key))
            if value is None or value < 0:
                raise ValidationError(_("“%(field)s”须填写非负整数") % {"field": label})
            numbers[key] = value
        candidates: dict[str, dict[str, int]] = {}
        choice_labels = {"for": _("赞成"), "against": _("不赞成"), "abstain": _("弃权")}
        for number in rnd.candidates:
            row: dict[str, int] = {}
            for choice, label in choice_labels.items():
                value = _int(request.POST.get(f"{choice}-{number}"))
                if value is None or value < 0:
                    raise ValidationError(
                        _("%(name)s 的“%(field)s”票数须填写非负整数") % {"name": names[number], "field": label}
                    )
                row[choice] = value
            candidates[number] = row
        actions.do_set_totals(
            request.user,
            sheet=own,
            collected=numbers["collected"],
            valid=numbers["valid"],
            invalid=numbers["invalid"],
            candidates=candidates,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("汇总票数已保存，核对无误后请提交"))
    return redirect("tally:sheet", election.pk, rnd.pk)


@login_required
@require_POST
def submit_sheet(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    election, rnd = _teller_round(request, election_id, round_id)
    own = _own_sheet(request, rnd)
    collected = _int(request.POST.get("collected"))
    try:
        if collected is None:
            raise ValidationError(_("请填写从票箱收回的选票张数"))
        actions.do_submit_sheet(request.user, sheet=own, collected=collected)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("tally:sheet", election.pk, rnd.pk)
    messages.success(request, _("录入已提交，待与另一名计票人的录入核对"))
    return redirect("tally:round", election.pk, rnd.pk)
