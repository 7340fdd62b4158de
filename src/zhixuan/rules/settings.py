"""Settings and procedure presets (rules.md §9).

Every number in rules.md is a setting with a default. A preset fixes the defaults for one
procedure; an election may override any of them. Presets are plain data so a report can print
exactly which values were in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from fractions import Fraction
from typing import Literal

RoundOrder = Literal["top_down", "committee_first"]
ThresholdBase = Literal["present", "expected", "valid_ballots"]
UnclearMark = Literal["abstain", "invalid_ballot"]
CutoffTie = Literal["keep_all", "lot"]
CompetitivePosts = Literal["all", "members_only"]


class SettingsError(ValueError):
    """An unknown setting, or a value of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Settings:
    """All tunable numbers and switches of the rulebook, with the rule that uses each."""

    # P4: public reps at most this share of members entitled to attend.
    public_rep_cap: Fraction = Fraction(3, 10)
    # N2: minimum valid signatories of a joint nomination.
    joint_nomination_min: int = 20
    # N3: positions one applicant may apply for.
    max_positions_per_applicant: int = 2
    # R3: selection ratio (nominees kept = ratio x seats) and what a tie at the cut-off does.
    selection_ratio: int = 5
    cutoff_tie: CutoffTie = "keep_all"
    # R5: most names a recommendation ballot may recommend per position; None = the seats.
    recommendation_max: int | None = None
    # C1: committee-member races need extra candidates >= this share of seats, rounded up.
    competitive_extra: Fraction = Fraction(1, 5)
    competitive_posts: CompetitivePosts = "all"
    # C2: formal candidates per seat kept by the county-committee vote.
    formal_ratio: Fraction = Fraction(6, 5)
    # M1: quorum share of expected attendance; strict means "more than", else "at least".
    quorum_fraction: Fraction = Fraction(4, 5)
    quorum_strict: bool = True
    # M3: round order and whether losers may opt in to the next round.
    round_order: RoundOrder = "top_down"
    cascade: bool = True
    # M5: what an unreadable mark does.
    unclear_mark: UnclearMark = "abstain"
    # M7: the base the for-votes must strictly exceed half of.
    threshold_base: ThresholdBase = "present"
    # M9: whether the meeting may decide to leave seats empty.
    allow_empty_seats: bool = False
    # A2: rating flags.
    warning_below: Fraction = Fraction(7, 10)
    recall_proposal_below: Fraction = Fraction(1, 2)
    incompetent_above: Fraction = Fraction(1, 3)
    # A3: recall petition share of members with voting rights; recall allowed at all.
    recall_petition_fraction: Fraction = Fraction(1, 5)
    recall_enabled: bool = True

    def with_overrides(self, overrides: Mapping[str, object]) -> Settings:
        """Return a copy with ``overrides`` applied; unknown names or wrong kinds raise."""
        known = {f.name: f for f in fields(self)}
        changes: dict[str, object] = {}
        for name, raw in overrides.items():
            if name not in known:
                raise SettingsError(f"unknown setting {name!r}")
            changes[name] = _coerce(name, getattr(self, name), raw)
        return replace(self, **changes)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        """Plain values for reports; fractions as ``"p/q"`` strings."""
        out: dict[str, object] = {}
        for key, value in asdict(self).items():
            out[key] = f"{value.numerator}/{value.denominator}" if isinstance(value, Fraction) else value
        return out


_CHOICES: dict[str, tuple[str, ...]] = {
    "round_order": ("top_down", "committee_first"),
    "threshold_base": ("present", "expected", "valid_ballots"),
    "unclear_mark": ("abstain", "invalid_ballot"),
    "cutoff_tie": ("keep_all", "lot"),
    "competitive_posts": ("all", "members_only"),
}


def _coerce(name: str, current: object, raw: object) -> object:
    if name == "recommendation_max":
        if raw is None or (isinstance(raw, int) and not isinstance(raw, bool) and raw > 0):
            return raw
        raise SettingsError(f"{name} must be a positive whole number or null, got {raw!r}")
    if isinstance(current, bool):
        if isinstance(raw, bool):
            return raw
        raise SettingsError(f"{name} must be true or false, got {raw!r}")
    if isinstance(current, int):
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            return raw
        raise SettingsError(f"{name} must be a whole number >= 0, got {raw!r}")
    if isinstance(current, Fraction):
        try:
            value = Fraction(str(raw)) if not isinstance(raw, Fraction) else raw
        except (ValueError, ZeroDivisionError) as exc:
            raise SettingsError(f"{name} must be a fraction such as 4/5, got {raw!r}") from exc
        if isinstance(raw, bool) or value < 0:
            raise SettingsError(f"{name} must be a fraction >= 0, got {raw!r}")
        return value
    if isinstance(current, str):
        if raw in _CHOICES[name]:
            return raw
        raise SettingsError(f"{name} must be one of {', '.join(_CHOICES[name])}, got {raw!r}")
    raise SettingsError(f"cannot set {name}")  # pragma: no cover - every field is covered above


# rules.md §9 as data. Each preset lists only what differs from Settings' defaults.
PRESETS: dict[str, dict[str, object]] = {
    "three-round": {
        "quorum_fraction": "4/5",
        "quorum_strict": False,
        "round_order": "top_down",
        "cascade": True,
        "competitive_posts": "all",
        "recall_enabled": True,
    },
    "two-recommendation": {
        "quorum_fraction": "4/5",
        "quorum_strict": True,
        "selection_ratio": 5,
        "round_order": "top_down",
        "cascade": True,
        "competitive_posts": "all",
        "recall_enabled": True,
    },
    "standard": {
        "quorum_fraction": "4/5",
        "quorum_strict": True,
        "round_order": "committee_first",
        "cascade": False,
        "competitive_posts": "members_only",
        "recall_enabled": False,
    },
}


def preset_settings(name: str, overrides: Mapping[str, object] | None = None) -> Settings:
    """Settings for preset ``name`` with the election's ``overrides`` applied."""
    if name not in PRESETS:
        raise SettingsError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    settings = Settings().with_overrides(PRESETS[name])
    return settings.with_overrides(overrides or {})
