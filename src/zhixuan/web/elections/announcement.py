"""What the announcement must contain before it may be published (rule N1).

Pure: takes plain values, returns decisions. Kept apart from models and views so the same check
can move into the rules core when a stage engine lands there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from zhixuan.rules.decision import Decision


@dataclass(frozen=True)
class StageDates:
    title: str
    starts_on: date | None
    ends_on: date | None


def announcement_gaps(
    *,
    seats: Sequence[int],
    conditions: int,
    work_targets: int,
    stages: Sequence[StageDates],
) -> list[Decision]:
    """N1: positions with seats, qualification conditions, work targets and a dated timeline.

    Returns one decision per missing part; an empty list means the announcement is complete.
    """
    gaps: list[Decision] = []
    if not seats or sum(seats) == 0 or any(s <= 0 for s in seats):
        gaps.append(
            Decision("N1", "no_positions", "announcement", "公告须列明职位和职数", "positions and seats missing")
        )
    if conditions == 0:
        gaps.append(
            Decision(
                "N1",
                "no_conditions",
                "announcement",
                "公告须列明资格条件",
                "qualification conditions missing",
            )
        )
    if work_targets == 0:
        gaps.append(Decision("N1", "no_work_targets", "announcement", "公告须列明工作目标", "work targets missing"))
    undated = tuple(s.title for s in stages if s.starts_on is None or s.ends_on is None)
    if not stages or undated:
        gaps.append(
            Decision(
                "N1",
                "timeline_incomplete",
                "announcement",
                "公告须列明程序和时间安排：" + ("、".join(undated) + " 未定日期" if undated else "无阶段"),
                "timeline incomplete: " + (", ".join(undated) + " undated" if undated else "no stages"),
                facts={"undated": undated},
            )
        )
    backwards = tuple(
        s.title for s in stages if s.starts_on is not None and s.ends_on is not None and s.ends_on < s.starts_on
    )
    out_of_order = tuple(
        later.title
        for earlier, later in pairwise(stages)
        if earlier.starts_on and later.starts_on and later.starts_on < earlier.starts_on
    )
    if backwards or out_of_order:
        names = backwards + out_of_order
        gaps.append(
            Decision(
                "N1",
                "timeline_inconsistent",
                "announcement",
                "时间安排有误：" + "、".join(names) + " 的日期先后颠倒",
                "timeline inconsistent: dates of " + ", ".join(names) + " out of order",
                facts={"stages": names},
            )
        )
    return gaps
