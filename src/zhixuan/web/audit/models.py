# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Audit chains and their entries (rule S2). Entries are never updated or deleted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditChain(models.Model):
    """One chain per scope (``election:12``, ``county:3``, ``accounts``), holding its head.

    The head row is locked while an entry is appended, so two writers cannot fork the chain.
    """

    key = models.CharField(max_length=64, unique=True)
    length = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.key


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntry(models.Model):
    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField()
    time = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's name as hashed; the user row may later change or go.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_chain_seq")]

    def __str__(self) -> str:
        return f"{self.chain.key}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        from zhixuan.web.audit.labels import action_label

        return action_label(self.action)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only")
