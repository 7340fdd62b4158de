"""Generated names: distinct within a document, and every character has stroke data (C4)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from zhixuan.strokes import stroke_table
from zhixuan.synth.names import NameMaker, all_characters


def test_c4_every_name_character_has_stroke_data() -> None:
    table = stroke_table()
    assert [c for c in all_characters() if c not in table] == []


def test_c4_generated_rosters_only_use_characters_with_stroke_data(
    county: list[dict[str, Any]], qingquan: dict[str, Any]
) -> None:
    table = stroke_table()
    people = [p for doc in [*county, qingquan] for p in doc["roster"]["members"] + doc["roster"].get("public_reps", [])]
    assert {c for p in people for c in p["name"]} <= set(table)


@given(st.integers())
def test_names_never_repeat_within_a_maker(seed: int) -> None:
    maker = NameMaker(random.Random(seed))
    names = [maker.name() for _ in range(500)]
    assert len(set(names)) == 500
    assert all(2 <= len(n) <= 3 for n in names)


def test_reserved_names_are_not_drawn() -> None:
    first = NameMaker(random.Random(1))
    drawn = [first.name() for _ in range(50)]
    maker = NameMaker(random.Random(1))
    for name in drawn:
        maker.reserve(name)
    assert maker.name() not in drawn
