"""The decisions of an election as the rules core makes them.

The election's record is exported as a scenario document and run through the same runner as
``zhixuan run``; pages show the resulting sections, so what the app shows and what anyone
computes from the downloaded record are one and the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhixuan.scenario.errors import Problem, ScenarioError
from zhixuan.scenario.loader import validate
from zhixuan.scenario.report import RunReport, Section
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.scenario_export import election_scenario


@dataclass(frozen=True)
class ElectionOutcome:
    """The run of an election's record: a report, or the problems that stop the record running."""

    report: RunReport | None
    problems: tuple[Problem, ...] = ()

    def section(self, key: str) -> Section | None:
        if self.report is None:
            return None
        return next((s for s in self.report.sections if s.key == key), None)

    def sections(self, prefix: str) -> list[Section]:
        if self.report is None:
            return []
        return [s for s in self.report.sections if s.key.startswith(prefix)]

    def outcome(self, key: str) -> object:
        return None if self.report is None else self.report.outcome.get(key)


def election_outcome(election: Election) -> ElectionOutcome:
    try:
        doc = validate(election_scenario(election))
        return ElectionOutcome(run_scenario(doc))
    except ScenarioError as exc:
        return ElectionOutcome(None, tuple(exc.problems))
    except ValueError as exc:  # a record the export cannot express (e.g. a mixed paper/electronic tally)
        return ElectionOutcome(
            None, (Problem("(record)", f"记录无法导出：{exc}", f"record cannot be exported: {exc}"),)
        )
