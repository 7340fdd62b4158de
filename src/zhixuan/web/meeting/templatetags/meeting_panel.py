"""The meeting card on the election page, and a filter showing a core decision in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from zhixuan.web.accounts import selectors as access
from zhixuan.web.meeting import selectors

register = template.Library()


@register.inclusion_tag("meeting/_panel.html", takes_context=True)
def meeting_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    meeting = selectors.meeting_of(election)
    return {
        "election": election,
        "request": request,
        "meeting": meeting,
        "quorum": selectors.quorum(meeting) if meeting is not None else None,
        "rounds": list(selectors.rounds(meeting)) if meeting is not None else [],
        "can_run": access.can_run_election(user, election) if user is not None else False,
    }


@register.filter
def meeting_text(decision: Any) -> str:
    """A core ``Decision`` (or ``Needed`` / ``Problem``) in the current language."""
    return str(decision.en if get_language() == "en" else decision.zh)
