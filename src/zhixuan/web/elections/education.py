"""Reading the education level (N4) out of an announcement's condition text.

Staff write conditions as prose ("大专及以上学历"); the rules core compares levels. The level is the
first known level name found in the text, longest names first, so "大学本科" is not read as "大专".
"""

from __future__ import annotations

from zhixuan.rules.nomination import EDUCATION_ZH, Education

_SPELLINGS: list[tuple[str, Education]] = sorted(
    [(zh, level) for level, zh in EDUCATION_ZH.items()]
    + [("本科", Education.BACHELOR), ("高中", Education.SENIOR_SECONDARY), ("中专", Education.SENIOR_SECONDARY)],
    key=lambda pair: -len(pair[0]),
)


def education_level(text: str) -> str | None:
    """The level's formal name (as the scenario format spells it), or None if the text names none."""
    for spelling, level in _SPELLINGS:
        if spelling in text:
            return EDUCATION_ZH[level]
    return None
