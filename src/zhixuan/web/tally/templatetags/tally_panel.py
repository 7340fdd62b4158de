"""The tally card on the election page, and a filter showing a core decision in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from zhixuan.web.accounts import selectors as access
from zhixuan.web.tally import selectors

register = template.Library()


@register.inclusion_tag("tally/_panel.html", takes_context=True)
def tally_panel(context: Any, election: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    meeting = selectors.meeting_of(election)
    officer = selectors.approved_officer(meeting, user) if meeting is not None and user is not None else None
    may_view = officer is not None or (user is not None and access.can_run_election(user, election))
    return {
        "election": election,
        "request": request,
        "may_view": may_view,
        "rows": selectors.panel_rounds(election) if may_view else [],
    }


@register.filter
def tally_text(item: Any) -> str:
    """A core ``Decision``, a tally ``Problem`` / ``Difference`` or a scanner reason (a dict with ``zh`` and
    ``en``) in the current language."""
    key = "en" if get_language() == "en" else "zh"
    if isinstance(item, dict):
        return str(item.get(key, ""))
    return str(getattr(item, key))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (e.g. a choice's label), empty when missing."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
