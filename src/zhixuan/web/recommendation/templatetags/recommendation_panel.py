"""The recommendation card on the election page (filled by the app's selectors)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("recommendation/_panel.html", takes_context=True)
def recommendation_panel(context: Any, election: Any) -> dict[str, Any]:
    return {"election": election, "request": context.get("request")}
