# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Electronic voting at the meeting with one-time codes (S1).

A code is printed on the check-in slip; only its hash is stored, and nothing records which member
received it. A code votes once per round (``CodeUse``). The ballot itself has a random key, no time
and no reference to the code, so neither the database nor the cast order links a voter to a ballot.
"""

from __future__ import annotations

import secrets

from django.db import models


def random_key() -> str:
    """A random primary key: row ids say nothing about the order rows were written in (S1)."""
    return secrets.token_hex(16)


class VotingCode(models.Model):
    meeting = models.ForeignKey("meeting.Meeting", on_delete=models.CASCADE, related_name="voting_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    # Cleared when the slip is handed back (the member leaves): the code can no longer vote.
    active = models.BooleanField(default=True)


class CodeUse(models.Model):
    """That a code has voted in a round: the one-ballot-per-code guard, unique per (code, round).

    The key is random, not a sequence, so the uses of codes cannot be put in the order they voted and
    lined up with the ballots (S1).
    """

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    code = models.ForeignKey(VotingCode, on_delete=models.CASCADE, related_name="uses")
    round = models.ForeignKey("meeting.Round", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "round"], name="evoting_code_use_once")]


class ElectronicBallot(models.Model):
    """An anonymous electronic ballot in the scenario's ballot form; ``id`` is random (no cast order)."""

    id = models.CharField(primary_key=True, max_length=32)
    round = models.ForeignKey("meeting.Round", on_delete=models.CASCADE, related_name="electronic_ballots")
    marks = models.JSONField(default=dict)
    # SHA-256 of the receipt code the voter keeps; the public board confirms it was counted.
    receipt_hash = models.CharField(max_length=64, unique=True)
