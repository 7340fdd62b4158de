"""The tally card on the election page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("tally/_panel.html", takes_context=True)
def tally_panel(context: Any, election: Any) -> dict[str, Any]:
    return {"election": election, "request": context.get("request")}
