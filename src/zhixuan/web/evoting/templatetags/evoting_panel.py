"""The evoting card on the election page."""

from __future__ import annotations

from typing import Any

from django import template

from zhixuan.web.accounts import selectors as access
from zhixuan.web.evoting import selectors

register = template.Library()


@register.inclusion_tag("evoting/_panel.html", takes_context=True)
def evoting_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    meeting = selectors.meeting_of(election)
    return {
        "election": election,
        "request": request,
        "counts": selectors.desk_counts(meeting) if meeting is not None else None,
        "can_run": access.can_run_election(user, election) if user is not None else False,
    }
