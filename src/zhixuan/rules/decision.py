"""Decisions: the value every rule returns, carrying its rule ID, numbers and explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Lang = Literal["zh", "en"]
# Display names by id, passed by callers so decisions read "王煦" rather than an id.
Names = Mapping[str, str]
Fact = int | Fraction | str | bool | tuple[str, ...] | None


def percent(value: Fraction, places: int = 2) -> str:
    """Format an exact fraction as a percentage, rounded half up (never via float)."""
    scaled = value * 100 * 10**places
    sign = "-" if scaled < 0 else ""
    scaled = abs(scaled)
    whole = int(scaled + Fraction(1, 2))
    text = str(whole).rjust(places + 1, "0")
    if places == 0:
        return f"{sign}{text}%"
    return f"{sign}{text[:-places]}.{text[-places:]}%"


def display_name(person: str, names: Names | None) -> str:
    """The display name of ``person``, or the id itself when no name is known."""
    return names.get(person, person) if names else person


def fact_to_json(value: Fact) -> object:
    """JSON form of a fact: a whole number stays a number; other fractions become
    ``{"fraction": "p/q", "percent": "x.xx%"}`` (exact value first, a rounded reading beside it)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        return {"fraction": f"{value.numerator}/{value.denominator}", "percent": percent(value)}
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision of the rules core.

    ``rule`` is the ID in rules.md (``"M7"``); ``code`` a stable machine-readable outcome
    (``"elected"``); ``subject`` what it is about (a person, ballot, round); ``facts`` the numbers
    and names the rule used; ``zh`` / ``en`` the explanation a report prints.
    """

    rule: str
    code: str
    subject: str
    zh: str
    en: str
    facts: Mapping[str, Fact] = field(default_factory=dict)

    def text(self, lang: Lang = "zh") -> str:
        body = self.zh if lang == "zh" else self.en
        return f"{body} ({self.rule})"

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "code": self.code,
            "subject": self.subject,
            "facts": {k: fact_to_json(v) for k, v in self.facts.items()},
            "zh": self.zh,
            "en": self.en,
        }
