"""The recommendation card on the election page (filled by the app's selectors)."""

from __future__ import annotations

from typing import Any

from django import template

from zhixuan.web.recommendation import selectors
from zhixuan.web.recommendation.models import LotPurpose

register = template.Library()


@register.inclusion_tag("recommendation/_panel.html", takes_context=True)
def recommendation_panel(context: Any, election: Any) -> dict[str, Any]:
    lot = selectors.lot(election, LotPurpose.SPEECH)
    state = "" if lot is None else ("revealed" if lot.revealed_at else "committed")
    return {
        "election": election,
        "request": context.get("request"),
        "stages": list(selectors.stages(election)),
        "lot_state": state,
    }
