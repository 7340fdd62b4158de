"""The evoting card on the election page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("evoting/_panel.html", takes_context=True)
def evoting_panel(context: Any, election: Any) -> dict[str, Any]:
    return {"election": election, "request": context.get("request")}
