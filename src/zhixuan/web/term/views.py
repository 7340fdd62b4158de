"""Views of the term app (A1 commitment, A2 annual reviews): parse the request, call an action or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.term import actions, forms, selectors
from zhixuan.web.term.models import Commitment, LeaderReport, RaterGroup, ReviewSession


def _election(request: HttpRequest, election_id: int, *, manage: bool = False) -> Election:
    # 404, not 403: staff of another township must not learn that an election exists.
    election = access.visible_elections(request.user).filter(pk=election_id).first()
    if election is None or not access.can_run_election(request.user, election):
        raise Http404
    if manage and not access.can_manage_election(request.user, election):
        raise Http404
    return election


def _session(election: Election, year: int) -> ReviewSession:
    session = selectors.session(election, year)
    if session is None:
        raise Http404
    return session


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def overview(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    outcome = election_outcome(election)
    results = selectors.rating_results(election, outcome)
    return render(
        request,
        "term/overview.html",
        {
            "election": election,
            "c": selectors.commitment_page(election, outcome),
            "leaders": selectors.elected_leaders(election, outcome),
            "sessions": selectors.sessions(election),
            "charts": selectors.trend_charts(results),
            "results": results,
            "summary": selectors.summary(results),
            "flag_labels": selectors.FLAG_LABELS,
            "session_form": forms.SessionForm(),
            "can_manage": access.can_manage_election(request.user, election),
            "problems": outcome.problems,
        },
    )


@login_required
def commitment(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    if request.method == "POST":
        texts = forms.commitment_texts(request.POST)
        made_on = request.POST.get("made_on") or None
        try:
            actions.do_save_commitment(request.user, election=election, texts=texts, made_on=made_on)  # type: ignore[arg-type]
        except ValidationError as exc:
            _error(request, exc)
            return render(
                request,
                "term/commitment.html",
                {"election": election, "c": selectors.commitment_page(election), "texts": texts, "rows": _rows(texts)},
                status=422,
            )
        messages.success(request, _("任期目标承诺已保存。"))
        return redirect(reverse("term:overview", args=[election.pk]) + "#commitment")
    page = selectors.commitment_page(election)
    texts = [i.text for i in page.items]
    return render(request, "term/commitment.html", {"election": election, "c": page, "rows": _rows(texts)})


def _rows(texts: list[str]) -> list[dict[str, Any]]:
    filled = [t for t in texts if t.strip()]
    count = min(forms.MAX_ITEMS, max(len(filled) + 3, 5))
    return [{"n": n, "text": filled[n - 1] if n <= len(filled) else ""} for n in range(1, count + 1)]


@login_required
@require_POST
def publish_commitment(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    found = Commitment.objects.filter(election=election).first()
    if found is None:
        raise Http404
    try:
        actions.do_publish_commitment(request.user, commitment=found)
        messages.success(request, _("任期目标承诺已在公开栏公开 (A1)。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("term:overview", args=[election.pk]) + "#commitment")


@login_required
def review_year(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id)
    year = request.GET.get("year", "").strip()
    if not year.isdigit():
        messages.error(request, _("请填写评议年度（四位数字）。"))
        return redirect(reverse("term:overview", args=[election.pk]) + "#commitment")
    return redirect("term:review_commitment", election.pk, int(year))


@login_required
def review_commitment(request: HttpRequest, election_id: int, year: int) -> HttpResponse:
    election = _election(request, election_id)
    found = Commitment.objects.filter(election=election, published_at__isnull=False).first()
    if found is None:
        raise Http404
    items = list(found.items.prefetch_related("reviews").order_by("order"))
    status = 200
    if request.method == "POST":
        statuses = forms.review_statuses(request.POST, [i.key for i in items])
        try:
            actions.do_review_commitment(request.user, commitment=found, year=year, statuses=statuses)
            messages.success(request, _("%(year)s 年度承诺评议已保存 (A1)。") % {"year": year})
            return redirect(reverse("term:overview", args=[election.pk]) + "#commitment")
        except ValidationError as exc:
            _error(request, exc)
            status = 422
    else:
        statuses = {
            i.key: next(((r.status, r.note) for r in i.reviews.all() if r.year == year), ("", "")) for i in items
        }
    rows = [{"item": i, "status": statuses[i.key][0], "note": statuses[i.key][1]} for i in items]
    return render(
        request,
        "term/review_commitment.html",
        {"election": election, "year": year, "rows": rows, "choices": selectors.status_choices()},
        status=status,
    )


@login_required
@require_POST
def create_session(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(reverse("term:overview", args=[election.pk]) + "#reviews")
    try:
        session = actions.do_create_session(request.user, election=election, **form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
        return redirect(reverse("term:overview", args=[election.pk]) + "#reviews")
    return redirect("term:session", election.pk, session.year)


@login_required
def session(request: HttpRequest, election_id: int, year: int) -> HttpResponse:
    election = _election(request, election_id)
    found = _session(election, year)
    outcome = election_outcome(election)
    results = selectors.session_results(election, found, outcome)
    groups = list(found.groups.order_by("order"))
    group_rows = [{"n": n, "key": g.key, "name": g.name, "weight": g.weight} for n, g in enumerate(groups, start=1)]
    group_rows += [{"n": n, "key": "", "name": "", "weight": ""} for n in range(len(groups) + 1, len(groups) + 3)]
    return render(
        request,
        "term/session.html",
        {
            "election": election,
            "s": found,
            "leaders": list(found.leaders.order_by("order")),
            "groups": groups,
            "group_rows": group_rows,
            "states": [selectors.paper_state(g) for g in groups],
            "results": results,
            "summary": selectors.summary(results),
            "flag_labels": selectors.FLAG_LABELS,
            "can_manage": access.can_manage_election(request.user, election),
            "problems": outcome.problems,
            "codes": request.session.pop(f"term-codes-{found.pk}", None),
        },
    )


@login_required
@require_POST
def groups(request: HttpRequest, election_id: int, year: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    found = _session(election, year)
    rows = [actions.GroupInput(*row) for row in forms.group_rows(request.POST)]
    try:
        actions.do_set_groups(request.user, session=found, groups=rows)
        messages.success(request, _("测评组和权重已保存 (A2)。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("term:session", args=[election.pk, year]) + "#groups")


@login_required
@require_POST
def open_session(request: HttpRequest, election_id: int, year: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    try:
        actions.do_open_session(request.user, session=_session(election, year))
        messages.success(request, _("测评已开始。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("term:session", election.pk, year)


@login_required
@require_POST
def close_session(request: HttpRequest, election_id: int, year: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    try:
        actions.do_close_session(request.user, session=_session(election, year))
        messages.success(request, _("测评已结束，结果见下 (A2)。"))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("term:session", args=[election.pk, year]) + "#results")


def _report(election: Election, year: int, report_id: int) -> LeaderReport:
    report = LeaderReport.objects.filter(session__election=election, session__year=year, pk=report_id).first()
    if report is None:
        raise Http404
    return report


@login_required
def report(request: HttpRequest, election_id: int, year: int, report_id: int) -> HttpResponse:
    election = _election(request, election_id)
    found = _report(election, year, report_id)
    if request.method == "POST":
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.do_save_report(
                    request.user,
                    report=found,
                    text=form.cleaned_data["text"],
                    attachment=form.cleaned_data["attachment"],
                )
                messages.success(request, _("%(name)s 的述职报告已保存。") % {"name": found.name})
                return redirect(reverse("term:session", args=[election.pk, year]) + "#reports")
            except ValidationError as exc:
                _error(request, exc)
    else:
        form = forms.ReportForm(initial={"text": found.text})
    return render(request, "term/report.html", {"election": election, "r": found, "form": form})


@login_required
def attachment(request: HttpRequest, election_id: int, year: int, report_id: int) -> FileResponse:
    election = _election(request, election_id)
    found = _report(election, year, report_id)
    if not found.attachment:
        raise Http404
    return FileResponse(found.attachment.open("rb"), as_attachment=True, filename=found.attachment.name.split("/")[-1])


def _group(session_: ReviewSession, group_id: int) -> RaterGroup:
    group = session_.groups.filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group


@login_required
def paper(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    election = _election(request, election_id)
    found = _session(election, year)
    group = _group(found, group_id)
    mine = group.paper_counts.filter(teller=request.user).first()
    counts, collected, status = (mine.counts, mine.collected, 200) if mine else ({}, 0, 200)
    if request.method == "POST":
        try:
            collected, counts = forms.paper_counts(request.POST, found)
            actions.do_save_paper_count(
                request.user, group=group, collected=collected, counts=counts, submit="submit" in request.POST
            )
            messages.success(request, _("录入已提交。") if "submit" in request.POST else _("录入已暂存。"))
            return redirect("term:paper", election.pk, year, group.pk)
        except ValidationError as exc:
            _error(request, exc)
            status = 422
            counts = {}
    return render(
        request,
        "term/paper.html",
        {
            "election": election,
            "s": found,
            "group": group,
            "mine": mine,
            "collected": collected,
            "grid": selectors.grid(found, counts),
            "state": selectors.paper_state(group),
            "form_grid": selectors.form_grid(found),
            **selectors.ledger(mine, found),
        },
        status=status,
    )


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or request.headers.get("HX-Request") == "true"


def _ledger_response(
    request: HttpRequest, election: Election, session_: ReviewSession, group: RaterGroup, error: str = ""
) -> HttpResponse:
    entry = group.paper_counts.filter(teller=request.user).first()
    context = {
        "election": election,
        "s": session_,
        "group": group,
        "mine": entry,
        "error": error,
        **selectors.ledger(entry, session_),
    }
    return render(request, "term/_form_ledger.html", context, status=422 if error else 200)


def _form_action(request: HttpRequest, election_id: int, year: int, group_id: int, do: Any) -> HttpResponse:
    """Run a form-entry action; answer the fast screen with its ledger, a plain form with the page."""
    election = _election(request, election_id)
    found = _session(election, year)
    group = _group(found, group_id)
    try:
        do(found, group)
    except ValidationError as exc:
        if _wants_fragment(request):
            return _ledger_response(request, election, found, group, "；".join(exc.messages))
        _error(request, exc)
        return redirect("term:paper", election.pk, year, group.pk)
    if _wants_fragment(request):
        return _ledger_response(request, election, found, group)
    return redirect("term:paper", election.pk, year, group.pk)


@login_required
@require_POST
def start_forms(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    return _form_action(
        request, election_id, year, group_id, lambda s, g: actions.do_start_forms(request.user, group=g)
    )


@login_required
@require_POST
def add_form(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    def do(found: ReviewSession, group: RaterGroup) -> None:
        count = forms.whole_number(request.POST.get("count"), default=1)
        if count is None:
            raise ValidationError(_("相同测评表张数须为正整数。"))
        actions.do_add_form(request.user, group=group, marks=forms.form_marks(request.POST, found), count=count)

    return _form_action(request, election_id, year, group_id, do)


@login_required
@require_POST
def remove_form(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    def do(found: ReviewSession, group: RaterGroup) -> None:
        raw = request.POST.get("form", "").strip()
        actions.do_remove_form(request.user, group=group, form_id=int(raw) if raw.isdigit() else None)

    return _form_action(request, election_id, year, group_id, do)


@login_required
@require_POST
def submit_forms(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    def do(found: ReviewSession, group: RaterGroup) -> None:
        collected = forms.whole_number(request.POST.get("collected"))
        if collected is None:
            raise ValidationError(_("收回测评表张数须为不小于 0 的整数。"))
        actions.do_submit_forms(request.user, group=group, collected=collected)
        messages.success(request, _("录入已提交。"))

    return _form_action(request, election_id, year, group_id, do)


@login_required
@require_POST
def agree(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    election = _election(request, election_id)
    group = _group(_session(election, year), group_id)
    try:
        actions.do_agree_paper(request.user, group=group)
        messages.success(request, _("%(group)s 两名计票人录入一致，计数已采用。") % {"group": group.name})
    except ValidationError as exc:
        _error(request, exc)
    return redirect("term:paper", election.pk, year, group.pk)


@login_required
@require_POST
def issue_codes(request: HttpRequest, election_id: int, year: int, group_id: int) -> HttpResponse:
    election = _election(request, election_id, manage=True)
    found = _session(election, year)
    group = _group(found, group_id)
    raw = request.POST.get("count", "").strip()
    try:
        if not raw.isdigit():
            raise ValidationError(_("请填写要生成的测评码个数（整数）。"))
        codes = actions.do_issue_codes(request.user, group=group, count=int(raw))
    except ValidationError as exc:
        _error(request, exc)
        return redirect(reverse("term:session", args=[election.pk, year]) + "#groups")
    return render(request, "term/codes.html", {"election": election, "s": found, "group": group, "codes": codes})


@login_required
def form_pdf(request: HttpRequest, election_id: int, year: int) -> HttpResponse:
    from zhixuan.web.term.pdf import rating_form_pdf

    election = _election(request, election_id)
    found = _session(election, year)
    response = HttpResponse(rating_form_pdf(election, found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rating-form-{year}.pdf"'
    return response


@login_required
def results_xlsx(request: HttpRequest, election_id: int) -> HttpResponse:
    from zhixuan.web.term.xlsx import results_workbook

    election = _election(request, election_id, manage=True)
    response = HttpResponse(
        results_workbook(election), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ratings-{election.pk}.xlsx"'
    return response


@login_required
def results_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    from zhixuan.web.term.pdf import results_pdf as render_pdf

    election = _election(request, election_id, manage=True)
    response = HttpResponse(render_pdf(election), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ratings-{election.pk}.pdf"'
    return response


def rate(request: HttpRequest) -> HttpResponse:
    """Public: rate with a one-time code (no login). Step 1 the code, step 2 the form, then done."""
    code = request.POST.get("code", "") if request.method == "POST" else ""
    context: dict[str, Any] = {"code": code}
    if request.method != "POST":
        return render(request, "term/rate.html", context)
    try:
        row = actions.code_session(code)
    except actions.RatingRefused as exc:
        context["error"] = exc.messages[0]
        return render(request, "term/rate.html", context, status=422)
    session_ = row.group.session
    context.update({"s": session_, "group": row.group, "grid": selectors.grid(session_), "election": session_.election})
    if "rate" not in request.POST:
        return render(request, "term/rate.html", context)
    try:
        actions.cast_rating(code=code, marks=forms.rating_marks(request.POST, session_))
    except actions.RatingRefused as exc:
        context["error"] = exc.messages[0]
        return render(request, "term/rate.html", context, status=422)
    return render(request, "term/rate_done.html", {"election": session_.election, "s": session_})
