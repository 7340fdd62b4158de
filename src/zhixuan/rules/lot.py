"""Lots (rule L1): a reproducible, checkable draw by commit-reveal and a SHA-256 stream.

Before the draw the system publishes ``commitment(secret)``; at the draw public entropy (digits
read from dice in front of observers) is entered; the order is a Fisher-Yates shuffle driven by
a SHA-256 counter-mode stream over secret, entropy and draw label; afterwards the secret is
published and anyone recomputes the order. The byte-exact scheme, with test vectors, is in
``docs/lot.md``; change nothing here without bumping ``SCHEME`` and the document.

The secret comes from outside (the shell draws it from the OS); this module has no randomness.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from zhixuan.rules.decision import Decision, Fact, Names, display_name

SCHEME = "zhixuan-lot-v1"
MIN_SECRET_BYTES = 16
_U64 = 1 << 64


class LotError(ValueError):
    """A draw that cannot be made as asked (weak secret, duplicate items, wrong commitment)."""


@dataclass(frozen=True, slots=True)
class LotDraw:
    """One draw: the canonical input list, the resulting order and what makes it checkable."""

    label: str
    items: tuple[str, ...]
    order: tuple[str, ...]
    commitment: str
    entropy: str
    decision: Decision


def commitment(secret: bytes) -> str:
    """The value published before the draw: lowercase hex SHA-256 of the secret."""
    return hashlib.sha256(secret).hexdigest()


def verify(commitment_hex: str, secret: bytes) -> bool:
    """Whether ``secret`` is the one committed to (case-insensitive hex, constant-time compare)."""
    return hmac.compare_digest(commitment_hex.strip().lower(), commitment(secret))


def canonical_items(items: Sequence[str]) -> tuple[str, ...]:
    """Items sorted by Unicode code point (= UTF-8 byte order); duplicates are refused."""
    ordered = tuple(sorted(items))
    for first, second in itertools.pairwise(ordered):
        if first == second:
            raise LotError(f"item {first!r} appears twice; every item of a draw must be distinct")
    return ordered


def _field(data: bytes) -> bytes:
    # Length-prefixed so that no two different (secret, entropy, label) give the same bytes.
    return len(data).to_bytes(8, "big") + data


def _stream_prefix(secret: bytes, entropy: str, label: str) -> bytes:
    return (
        _field(SCHEME.encode("utf-8"))
        + _field(secret)
        + _field(entropy.encode("utf-8"))
        + _field(label.encode("utf-8"))
    )


def _words(prefix: bytes) -> Iterator[int]:
    """Unsigned 64-bit big-endian words of SHA-256(prefix ‖ counter), counter = 0, 1, 2, ..."""
    counter = 0
    while True:
        block = hashlib.sha256(prefix + counter.to_bytes(8, "big")).digest()
        for offset in range(0, 32, 8):
            yield int.from_bytes(block[offset : offset + 8], "big")
        counter += 1


def _below(bound: int, words: Iterator[int]) -> int:
    """A uniform integer in [0, bound): reject words at or above the largest multiple of bound."""
    limit = _U64 - _U64 % bound
    while True:
        word = next(words)
        if word < limit:
            return word % bound


def shuffled(items: Sequence[str], secret: bytes, entropy: str, label: str) -> tuple[str, ...]:
    """The L1 order of ``items`` (see docs/lot.md): Fisher-Yates over the canonical list."""
    order = list(canonical_items(items))
    words = _words(_stream_prefix(secret, entropy, label))
    for i in range(len(order) - 1, 0, -1):
        j = _below(i + 1, words)
        order[i], order[j] = order[j], order[i]
    return tuple(order)


def draw(
    items: Sequence[str],
    secret: bytes,
    entropy: str,
    label: str,
    *,
    published_commitment: str | None = None,
    names: Names | None = None,
) -> LotDraw:
    """Draw the order of ``items`` (rule L1); checks the secret against the published commitment.

    The draw is over ``items`` as given (ids); ``names`` only changes how the decision's sentence
    shows them.
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise LotError(f"the secret must have at least {MIN_SECRET_BYTES} bytes, got {len(secret)}")
    if not entropy.strip():
        raise LotError("public entropy is required: enter what the observers saw (e.g. dice digits)")
    if not label.strip():
        raise LotError("every draw needs a label naming what it decides")
    if published_commitment is not None and not verify(published_commitment, secret):
        raise LotError("the secret does not match the commitment published before the draw")
    canonical = canonical_items(items)
    order = shuffled(canonical, secret, entropy, label)
    committed = commitment(secret)
    numbered_zh = "、".join(f"{n}. {display_name(item, names)}" for n, item in enumerate(order, start=1))
    numbered_en = ", ".join(f"{n}. {display_name(item, names)}" for n, item in enumerate(order, start=1))
    decision = Decision(
        rule="L1",
        code="lot_drawn",
        subject=label,
        zh=f"抽签“{label}”结果：{numbered_zh}（事先公布的承诺值 {committed[:16]}…，公开随机数“{entropy}”）",
        en=(
            f"Lot '{label}': {numbered_en} (commitment published beforehand {committed[:16]}…, "
            f"public entropy '{entropy}')"
        ),
        facts={
            "scheme": SCHEME,
            "label": label,
            "items": canonical,
            "order": order,
            "commitment": committed,
            "entropy": entropy,
        },
    )
    return LotDraw(label=label, items=canonical, order=order, commitment=committed, entropy=entropy, decision=decision)


def verify_draw(result: LotDraw, secret: bytes, names: Names | None = None) -> Decision:
    """After the secret is published: does it match the commitment and reproduce the order?"""
    facts: dict[str, Fact] = {"label": result.label, "commitment": result.commitment, "order": result.order}
    if not verify(result.commitment, secret):
        return Decision(
            rule="L1",
            code="lot_secret_mismatch",
            subject=result.label,
            zh=f"抽签“{result.label}”公布的密钥与事先公布的承诺值不符，抽签结果不可信",
            en=(
                f"Lot '{result.label}': the published secret does not match the commitment; the draw cannot be trusted"
            ),
            facts=facts,
        )
    recomputed = shuffled(result.items, secret, result.entropy, result.label)
    if recomputed != result.order:
        shown = [display_name(item, names) for item in recomputed]
        return Decision(
            rule="L1",
            code="lot_order_mismatch",
            subject=result.label,
            zh=f"抽签“{result.label}”复算顺序为 {'、'.join(shown)}，与公布的顺序不符",
            en=f"Lot '{result.label}': recomputed order {', '.join(shown)} differs from the published one",
            facts={**facts, "recomputed": recomputed},
        )
    return Decision(
        rule="L1",
        code="lot_verified",
        subject=result.label,
        zh=f"抽签“{result.label}”已复核：密钥与承诺值相符，复算顺序与公布的顺序一致",
        en=f"Lot '{result.label}' verified: the secret matches the commitment and reproduces the order",
        facts=facts,
    )
