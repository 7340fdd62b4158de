"""Realistic Chinese names, drawn deterministically from a seeded ``random.Random``.

Only common characters are used, so every one has stroke data (C4 orders names by surname strokes).
"""

from __future__ import annotations

import random

# Common surnames, most frequent first, with rough relative weights (so they recur as in a real roster).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 70),
    ("李", 70),
    ("张", 65),
    ("刘", 55),
    ("陈", 50),
    ("杨", 35),
    ("黄", 25),
    ("赵", 22),
    ("吴", 20),
    ("周", 20),
    ("徐", 16),
    ("孙", 15),
    ("马", 14),
    ("朱", 13),
    ("胡", 12),
    ("郭", 12),
    ("何", 11),
    ("高", 11),
    ("林", 10),
    ("罗", 10),
    ("郑", 9),
    ("梁", 9),
    ("谢", 8),
    ("宋", 8),
    ("唐", 8),
    ("许", 7),
    ("韩", 7),
    ("冯", 7),
    ("邓", 7),
    ("曹", 6),
    ("彭", 6),
    ("曾", 6),
    ("肖", 6),
    ("田", 6),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 5),
    ("叶", 5),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 4),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 3),
    ("廖", 3),
    ("贾", 3),
    ("夏", 2),
    ("韦", 2),
    ("付", 2),
    ("方", 2),
    ("白", 2),
    ("邹", 2),
    ("孟", 2),
    ("熊", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
    ("薛", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 1),
    ("龚", 1),
    ("邵", 1),
    ("万", 1),
    ("钱", 1),
    ("严", 1),
    ("武", 1),
    ("戴", 1),
    ("莫", 1),
    ("孔", 1),
    ("向", 1),
    ("汤", 1),
)

# Common given-name characters (both sexes); a given name is one or two of them.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰文辉建国红玉志林峰春梅海波宇浩鹏飞斌云霞燕凤"
    "晓小庆东德成兵永金福贵荣亮俊新利清光学中祥良琴雪丹萍婷瑜煦孝菊兴安宁毅川蓉江山松柏仁义礼智"
)

# Characters that open a given name but do not end one (李小 is a nickname, not a name).
LEADING_ONLY = frozenset("小")

_SURNAME_CHARS = tuple(s for s, _ in SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in SURNAMES)


def all_characters() -> str:
    """Every character a generated name can contain (for the stroke-data check)."""
    return "".join(_SURNAME_CHARS) + GIVEN


class NameMaker:
    """Draws names from ``rng`` without repeating one within the same maker.

    Names may repeat in real rosters, but a synthetic report reads more easily when they don't.
    """

    def __init__(self, rng: random.Random, single_given_share: float = 0.3) -> None:
        self._rng = rng
        self._single = single_given_share
        self._used: set[str] = set()

    def reserve(self, name: str) -> None:
        """Mark a hand-picked name as used so a drawn one never duplicates it."""
        self._used.add(name)

    def name(self) -> str:
        rng = self._rng
        while True:
            surname = rng.choices(_SURNAME_CHARS, weights=_SURNAME_WEIGHTS)[0]
            length = 1 if rng.random() < self._single else 2
            given = "".join(rng.choice(GIVEN) for _ in range(length))
            if given[-1] in LEADING_ONLY:
                continue
            name = surname + given
            if name not in self._used:
                self._used.add(name)
                return name
