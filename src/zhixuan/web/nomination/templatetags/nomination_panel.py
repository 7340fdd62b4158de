"""The nomination card on the election page (filled by the app's selectors)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("nomination/_panel.html", takes_context=True)
def nomination_panel(context: Any, election: Any) -> dict[str, Any]:
    return {"election": election, "request": context.get("request")}
