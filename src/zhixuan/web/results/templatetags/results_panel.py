"""The results card on the election page."""

from __future__ import annotations

from typing import Any

from django import template

from zhixuan.web.results import selectors

register = template.Library()


@register.inclusion_tag("results/_panel.html", takes_context=True)
def results_panel(context: Any, election: Any) -> dict[str, Any]:
    return {"election": election, "request": context.get("request"), "summary": selectors.panel_summary(election)}
