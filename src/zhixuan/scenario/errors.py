"""Problems found in a scenario file, each with the path to the offending value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int


def format_path(parts: Iterable[PathPart]) -> str:
    """``("meeting", "rounds", 1, "marks")`` -> ``meeting.rounds[1].marks``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(file)"


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return f"{self.path}: {self.zh if lang == 'zh' else self.en}"

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "zh": self.zh, "en": self.en}


class ScenarioError(Exception):
    """The file is not a valid scenario; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.text("en") for p in self.problems))
