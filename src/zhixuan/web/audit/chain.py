"""The hash of one audit entry (rule S2), independent of Django so anyone can recompute it.

An entry's hash covers its chain, sequence number, time, actor, action, object, data and the
previous entry's hash, serialised as canonical JSON (sorted keys, no spaces, UTF-8).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def canonical_time(moment: datetime) -> str:
    """UTC ISO-8601 with microseconds, the only time form that enters a hash."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    chain: str,
    seq: int,
    time: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Mapping[str, object],
    prev_hash: str,
) -> str:
    payload = {
        "chain": chain,
        "seq": seq,
        "time": canonical_time(time),
        "actor": actor,
        "action": action,
        "object": f"{object_type}:{object_id}",
        "data": data,
        "prev": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
