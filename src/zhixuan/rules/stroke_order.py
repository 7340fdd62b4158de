"""Surname-stroke order (姓氏笔画) of names on ballots and candidate lists (rule C4).

The order is the one official name lists use (按姓氏笔画为序):

1. the first character (the surname) by stroke count;
2. equal counts by stroke sequence, stroke by stroke, 横 < 竖 < 撇 < 点 < 折;
3. for the same surname a shorter name before a longer one, so a single given name comes first
   (丁宁 before 丁小强, 王毅 before 王沪宁);
4. then the following characters one by one, each by count and sequence as in 1-2.

Two different characters with the very same stroke sequence (甲/申, 土/士, 田/由) are told apart
by Unicode code point, so each surname stays one contiguous group. Two entries whose characters
are all identical (namesakes) are finally ordered by their full text, code point by code point,
so a note such as （女） still gives a fixed order. Nothing is settled by input order.

Notes printed after a name in parentheses — ``孙春兰（女）``, ``张三(回族)`` — are not part of
the key, nor are spaces (official lists pad two-character names, ``王　毅``) or the middle dot of
transliterated names (``买买提·艾力``). A character missing from the table raises
:class:`MissingStrokeData` naming it: the core never guesses a stroke sequence.

The table maps a character to its strokes as digits: 1 横, 2 竖, 3 撇, 4 点, 5 折. It comes from
outside the core (``zhixuan.strokes.stroke_table``), so the core stays free of file I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from zhixuan.rules.decision import Decision

StrokeTable = Mapping[str, str]
CharKey = tuple[int, str, int]
NameKey = tuple[CharKey, int, tuple[CharKey, ...], str]

STROKE_NAMES_ZH = {"1": "横", "2": "竖", "3": "撇", "4": "点", "5": "折"}

# Trailing notes in full- or half-width parentheses, possibly several: 张三（女）（回族）.
_TRAILING_NOTES = re.compile(r"(?:\s*[（(][^（）()]*[）)])+\s*$")
# Padding and separators that official lists print inside names but that carry no strokes.
_IGNORED = frozenset(" \t\u3000·•・‧")


class StrokeOrderError(ValueError):
    """A name that cannot be placed in stroke order."""


class MissingStrokeData(StrokeOrderError):
    """A character of a name has no (valid) stroke sequence in the table."""

    def __init__(self, char: str, name: str, reason: str = "missing") -> None:
        self.char = char
        self.name = name
        self.reason = reason
        super().__init__(
            f"no stroke data for {char!r} (U+{ord(char):04X}) in name {name!r}: {reason}; "
            f"add the character's stroke sequence to the table"
        )


def strip_notes(name: str) -> str:
    """The name without trailing parenthesised notes, padding or middle dots."""
    core = _TRAILING_NOTES.sub("", name)
    return "".join(ch for ch in core if ch not in _IGNORED)


def char_key(char: str, table: StrokeTable, name: str = "") -> CharKey:
    """(stroke count, stroke sequence, code point) of one character; raises if unknown."""
    sequence = table.get(char)
    if sequence is None:
        raise MissingStrokeData(char, name or char)
    if not sequence or any(stroke not in STROKE_NAMES_ZH for stroke in sequence):
        raise MissingStrokeData(char, name or char, f"invalid stroke sequence {sequence!r}")
    return (len(sequence), sequence, ord(char))


def name_key(name: str, table: StrokeTable) -> NameKey:
    """Sort key of ``name`` under C4 (see the module docstring for its parts)."""
    chars = strip_notes(name)
    if not chars:
        raise StrokeOrderError(f"name {name!r} has no characters to order by")
    keys = tuple(char_key(ch, table, name) for ch in chars)
    return (keys[0], len(keys), keys[1:], name)


def order_by_strokes(names: Iterable[str], table: StrokeTable) -> tuple[str, ...]:
    """``names`` in surname-stroke order (C4); raises :class:`MissingStrokeData` on unknown characters."""
    return tuple(sorted(names, key=lambda name: name_key(name, table)))


def stroke_order_decision(names: Iterable[str], table: StrokeTable, subject: str) -> Decision:
    """C4 as a decision: the ordered list of ``subject`` (a ballot, a candidate list) for a report."""
    ordered = order_by_strokes(names, table)
    listed = "、".join(ordered)
    return Decision(
        rule="C4",
        code="stroke_order",
        subject=subject,
        zh=f"{subject}按姓氏笔画为序：{listed}",
        en=f"{subject} in surname-stroke order: {', '.join(ordered)}",
        facts={"order": ordered, "count": len(ordered)},
    )


def describe_strokes(char: str, table: StrokeTable) -> str:
    """A character's strokes spelt out, e.g. ``丁: 2 画 横竖`` — for explaining an order."""
    count, sequence, _ = char_key(char, table)
    return f"{char}: {count} 画 {''.join(STROKE_NAMES_ZH[s] for s in sequence)}"
