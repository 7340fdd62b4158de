"""Views of the paper count: parse the request, call an action or selector, render."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.conf import settings as django_settings
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
from zhixuan.web.tally import actions, scanning, selectors
from zhixuan.web.tally.models import ScanStatus, SheetMode, TallySheet

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


# --- scanned ballots -----------------------------------------------------------------------------

# How a teller's keys name a row's reading on the adjudication screen.
ADJUDICATION_KEYS = (("for", "1"), ("against", "2"), ("abstain", "3"), ("none", "0"), ("unclear", "?"))


def _choice_labels() -> dict[str, str]:
    return {
        "for": _("赞成"),
        "against": _("不赞成"),
        "abstain": _("弃权格"),
        "none": _("无标记"),
        "unclear": _("无法辨认"),
    }


def _described(marks: Any, names: dict[str, str]) -> SimpleNamespace | None:
    if marks is None:
        return None
    zh, en = selectors.describe(marks, names)
    return SimpleNamespace(zh=zh, en=en)


def _scan_context(request: HttpRequest, election: Election, rnd: Round) -> dict[str, Any]:
    status = request.GET.get("status", "")
    sheets = selectors.scanned_sheets(rnd).prefetch_related("decisions")
    if status in ScanStatus.values:
        sheets = sheets.filter(status=status)
    if status == "pending":
        sheets = sheets.filter(status=ScanStatus.ADJUDICATE, marks__isnull=True)
    mine = selectors.next_to_adjudicate(rnd, request.user) if selectors.teller_of(rnd.meeting, request.user) else None
    names = dict(selectors.candidate_labels(rnd))
    return {
        "election": election,
        "round": rnd,
        "summary": selectors.scan_summary(rnd),
        "batches": selectors.scan_batches(rnd),
        "sheets": [(sheet, _described(sheet.marks, names)) for sheet in sheets],
        "status": status,
        "refused": selectors.scanned_sheets(rnd).filter(status=ScanStatus.REFUSED),
        "may_upload": actions.may_upload(request.user, rnd),
        "is_teller": selectors.teller_of(rnd.meeting, request.user) is not None,
        "next_mine": mine,
        "agreed": rnd.tally_sheets.filter(agreed=True).exists(),
        "max_files": django_settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }


@login_required
def scans(request: HttpRequest, election_id: int, round_id: int) -> HttpResponse:
    """The round's scanned sheets; a POST uploads more and shows how each file and page was read."""
    election, rnd = _round(request, election_id, round_id)
    _staff_or_officer(request, election, rnd)
    result = None
    status = 200
    if request.method == "POST":
        files = request.FILES.getlist("files")
        uploads = [scanning.Upload(f.name or "", f.read()) for f in files]
        try:
            result = actions.do_upload_scans(request.user, round=rnd, files=uploads)
        except ValidationError as exc:
            _errors(request, exc)
            status = 422
        else:
            batch = result.batch
            messages.success(
                request,
                _("已上传 %(n)s 张：读取 %(read)s 张，须裁定 %(adj)s 张，拒收 %(refused)s 张")
                % {
                    "n": len(result.pages),
                    "read": batch.sheets_read,
                    "adj": batch.sheets_adjudicate,
                    "refused": batch.sheets_refused,
                },
            )
    context = _scan_context(request, election, rnd)
    if result is not None:
        context["result"] = list(zip(result.pages, result.sheets, strict=True))
    return render(request, "tally/scans.html", context, status=status)


def _scan_sheet(request: HttpRequest, election_id: int, round_id: int, sheet_id: str) -> tuple[Election, Round, Any]:
    election, rnd = _round(request, election_id, round_id)
    _staff_or_officer(request, election, rnd)
    sheet = selectors.sheet_of(rnd, sheet_id)
    if sheet is None:
        raise Http404
    return election, rnd, sheet


