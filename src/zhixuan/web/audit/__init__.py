"""Append-only, hash-chained audit log (rule S2)."""
