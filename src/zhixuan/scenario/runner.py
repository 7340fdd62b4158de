"""Run one validated scenario through the rules core, step by step, in procedure order.

The runner converts file records into the core's value objects and collects the core's decisions
into a :class:`RunReport`. It decides nothing itself. A step that lacks input raises
:class:`NeedsInput`; the run stops there and the report says what is needed (M10).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zhixuan.rules.settings import SettingsError, preset_settings
from zhixuan.scenario.context import NeedsInput, RunContext, file_error
from zhixuan.scenario.report import RunReport
from zhixuan.scenario.steps.after import run_after
from zhixuan.scenario.steps.candidates import run_candidates
from zhixuan.scenario.steps.meeting import run_meeting
from zhixuan.scenario.steps.nomination import run_nomination
from zhixuan.scenario.steps.recommendation import run_recommendation
from zhixuan.scenario.steps.roster import run_roster
from zhixuan.strokes import stroke_table

Step = Callable[[RunContext], None]
STEPS: tuple[Step, ...] = (
    run_roster,
    run_nomination,
    run_recommendation,
    run_candidates,
    run_meeting,
    run_after,
)


def run_scenario(doc: Mapping[str, Any]) -> RunReport:
    election = doc["election"]
    try:
        settings = preset_settings(election["preset"], election.get("settings", {}))
    except SettingsError as exc:
        raise file_error(("election", "settings"), f"规则设置无效：{exc}", f"invalid setting: {exc}") from exc
    report = RunReport(
        election={k: election[k] for k in ("id", "title", "preset", "county", "township") if k in election},
        settings=settings.as_dict(),
    )
    ctx = RunContext(doc=doc, settings=settings, strokes=stroke_table(), report=report)
    try:
        for step in STEPS:
            step(ctx)
    except NeedsInput as stop:
        report.needs = stop.needed
    return report
