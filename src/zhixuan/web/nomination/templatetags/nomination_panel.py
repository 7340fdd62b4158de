"""The nomination card on the election page, and a filter that shows a core decision in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from zhixuan.web.accounts import selectors as access
from zhixuan.web.nomination import selectors

register = template.Library()


@register.inclusion_tag("nomination/_panel.html", takes_context=True)
def nomination_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "election": election,
        "request": request,
        "counts": selectors.panel_counts(election),
        "can_run": access.can_run_election(user, election) if user is not None else False,
        "identity": access.roster_identity(user, election) if user is not None else None,
    }


@register.filter
def decision_text(decision: Any) -> str:
    """A core ``Decision`` (or a scenario ``Problem``) in the current language."""
    return str(decision.en if get_language() == "en" else decision.zh)
