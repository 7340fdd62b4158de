"""The stage list of each procedure preset (rules.md §9), as plain data.

The rules core fixes the numbers of a preset (``zhixuan.rules.settings.PRESETS``); this table
fixes the order of its stages and a default length in days, from which an election's timeline
is first laid out (the county then edits the dates). Stage kinds use the glossary's names so a
later stage engine and the scenario export can key on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageTemplate:
    kind: str
    zh: str
    en: str
    days: int


_ANNOUNCEMENT = StageTemplate("announcement", "公告", "Announcement", 3)
_REGISTRATION = StageTemplate("registration", "报名", "Registration", 7)
_REVIEW = StageTemplate("review", "资格审查与公示", "Qualification review and notice", 5)
_INSPECTION = StageTemplate("inspection", "考察", "Inspection", 5)

STAGES: dict[str, tuple[StageTemplate, ...]] = {
    "three-round": (
        _ANNOUNCEMENT,
        _REGISTRATION,
        _REVIEW,
        StageTemplate("recommendation_meeting", "推荐大会（演讲答辩）", "Recommendation meeting (speeches)", 3),
        _INSPECTION,
        StageTemplate("meeting", "党员大会直接选举", "Members' meeting: direct election", 1),
    ),
    "two-recommendation": (
        _ANNOUNCEMENT,
        StageTemplate("mass_recommendation", "海推", "Open mass recommendation", 7),
        _REVIEW,
        StageTemplate("county_leadership", "县四大班子推荐", "County leadership recommendation", 3),
        StageTemplate("inspection", "差额考察", "Competitive inspection", 5),
        StageTemplate("public_recognition", "群众公认票", "Public-recognition ballot", 2),
        StageTemplate("county_committee_vote", "组织信任票", "Organisation-trust ballot", 2),
        StageTemplate("meeting", "党员决定票", "Members' decision ballot", 1),
    ),
    "standard": (
        _ANNOUNCEMENT,
        StageTemplate("nomination", "支部推荐提名", "Nomination by branches", 7),
        _REVIEW,
        _INSPECTION,
        StageTemplate("meeting", "党员大会选举委员", "Members' meeting elects the committee", 1),
        StageTemplate("first_plenary", "全委会选举书记、副书记", "First plenary elects secretary and deputies", 1),
    ),
}

PRESET_NAMES: dict[str, tuple[str, str]] = {
    "three-round": ("三公开、两票制、三轮选", "Three-round direct election"),
    "two-recommendation": ("两推三票四展示", "Two recommendations, three ballots"),
    "standard": ("《选举工作条例》标准程序", "Standard procedure (2020 regulations)"),
}
