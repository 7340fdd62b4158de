"""The public board: no login, read only, phone first."""

from __future__ import annotations

import yaml
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.board import selectors
from zhixuan.web.elections import selectors as elections
from zhixuan.web.elections.models import Election


def _published(election_id: int) -> Election:
    # Only an election whose announcement is published has a board (N1); anything else is 404.
    election = elections.published_elections().filter(pk=election_id).first()
    if election is None:
        raise Http404
    return election


def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _published(election_id)
    return render(request, "board/index.html", {"election": election, "b": selectors.board(election)})


def verify(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _published(election_id)
    return render(
        request,
        "board/verify.html",
        {"election": election, "lots": selectors.lots(election), "chain_head": chain_head(election.audit_chain)},
    )


def record(request: HttpRequest, election_id: int) -> HttpResponse:
    """The published record as a scenario file: ``zhixuan run`` on it recomputes every decision (S4)."""
    election = _published(election_id)
    head = chain_head(election.audit_chain)
    body = (
        f"# {election.title}: public record (S4), audit chain head (S2) {head}\n"
        "# Member and public-rep names, excusal notes, objectors and inspection opinions are withheld.\n"
        + yaml.safe_dump(selectors.public_record(election), allow_unicode=True, sort_keys=False)
    )
    response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}-public.yaml"'
    return response
