"""The recall card on the election page (A3)."""

from __future__ import annotations

from typing import Any

from django import template

from zhixuan.web.accounts import selectors as access
from zhixuan.web.recall import selectors

register = template.Library()


@register.inclusion_tag("recall/_panel.html", takes_context=True)
def recall_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    enabled = selectors.election_settings(election).recall_enabled
    return {
        "election": election,
        "enabled": enabled,
        "petitions": list(selectors.petitions(election)) if enabled else [],
        "can_run": access.can_run_election(user, election) if user is not None else False,
        "identity": access.roster_identity(user, election) if user is not None else None,
    }
