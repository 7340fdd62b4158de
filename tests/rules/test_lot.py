"""L1: commit-reveal lots with a SHA-256 counter-mode Fisher-Yates shuffle (docs/lot.md)."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import struct
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhixuan.rules.lot import (
    LotError,
    _below,
    commitment,
    draw,
    shuffled,
    verify,
    verify_draw,
)

# The published vectors of docs/lot.md: (secret hex, entropy, label, items, order, commitment).
VECTORS = [
    (
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "3 5 1 6 2",
        "发言顺序：书记职位",
        ["王煦", "李明", "张强", "陈红", "赵磊"],
        ["李明", "王煦", "陈红", "张强", "赵磊"],
        "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",
    ),
    (
        "00000000000000000000000000000000",
        "1",
        "test",
        ["a", "b", "c"],
        ["b", "c", "a"],
        "374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb",
    ),
    (
        b"zhixuan test vector secret #3!!".hex(),
        "6 6 6 1 2 3 4 5",
        "R3 cut-off tie: member",
        list("ABCDEFGHIJ"),
        list("HJAIGECDFB"),
        "526cd580df3d2a3894830b2d5b3f347c207c3a103339aebb87db94a650900cae",
    ),
    (
        "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0",
        "42",
        "single",
        ["only"],
        ["only"],
        "1865c00831e73f7ee23fc13cb2d0f588b9c341835ca7472f8ec035aba4b789d6",
    ),
]

SECRET = bytes(range(32))


def plain_reference_order(items: list[str], secret: bytes, entropy: str, label: str) -> list[str]:
    """docs/lot.md re-implemented from the text alone: one big buffer, struct for the words."""

    def field(data: bytes) -> bytes:
        return struct.pack(">Q", len(data)) + data

    prefix = field(b"zhixuan-lot-v1") + field(secret) + field(entropy.encode()) + field(label.encode())
    buffer = b"".join(hashlib.sha256(prefix + struct.pack(">Q", k)).digest() for k in range(64))
    words = [struct.unpack(">Q", buffer[i : i + 8])[0] for i in range(0, len(buffer), 8)]
    position = 0
    a = sorted(items, key=lambda text: text.encode("utf-8"))
    for i in range(len(a) - 1, 0, -1):
        m = i + 1
        while True:
            w = words[position]
            position += 1
            if w < 2**64 - 2**64 % m:
                break
        j = w % m
        a[i], a[j] = a[j], a[i]
    return a


@pytest.mark.parametrize(("secret_hex", "entropy", "label", "items", "order", "commit"), VECTORS)
def test_l1_published_vectors(
    secret_hex: str, entropy: str, label: str, items: list[str], order: list[str], commit: str
) -> None:
    secret = bytes.fromhex(secret_hex)
    result = draw(items, secret, entropy, label)
    assert list(result.order) == order
    assert result.commitment == commit == commitment(secret)
    assert list(draw(list(reversed(items)), secret, entropy, label).order) == order


@pytest.mark.parametrize(("secret_hex", "entropy", "label", "items", "order", "commit"), VECTORS)
def test_l1_vectors_match_an_independent_reimplementation(
    secret_hex: str, entropy: str, label: str, items: list[str], order: list[str], commit: str
) -> None:
    assert plain_reference_order(items, bytes.fromhex(secret_hex), entropy, label) == order
    assert hashlib.sha256(bytes.fromhex(secret_hex)).hexdigest() == commit


def test_l1_docs_publish_the_same_vectors() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lot.md").read_text(encoding="utf-8")
    for secret_hex, entropy, label, _items, order, commit in VECTORS:
        row = next(line for line in doc.splitlines() if f"`{secret_hex}`" in line)
        assert f"`{commit}`" in row and f"`{entropy}`" in row and f"`{label}`" in row
        assert ", ".join(order) in row


def test_l1_decision_names_rule_order_commitment_and_entropy() -> None:
    result = draw(["王煦", "李明", "张强", "陈红", "赵磊"], SECRET, "3 5 1 6 2", "发言顺序：书记职位")
    decision = result.decision
    assert decision.rule == "L1"
    assert decision.code == "lot_drawn"
    assert decision.facts["order"] == ("李明", "王煦", "陈红", "张强", "赵磊")
    assert decision.facts["commitment"] == commitment(SECRET)
    assert decision.facts["entropy"] == "3 5 1 6 2"
    assert "1. 李明、2. 王煦、3. 陈红、4. 张强、5. 赵磊" in decision.zh
    assert decision.text().endswith("(L1)")


def test_l1_decision_shows_names_while_the_draw_and_its_facts_stay_on_ids() -> None:
    ids = ["a1", "a2", "a3", "a4", "a5"]
    names = dict(zip(ids, ["王煦", "李明", "张强", "陈红", "赵磊"], strict=True))
    plain = draw(ids, SECRET, "3 5 1 6 2", "发言顺序：书记职位")
    named = draw(ids, SECRET, "3 5 1 6 2", "发言顺序：书记职位", names=names)
    assert named.order == plain.order
    assert named.decision.facts == plain.decision.facts
    numbered = "、".join(f"{n}. {names[i]}" for n, i in enumerate(plain.order, start=1))
    assert numbered in named.decision.zh
    assert not any(i in named.decision.zh for i in ids)


def test_l1_verify_commitment() -> None:
    published = commitment(SECRET)
    assert verify(published, SECRET)
    assert verify(published.upper(), SECRET)
    assert not verify(published, SECRET[:-1] + b"\x00")


def test_l1_draw_refuses_a_secret_that_does_not_match_the_published_commitment() -> None:
    with pytest.raises(LotError, match="commitment"):
        draw(["a", "b"], SECRET, "1", "x", published_commitment=commitment(b"another secret, 16+ b"))
    assert draw(["a", "b"], SECRET, "1", "x", published_commitment=commitment(SECRET)).order


@pytest.mark.parametrize(
    ("items", "secret", "entropy", "label", "message"),
    [
        (["a", "a"], SECRET, "1", "x", "twice"),
        (["a"], b"short", "1", "x", "16 bytes"),
        (["a"], SECRET, "  ", "x", "entropy"),
        (["a"], SECRET, "1", "", "label"),
    ],
)
def test_l1_invalid_draws_are_refused(items: list[str], secret: bytes, entropy: str, label: str, message: str) -> None:
    with pytest.raises(LotError, match=message):
        draw(items, secret, entropy, label)


def test_l1_verify_draw_after_the_secret_is_published() -> None:
    result = draw(["甲", "乙", "丙"], SECRET, "6 2", "演讲顺序")
    assert verify_draw(result, SECRET).code == "lot_verified"
    assert verify_draw(result, bytes(32)).code == "lot_secret_mismatch"
    forged = dataclasses.replace(result, order=result.order[1:] + result.order[:1])
    mismatch = verify_draw(forged, SECRET)
    assert mismatch.code == "lot_order_mismatch"
    assert mismatch.rule == "L1"
    assert mismatch.facts["recomputed"] == result.order


def test_l1_rejection_sampling_discards_the_biased_top_word() -> None:
    # 2^64 mod 3 = 1, so the single word 2^64 - 1 must be discarded and the next one used.
    assert _below(3, iter([2**64 - 1, 5])) == 2
    assert _below(3, iter([2**64 - 2, 5])) == (2**64 - 2) % 3


def test_l1_every_order_about_equally_likely() -> None:
    # 6,000 draws with the entropies 0..5999: each of the 6 orders of 3 items near 1,000 times.
    counts = Counter(shuffled(["x", "y", "z"], SECRET, str(n), "uniformity") for n in range(6000))
    assert set(counts) == set(itertools.permutations(["x", "y", "z"]))
    assert all(850 <= count <= 1150 for count in counts.values()), counts


ITEMS = st.lists(st.text(min_size=1, max_size=6), unique=True, max_size=15)


@given(ITEMS, st.binary(min_size=16, max_size=40), st.text(min_size=1).filter(str.strip))
def test_l1_result_is_a_permutation_independent_of_input_order(items: list[str], secret: bytes, entropy: str) -> None:
    result = draw(items, secret, entropy, "property")
    assert sorted(result.order) == sorted(items)
    assert draw(list(reversed(items)), secret, entropy, "property").order == result.order
    assert verify_draw(result, secret).code == "lot_verified"


@given(ITEMS, st.binary(min_size=16, max_size=40), st.text(min_size=1).filter(str.strip))
def test_l1_matches_the_plain_reference(items: list[str], secret: bytes, entropy: str) -> None:
    assert list(shuffled(items, secret, entropy, "ref")) == plain_reference_order(items, secret, entropy, "ref")
