"""C4: names in surname-stroke order, checked on published lists ordered 按姓氏笔画为序."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.stroke_order import (
    MissingStrokeData,
    StrokeOrderError,
    describe_strokes,
    name_key,
    order_by_strokes,
    strip_notes,
    stroke_order_decision,
)
from zhixuan.strokes import stroke_table

# 20th CPC Politburo, 24 members, as announced on 2022-10-23 "按姓氏笔画为序". Why this order:
# 丁 2 strokes; 习 3 (541) before 马 3 (551); 王 4 (1121) before 尹 4 (5113); 石 5; 刘 6;
# 李 7 (1234521) before 何 7 (3212512), 张 7 (5153154), 陈 7 (5215234); 赵 9; 袁 10; 黄 11;
# 蔡 14. Same surname: single given names first (王毅 < 王沪宁; 李希 < 李强 < 李干杰 ...), then
# the second character: 希 7 < 强 12; 干 3 < 书 4 < 鸿 11; 卫 3 < 立 5; 又 2 < 国 8;
# 文 4 < 吉 6 < 敏 11.
POLITBURO_20 = [
    "丁薛祥",
    "习近平",
    "马兴瑞",
    "王毅",
    "王沪宁",
    "尹力",
    "石泰峰",
    "刘国中",
    "李希",
    "李强",
    "李干杰",
    "李书磊",
    "李鸿忠",
    "何卫东",
    "何立峰",
    "张又侠",
    "张国清",
    "陈文清",
    "陈吉宁",
    "陈敏尔",
    "赵乐际",
    "袁家军",
    "黄坤明",
    "蔡奇",
]

# 19th CPC Politburo, 25 members (2017-10-25), with the printed note （女）. Why: 刘 (413422)
# < 许 (453112) < 孙 (521234), all 6 strokes; 李 (1234521) < 杨 (1234533) < 汪 (4411121) <
# 张 (5153154) < 陈 (5215234), all 7; 赵 (121213434) < 胡 (122513511), both 9; 栗 (1252211234)
# < 郭 (4125152152), both 10; 黄 11; 韩 12; 蔡 14. Within a surname single names first:
# 王晨 < 王沪宁, 李希 < 李强 < 李克强 < 李鸿忠 (希 7 < 强 12; 克 7 < 鸿 11), 陈希 < 陈全国 <
# 陈敏尔; 杨洁篪 < 杨晓渡 (洁 9 < 晓 10).
POLITBURO_19 = [
    "丁薛祥",
    "习近平",
    "王晨",
    "王沪宁",
    "刘鹤",
    "许其亮",
    "孙春兰（女）",
    "李希",
    "李强",
    "李克强",
    "李鸿忠",
    "杨洁篪",
    "杨晓渡",
    "汪洋",
    "张又侠",
    "陈希",
    "陈全国",
    "陈敏尔",
    "赵乐际",
    "胡春华",
    "栗战书",
    "郭声琨",
    "黄坤明",
    "韩正",
    "蔡奇",
]

# 18th CPC Politburo, 25 members (2012-11-15). Why: 习 (541) < 马 (551); 王岐山 < 王沪宁
# (岐 2521254 < 沪 4414513, both 7); 刘云山 < 刘延东 < 刘奇葆 (云 4 < 延 6 < 奇 8); 孙春兰 <
# 孙政才 (春 111342511 < 政 121213134, both 9); 李克强 < 李建国 < 李源潮 (7 < 8 < 13);
# 范 (12244155) < 孟 (52125221), both 8; 赵 < 胡 < 俞 (341251122), all 9; 栗 < 郭; 韩.
POLITBURO_18 = [
    "习近平",
    "马凯",
    "王岐山",
    "王沪宁",
    "刘云山",
    "刘延东（女）",
    "刘奇葆",
    "许其亮",
    "孙春兰（女）",
    "孙政才",
    "李克强",
    "李建国",
    "李源潮",
    "汪洋",
    "张春贤",
    "张高丽",
    "张德江",
    "范长龙",
    "孟建柱",
    "赵乐际",
    "胡春华",
    "俞正声",
    "栗战书",
    "郭金龙",
    "韩正",
]

# A small table for the pure-core tests: entries copied from the stroke-data source and checked
# by hand against the characters' standard writing order (强 = 弓 515 + 口 251 + 虫 251214).
TABLE = {
    "丁": "12",
    "宁": "44512",
    "小": "234",
    "强": "515251251214",
    "王": "1121",
    "毅": "414313533343554",
    "沪": "4414513",
    "陈": "5215234",
    "欧": "13453534",
    "甲": "25112",
    "申": "25112",
    "一": "1",
    "二": "11",
}


def test_c4_small_table_matches_the_source() -> None:
    source = stroke_table()
    assert {char: source[char] for char in TABLE} == TABLE


def reversed_and_rotated(names: list[str]) -> list[list[str]]:
    return [list(reversed(names)), names[7:] + names[:7], sorted(names)]


@pytest.mark.parametrize("published", [POLITBURO_20, POLITBURO_19, POLITBURO_18])
def test_c4_published_politburo_lists(published: list[str]) -> None:
    table = stroke_table()
    for scrambled in reversed_and_rotated(published):
        assert list(order_by_strokes(scrambled, table)) == published


def test_c4_brief_subset_of_20th_politburo() -> None:
    # The list in the brief: the 20th Politburo without 习近平 马兴瑞 王沪宁 李希 李强 赵乐际 蔡奇.
    dropped = {"习近平", "马兴瑞", "王沪宁", "李希", "李强", "赵乐际", "蔡奇"}
    expected = [name for name in POLITBURO_20 if name not in dropped]
    assert " ".join(expected) == (
        "丁薛祥 王毅 尹力 石泰峰 刘国中 李干杰 李书磊 李鸿忠 何卫东 何立峰 张又侠 张国清 "
        "陈文清 陈吉宁 陈敏尔 袁家军 黄坤明"
    )
    assert list(order_by_strokes(reversed(expected), stroke_table())) == expected


def test_c4_stroke_count_first_chen_before_ou() -> None:
    # 陈 has 7 strokes, 欧 8: count decides even though 欧 starts with 横 and 陈 with 折.
    assert order_by_strokes(["欧阳", "陈"], {**TABLE, "阳": "522511"}) == ("陈", "欧阳")
    assert order_by_strokes(["欧小强", "陈强"], TABLE) == ("陈强", "欧小强")


def test_c4_equal_count_by_stroke_sequence() -> None:
    # 王 1121 and 尹 5113 both have 4 strokes; the first stroke 横 < 折 decides.
    table = stroke_table()
    assert order_by_strokes(["尹力", "王毅"], table) == ("王毅", "尹力")
    # 李 1234521 vs 何 3212512 vs 张 5153154 vs 陈 5215234, all 7 strokes.
    assert order_by_strokes(["陈希", "张三", "何一", "李四"], table) == ("李四", "何一", "张三", "陈希")


def test_c4_single_given_name_before_longer() -> None:
    assert order_by_strokes(["丁小强", "丁宁"], TABLE) == ("丁宁", "丁小强")
    # 沪 (7 strokes) would sort before 毅 (15) by the second character; length decides first.
    assert order_by_strokes(["王沪宁", "王毅"], TABLE) == ("王毅", "王沪宁")


def test_c4_following_characters_by_count_then_sequence() -> None:
    assert order_by_strokes(["丁二", "丁一"], TABLE) == ("丁一", "丁二")
    assert order_by_strokes(["王强", "王宁"], TABLE) == ("王宁", "王强")


def test_c4_notes_are_not_part_of_the_key() -> None:
    assert strip_notes("孙春兰（女）") == "孙春兰"
    assert strip_notes("张三（女，回族）(已退休)") == "张三"
    assert strip_notes("王　毅") == "王毅"
    assert strip_notes("买买提·艾力") == "买买提艾力"
    # With the note ignored, 王毅（女） is still a single given name, before 王沪宁.
    assert order_by_strokes(["王沪宁", "王毅（女，回族）"], TABLE) == ("王毅（女，回族）", "王沪宁")


def test_c4_missing_character_is_an_explicit_error() -> None:
    with pytest.raises(MissingStrokeData) as info:
        order_by_strokes(["丁宁", "丁𬱖"], TABLE)
    assert info.value.char == "𬱖"
    assert "𬱖" in str(info.value) and "丁𬱖" in str(info.value)


def test_c4_invalid_sequence_in_table_is_refused() -> None:
    with pytest.raises(MissingStrokeData, match="invalid stroke sequence"):
        name_key("丁宁", {**TABLE, "宁": "4451x"})


def test_c4_empty_name_is_refused() -> None:
    with pytest.raises(StrokeOrderError):
        name_key("（女）", TABLE)


def test_c4_identical_sequences_split_by_code_point_keeping_surnames_together() -> None:
    # 甲 (U+7532) and 申 (U+7533) are both 25112: code point decides, each surname stays a group.
    ordered = order_by_strokes(["申一", "甲小强", "甲一", "申小强"], TABLE)
    assert ordered == ("甲一", "甲小强", "申一", "申小强")


def test_c4_namesakes_ordered_by_full_text() -> None:
    assert order_by_strokes(["王毅（女）", "王毅"], TABLE) == ("王毅", "王毅（女）")


def test_c4_decision_lists_the_order_with_rule_id() -> None:
    decision = stroke_order_decision(["王沪宁", "丁宁", "王毅"], TABLE, "书记候选人")
    assert decision.rule == "C4"
    assert decision.facts["order"] == ("丁宁", "王毅", "王沪宁")
    assert "丁宁、王毅、王沪宁" in decision.zh
    assert decision.text().endswith("(C4)")


def test_c4_describe_strokes_spells_out_the_sequence() -> None:
    assert describe_strokes("丁", TABLE) == "丁: 2 画 横竖"


NAME_CHARS = st.sampled_from(sorted(TABLE))
NAMES = st.lists(st.text(NAME_CHARS, min_size=1, max_size=4), max_size=12)


@given(NAMES, st.randoms(use_true_random=False))
def test_c4_order_ignores_input_order(names: list[str], rnd: random.Random) -> None:
    shuffled = list(names)
    rnd.shuffle(shuffled)
    ordered = order_by_strokes(names, TABLE)
    assert order_by_strokes(shuffled, TABLE) == ordered
    assert sorted(ordered) == sorted(names)


@given(NAMES)
def test_c4_surname_groups_are_contiguous_and_counts_ascend(names: list[str]) -> None:
    ordered = order_by_strokes(names, TABLE)
    surnames = [name[0] for name in ordered]
    seen: list[str] = []
    for surname in surnames:
        if not seen or seen[-1] != surname:
            assert surname not in seen, f"surname {surname} split in {ordered}"
            seen.append(surname)
    counts = [len(TABLE[s]) for s in seen]
    assert counts == sorted(counts)
