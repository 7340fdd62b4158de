"""The candidates card on the election page (filled by the app's selectors)."""

from __future__ import annotations

from typing import Any

from django import template

from zhixuan.web.accounts import selectors as access
from zhixuan.web.candidates import selectors

register = template.Library()


@register.inclusion_tag("candidates/_panel.html", takes_context=True)
def candidates_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "election": election,
        "request": request,
        "can_run": user is not None and access.can_run_election(user, election),
        "summary": selectors.panel_summary(election),
    }
