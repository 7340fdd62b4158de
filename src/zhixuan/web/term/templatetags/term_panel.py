"""The term card on the election page, and the commitment block on the public board."""

from __future__ import annotations

from typing import Any

from django import template

from zhixuan.web.accounts import selectors as access
from zhixuan.web.term import selectors

register = template.Library()


@register.inclusion_tag("term/_panel.html", takes_context=True)
def term_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "election": election,
        "can_run": user is not None and access.can_run_election(user, election),
        "summary": selectors.panel_summary(election),
    }


@register.inclusion_tag("term/_board.html")
def term_board(election: Any) -> dict[str, Any]:
    """A1: the published commitment and its yearly reviews, on the public board."""
    commitment = selectors.public_commitment(election)
    page = selectors.commitment_page(election) if commitment is not None else None
    return {"election": election, "commitment": commitment, "c": page}
