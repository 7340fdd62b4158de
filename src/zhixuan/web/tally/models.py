# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Paper ballots of a round: how many were handed out, and the tellers' independent entries (M6).

Two tellers each enter the round's ballots (one by one, or per-candidate totals) on their own
sheet; the sheets are compared and the agreed sheet becomes the round's paper tally. Ballot
validity (M4, M5) and the round's validity (M6) are decided by ``zhixuan.rules.ballots``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BallotIssue(models.Model):
    """A batch of paper ballots handed out for a round (counts only, never to whom)."""

    round = models.ForeignKey("meeting.Round", on_delete=models.CASCADE, related_name="paper_issues")
    count = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)


class SheetMode(models.TextChoices):
    BALLOTS = "ballots", _("逐张录入")
    TOTALS = "totals", _("按候选人汇总录入")


class TallySheet(models.Model):
    """One teller's entry of a round's paper ballots."""

    round = models.ForeignKey("meeting.Round", on_delete=models.CASCADE, related_name="tally_sheets")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=16, choices=SheetMode.choices)
    collected = models.PositiveIntegerField(_("收回票数"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    agreed = models.BooleanField(default=False)  # the sheet both tellers' entries matched on

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "teller"], name="tally_sheet_teller")]


class PaperBallotEntry(models.Model):
    """A paper ballot as read (or ``count`` identical ones), in the scenario's ballot form:
    ``{"for": [...], "against": [...], "unclear": [...], "write_ins": [{"name": ..., "for": true}]}``."""

    sheet = models.ForeignKey(TallySheet, on_delete=models.CASCADE, related_name="entries")
    marks = models.JSONField(default=dict)
    count = models.PositiveIntegerField(default=1)


class PaperTotals(models.Model):
    """Per-candidate totals of a sheet in totals mode: ``{number: {"for": n, "against": n, "abstain": n}}``."""

    sheet = models.OneToOneField(TallySheet, on_delete=models.CASCADE, related_name="totals")
    valid = models.PositiveIntegerField()
    invalid = models.PositiveIntegerField()
    candidates = models.JSONField(default=dict)