@login_required
def scan_image(request: HttpRequest, election_id: int, round_id: int, sheet_id: str) -> HttpResponse:
    """The sheet as read (boxes outlined), or one printed row of it (``?row=N``); never public."""
    _election, rnd, sheet = _scan_sheet(request, election_id, round_id, sheet_id)
    row = _int(request.GET.get("row"))
    data = bytes(sheet.image) if row is None else selectors.row_image(sheet, rnd, row)
    if not data:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def scan_sheet(request: HttpRequest, election_id: int, round_id: int, sheet_id: str) -> HttpResponse:
    """The adjudication screen: the annotated image beside the reading, a keyboard form per candidate row."""
    election, rnd, sheet = _scan_sheet(request, election_id, round_id, sheet_id)
    is_teller = selectors.teller_of(rnd.meeting, request.user) is not None
    rows = selectors.sheet_rows(sheet, rnd)
    shown = selectors.decisions(sheet, rnd)
    own = next((d for d in shown if d.teller_id == request.user.pk), None)
    # A teller decides on their own first: the other decisions show once they have decided (or to scrutineers).
    others_visible = own is not None or not is_teller
    prefill = {}
    for r in rows:
        if r.kind == "candidate" and r.number is not None:
            prefill[r.number] = own.choices.get(r.number) if own is not None else r.read
    written = [str(w["name"]) for w in own.marks.get("write_ins", [])] if own is not None else []
    differ = len(shown) >= 2 and sheet.unresolved
    labels = _choice_labels()
    names = dict(selectors.candidate_labels(rnd))
    comparison = []
    if others_visible and shown:
        for number in rnd.candidates:
            values = [labels.get(d.choices.get(number, ""), "—") for d in shown]
            comparison.append((names[number], values, len({d.choices.get(number) for d in shown} - {None}) > 1))
        write_ins = [", ".join(str(w["name"]) for w in d.marks.get("write_ins", [])) or "—" for d in shown]
        if any(w != "—" for w in write_ins):
            comparison.append((_("另选他人"), write_ins, len(set(write_ins)) > 1))
    return render(
        request,
        "tally/scan_sheet.html",
        {
            "election": election,
            "round": rnd,
            "sheet": sheet,
            "rows": rows,
            "candidate_rows": [(r, prefill.get(r.number or "")) for r in rows if r.kind == "candidate"],
            "write_in_rows": [r for r in rows if r.kind == "write_in"],
            "keys": ADJUDICATION_KEYS,
            "is_teller": is_teller,
            "is_officer": selectors.approved_officer(rnd.meeting, request.user) is not None,
            "own": own,
            "written": " ".join(written),
            "decisions": shown if others_visible else [],
            "hidden_decisions": 0 if others_visible else len(shown),
            "differ": differ,
            "open": rnd.status == "closed" and not rnd.tally_sheets.filter(agreed=True).exists(),
            "reasons": sheet.reading.get("reasons", []),
            "comparison": comparison,
            "choice_labels": labels,
            "counted": _described(sheet.marks, names),
            "proposed": _described(sheet.reading.get("ballot") or sheet.reading.get("proposed"), names),
        },
    )


@login_required
@require_POST
def adjudicate(request: HttpRequest, election_id: int, round_id: int, sheet_id: str) -> HttpResponse:
    election, rnd, sheet = _scan_sheet(request, election_id, round_id, sheet_id)
    choices = {number: request.POST.get(f"m-{number}", "") for number in rnd.candidates}
    written = [w for w in _SEPARATORS.split(request.POST.get("write_ins", "")) if w]
    try:
        actions.do_adjudicate(request.user, sheet=sheet, choices=choices, write_ins=written)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("tally:scan_sheet", election.pk, rnd.pk, sheet.pk)
    sheet.refresh_from_db()
    if not sheet.unresolved:
        messages.success(request, _("两名计票人的裁定一致，这张选票已计入"))
    elif sheet.decisions.count() >= 2:
        messages.warning(request, _("您的裁定与另一名计票人不一致，请共同查看原始选票，由判断有误的一方修改"))
        return redirect("tally:scan_sheet", election.pk, rnd.pk, sheet.pk)
    else:
        messages.success(request, _("裁定已保存，等待另一名计票人独立裁定"))
    following = selectors.next_to_adjudicate(rnd, request.user, after=sheet.pk)
    if following is not None:
        return redirect("tally:scan_sheet", election.pk, rnd.pk, following.pk)
    return redirect("tally:scans", election.pk, rnd.pk)


@login_required
@require_POST
def challenge(request: HttpRequest, election_id: int, round_id: int, sheet_id: str) -> HttpResponse:
    election, rnd, sheet = _scan_sheet(request, election_id, round_id, sheet_id)
    try:
        actions.do_challenge_sheet(request.user, sheet=sheet, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已送两名计票人裁定；裁定一致前这张选票不计入"))
    return redirect("tally:scan_sheet", election.pk, rnd.pk, sheet.pk)
