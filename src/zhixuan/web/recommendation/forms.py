"""Parsing of the recommendation forms: stage set-up, ballot ticks, group totals.

Only shape is checked here (numbers are numbers); what is allowed is checked by the actions and
the core.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from zhixuan.web.recommendation.actions import GroupInput, StageInput
from zhixuan.web.recommendation.models import RecommendationStage


def whole_number(data: QueryDict, name: str, label: str, *, default: int | None = None) -> int:
    raw = (data.get(name) or "").strip()
    if not raw and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(_("%(label)s 应为整数，填写的是“%(value)s”。") % {"label": label, "value": raw}) from None
    if value < 0:
        raise ValidationError(_("%(label)s 不能为负数。") % {"label": label})
    return value


def stage_inputs(data: QueryDict, stages: Iterable[RecommendationStage]) -> list[StageInput]:
    """The set-up form: ``name_/weight_/seconds_<stage pk>`` and ``gname_/gweight_<group pk>``."""
    out = []
    for stage in stages:
        groups = [
            GroupInput(g.pk, data.get(f"gname_{g.pk}", g.name), data.get(f"gweight_{g.pk}", g.weight))
            for g in stage.groups.all()
        ]
        seconds = whole_number(data, f"seconds_{stage.pk}", _("每人演讲时间"), default=stage.speech_seconds)
        out.append(
            StageInput(
                stage.pk,
                data.get(f"name_{stage.pk}", stage.name),
                data.get(f"weight_{stage.pk}", stage.weight),
                seconds,
                groups,
            )
        )
    return out


def picks(data: QueryDict, kinds: Iterable[str]) -> dict[str, list[str]]:
    """Ticked nominees per position: checkboxes named ``pick_<position kind>`` carrying applicant numbers."""
    return {kind: [n for n in data.getlist(f"pick_{kind}") if n] for kind in kinds}


def votes(data: QueryDict, numbers: Iterable[tuple[str, str]]) -> dict[str, int]:
    """For-votes per nominee from inputs ``for_<number>``; empty means 0."""
    return {number: whole_number(data, f"for_{number}", name, default=0) for number, name in numbers}
