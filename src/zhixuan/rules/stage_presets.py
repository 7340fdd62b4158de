"""The recommendation stages each procedure preset starts with (rules.md §3 and §9), as plain data.

Group keys carry meaning for check-in: ``members`` admits only members with rights (P1),
``public`` only the roster's public reps (P4); any other group admits named persons (cadres,
county leaders). Weights are exact fractions written as text (``"7/10"``), the form an election
stores and edits; a stage's group weights sum to 1 (R1) and the stage weights of a preset sum to 1
(R2). Staff may edit names and weights before a stage opens.
"""

from __future__ import annotations

from dataclasses import dataclass

MEMBERS = "members"
PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class GroupPreset:
    """A group of recommenders and its weight within the stage (R1)."""

    key: str
    name: str
    weight: str


@dataclass(frozen=True, slots=True)
class StagePreset:
    """A recommendation stage, its weight among the preset's stages (R2) and its groups."""

    key: str
    name: str
    weight: str
    groups: tuple[GroupPreset, ...]


# Keyed by the procedure presets of zhixuan.rules.settings.PRESETS.
STAGE_PRESETS: dict[str, tuple[StagePreset, ...]] = {
    # S0: one recommendation meeting of members and public reps, speeches in drawn order (R6).
    "three-round": (
        StagePreset(
            "recommendation",
            "推荐大会",
            "1",
            (GroupPreset(MEMBERS, "党员", "7/10"), GroupPreset(PUBLIC, "群众代表", "3/10")),
        ),
    ),
    # S3: 海推 then the county leadership's recommendation, combined by weight (R2), 1:5 (R3).
    "two-recommendation": (
        StagePreset(
            "mass_recommendation",
            "海推",
            "3/5",
            (
                GroupPreset(MEMBERS, "党员", "1/2"),
                GroupPreset("cadres", "镇村干部", "1/5"),
                GroupPreset(PUBLIC, "群众代表", "3/10"),
            ),
        ),
        StagePreset(
            "county_leadership", "县四大班子推荐", "2/5", (GroupPreset("county_leaders", "县四大班子成员", "1"),)
        ),
    ),
    # R20's standard procedure nominates through the branches; it has no recommendation stage.
    "standard": (),
}
