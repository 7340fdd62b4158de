"""Reading and verifying audit chains (rule S2)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from zhixuan.web.audit.chain import GENESIS_HASH, entry_hash
from zhixuan.web.audit.models import AuditChain, AuditEntry


@dataclass(frozen=True)
class ChainCheck:
    """Outcome of recomputing a chain: ``ok`` or the first entry that does not fit, and why."""

    key: str
    ok: bool
    length: int
    head_hash: str
    bad_seq: int | None = None
    reason_zh: str = ""
    reason_en: str = ""


def chain_head(key: str) -> str:
    head = AuditChain.objects.filter(key=key).values_list("head_hash", flat=True).first()
    return head or GENESIS_HASH


def chain_entries(key: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(chain__key=key).order_by("seq")


def verify_chain(key: str) -> ChainCheck:
    """Recompute every hash of chain ``key`` and compare it with what is stored."""
    head = AuditChain.objects.filter(key=key).first()
    if head is None:
        return ChainCheck(key=key, ok=True, length=0, head_hash=GENESIS_HASH)
    prev = GENESIS_HASH
    expected_seq = 1
    for entry in chain_entries(key).iterator():
        if entry.seq != expected_seq:
            return _bad(key, head, expected_seq, f"缺少第 {expected_seq} 条记录", f"entry {expected_seq} missing")
        if entry.prev_hash != prev:
            return _bad(key, head, entry.seq, "前一条哈希不符", "previous-hash link broken")
        recomputed = entry_hash(
            chain=key,
            seq=entry.seq,
            time=entry.time,
            actor=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            data=entry.data,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return _bad(key, head, entry.seq, "记录内容被改动，哈希不符", "entry altered: hash mismatch")
        prev = entry.hash
        expected_seq += 1
    if head.length != expected_seq - 1 or head.head_hash != prev:
        return _bad(key, head, expected_seq, "链尾记录缺失或链头不符", "tail entries missing or head mismatch")
    return ChainCheck(key=key, ok=True, length=head.length, head_hash=head.head_hash)


def _bad(key: str, head: AuditChain, seq: int, zh: str, en: str) -> ChainCheck:
    return ChainCheck(
        key=key,
        ok=False,
        length=head.length,
        head_hash=head.head_hash,
        bad_seq=seq,
        reason_zh=zh,
        reason_en=en,
    )
