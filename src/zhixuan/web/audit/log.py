"""Appending to an audit chain. Called by every ``do_*`` action inside its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zhixuan.web.audit.chain import GENESIS_HASH, entry_hash
from zhixuan.web.audit.models import AuditChain, AuditEntry


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{actor.get_username()} ({full})" if full else str(actor.get_username())


def append_entry(
    *,
    chain: str,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    data: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Append one entry to ``chain``; must run inside the caller's ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_entry must run inside the action's transaction")
    head, _ = AuditChain.objects.get_or_create(key=chain, defaults={"head_hash": GENESIS_HASH})
    head = AuditChain.objects.select_for_update().get(pk=head.pk)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    payload = dict(data or {})
    seq = head.length + 1
    now = timezone.now()
    label = actor_label(actor)
    digest = entry_hash(
        chain=chain,
        seq=seq,
        time=now,
        actor=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=payload,
        prev_hash=head.head_hash,
    )
    entry = AuditEntry.objects.create(
        chain=head,
        seq=seq,
        time=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=str(obj)[:200] if obj is not None else "",
        data=payload,
        prev_hash=head.head_hash,
        hash=digest,
    )
    head.length = seq
    head.head_hash = digest
    head.save(update_fields=["length", "head_hash"])
    return entry
