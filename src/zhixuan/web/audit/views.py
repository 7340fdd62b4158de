"""The audit-log viewer with chain verification (S2)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zhixuan.web.accounts.selectors import can_view_audit
from zhixuan.web.audit.selectors import chain_entries, verify_chain
from zhixuan.web.elections.models import Election


@login_required
def election_log(request: HttpRequest, election_id: int) -> HttpResponse:
    election = get_object_or_404(Election.objects.select_related("township"), pk=election_id)
    if not can_view_audit(request.user, election):
        raise Http404
    key = election.audit_chain
    page = Paginator(chain_entries(key).select_related("chain"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"election": election, "check": verify_chain(key), "page": page},
    )
