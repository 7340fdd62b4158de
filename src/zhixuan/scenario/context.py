"""State the runner carries from one step of the procedure to the next."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zhixuan.rules.people import Member
from zhixuan.rules.settings import Settings
from zhixuan.rules.stroke_order import StrokeTable, name_key
from zhixuan.scenario.errors import PathPart, Problem, ScenarioError, format_path
from zhixuan.scenario.report import Needed, RunReport


class NeedsInput(Exception):
    """A step lacks input the file must add (M10); the run stops and says what."""

    def __init__(self, needed: Needed) -> None:
        self.needed = needed
        super().__init__(needed.en)


def file_error(path: tuple[PathPart, ...], zh: str, en: str) -> ScenarioError:
    """A problem only visible while running (e.g. a ballot naming someone not on that round)."""
    return ScenarioError([Problem(format_path(path), zh, en)])


@dataclass(slots=True)
class RunContext:
    doc: Mapping[str, Any]
    settings: Settings
    strokes: StrokeTable
    report: RunReport
    names: dict[str, str] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    rights: set[str] = field(default_factory=set)
    expected: int = 0
    # applicant id -> roster member id, for applicants who are members
    applicant_member: dict[str, str] = field(default_factory=dict)
    # position id -> nominee ids still in the race, updated step by step
    nominees: dict[str, list[str]] = field(default_factory=dict)
    formal: dict[str, list[str]] = field(default_factory=dict)
    elected: dict[str, list[str]] = field(default_factory=dict)

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def text_names(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Names for the core's sentences: people, and positions (and ``extra``, e.g. groups) by
        their Chinese names, so a decision reads "党委书记" rather than "secretary". People win a clash."""
        positions = {p["id"]: p["name"] for p in self.doc["positions"]}
        return {**positions, **(extra or {}), **self.names}

    def label(self, ident: str) -> str:
        """How a person appears in a report: the name, with the id when the name is not unique."""
        return self.name(ident)

    def stroke_sorted(self, idents: Iterable[str]) -> list[str]:
        """Ballot and list order by surname strokes (C4), ties by id for a stable order."""
        return sorted(idents, key=lambda i: (name_key(self.name(i), self.strokes), i))

    def position(self, pid: str) -> Mapping[str, Any]:
        for pos in self.doc["positions"]:
            if pos["id"] == pid:
                return pos  # type: ignore[no-any-return]
        raise KeyError(pid)

    def all_elected(self) -> set[str]:
        return {i for ids in self.elected.values() for i in ids}
