"""The stroke-data loader (C4's table): real sequences, cached, checked against cn-sort's ranks."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from zhixuan.rules.stroke_order import char_key
from zhixuan.strokes import StrokeDataError, extend_table, parse_table, stroke_table

# The 100 most common surnames (2020 census order), all of which a ballot must be able to order.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)


def test_c4_table_holds_stroke_sequences_not_just_counts() -> None:
    table = stroke_table()
    assert len(table) == 20902
    # Written out stroke by stroke: 1 横 2 竖 3 撇 4 点 5 折.
    assert table["丁"] == "12"
    assert table["王"] == "1121"
    assert table["陈"] == "5215234"  # 阝 52 + 东 15234
    assert table["欧"] == "13453534"  # 区 1345 + 欠 3534
    assert table["张"] == "5153154"  # 弓 515 + 长 3154
    assert table["刘"] == "413422"  # 文 4134 + 刂 22
    assert table["冯"] == "41551"  # 冫 41 + 马 551
    assert table["郭"] == "4125152152"  # 享 41251521 + 阝 52
    assert table["严"] == "1224313"
    assert table["万"] == "153"


def test_c4_table_covers_common_surnames() -> None:
    table = stroke_table()
    assert len(COMMON_SURNAMES) == 100
    missing = [char for char in COMMON_SURNAMES if char not in table]
    assert missing == []


def test_c4_table_is_cached_and_read_only() -> None:
    assert stroke_table() is stroke_table()
    with pytest.raises(TypeError):
        stroke_table()["丁"] = "1"  # type: ignore[index]


def _cn_sort_ranks() -> dict[str, int]:
    # Read the JSON without importing cn_sort: its import writes log files into the working dir.
    spec = importlib.util.find_spec("cn_sort")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "res" / "all_word.json"
    entries = json.loads(path.read_text(encoding="utf-8"))["all_word"]
    return {entry["chinese"]: entry["stroke_increment_level"] for entry in entries}


def test_c4_table_agrees_with_cn_sort_stroke_ranks() -> None:
    # cn-sort ranks characters by stroke order without the strokes themselves; the two maintained
    # sources must put every shared character in the same (count, sequence) order.
    table = stroke_table()
    ranks = _cn_sort_ranks()
    shared = sorted((char for char in table if char in ranks), key=ranks.__getitem__)
    assert len(shared) > 20000
    keys = [char_key(char, table)[:2] for char in shared]
    pairs = zip(shared, shared[1:], keys, keys[1:], strict=False)
    disagreements = [(a, b) for a, b, key_a, key_b in pairs if key_a > key_b]
    assert disagreements == []


def test_c4_parse_table_rejects_malformed_lines() -> None:
    assert parse_table("丁\t12\n\n王\t1121\n") == {"丁": "12", "王": "1121"}
    with pytest.raises(StrokeDataError, match="digits 1-5"):
        parse_table("丁\t16\n")
    with pytest.raises(StrokeDataError, match="expected"):
        parse_table("丁 12\n")
    with pytest.raises(StrokeDataError, match="single character"):
        parse_table("丁丁\t1212\n")
    with pytest.raises(StrokeDataError, match="twice"):
        parse_table("丁\t12\n丁\t21\n")


def test_c4_extend_table_adds_rare_characters_but_never_overrides() -> None:
    base = stroke_table()
    # An illustrative sequence for a character outside the source's block: the merge is under test.
    extended = extend_table(base, {"𬱖": "4524135"})
    assert extended["𬱖"] == "4524135"
    assert extended["丁"] == "12"
    assert "𬱖" not in base
    with pytest.raises(StrokeDataError, match="contradicts"):
        extend_table(base, {"丁": "21"})
    with pytest.raises(StrokeDataError, match="digits"):
        extend_table(base, {"𬱖": ""})
