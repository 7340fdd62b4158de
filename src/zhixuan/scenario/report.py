"""The result of running a scenario: sections in procedure order, each with its tables and decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from zhixuan.rules.decision import Decision, fact_to_json

Status = Literal["complete", "needs_input"]


@dataclass(frozen=True, slots=True)
class Table:
    """A small table for a report: column titles (zh, en) and rows of plain values."""

    columns: Sequence[tuple[str, str]]
    rows: Sequence[Sequence[object]]

    def to_json(self) -> dict[str, object]:
        return {
            "columns": [en for _, en in self.columns],
            "rows": [[_plain(v) for v in row] for row in self.rows],
        }


@dataclass(slots=True)
class Section:
    key: str
    title_zh: str
    title_en: str
    facts: dict[str, object] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "facts": {k: _plain(v) for k, v in self.facts.items()},
            "tables": [t.to_json() for t in self.tables],
            "decisions": [d.to_json() for d in self.decisions],
        }


@dataclass(frozen=True, slots=True)
class Needed:
    """What the run needs before it can go on (M10): the step and exactly what to add."""

    step: str
    zh: str
    en: str
    rule: str

    def to_json(self) -> dict[str, str]:
        return {"step": self.step, "rule": self.rule, "zh": self.zh, "en": self.en}


@dataclass(slots=True)
class RunReport:
    election: dict[str, object]
    settings: dict[str, object]
    sections: list[Section] = field(default_factory=list)
    needs: Needed | None = None
    # Machine-readable outcomes other tools compare against (formal candidates, winners per round).
    outcome: dict[str, object] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return "needs_input" if self.needs else "complete"

    @property
    def decisions(self) -> list[Decision]:
        return [d for s in self.sections for d in s.decisions]

    def to_json(self) -> dict[str, object]:
        return {
            "election": self.election,
            "settings": self.settings,
            "status": self.status,
            "needs": self.needs.to_json() if self.needs else None,
            "outcome": _plain(self.outcome),
            "sections": [s.to_json() for s in self.sections],
            "decisions": [d.to_json() for d in self.decisions],
        }


def _plain(value: object) -> object:
    if isinstance(value, Fraction):
        return fact_to_json(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
