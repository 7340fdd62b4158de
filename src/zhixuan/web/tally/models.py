# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Paper ballots of a round: how many were handed out, and the tellers' independent entries (M6).

Two tellers each enter the round's ballots (one by one, or per-candidate totals) on their own
sheet; the sheets are compared and the agreed sheet becomes the round's paper tally. Ballot
validity (M4, M5) and the round's validity (M6) are decided by ``zhixuan.rules.ballots``.
"""

from __future__ import annotations

import secrets

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


# --- scanned paper ballots (zhixuan.scan) ------------------------------------------------------------


def random_key() -> str:
    """A random primary key: a sheet's id says nothing about the order the sheets were scanned in (S1)."""
    return secrets.token_hex(16)


class ScanBatch(models.Model):
    """One upload of scanner output for a round: who, when, which files, and how the sheets read."""

    round = models.ForeignKey("meeting.Round", on_delete=models.CASCADE, related_name="scan_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Per file: {"name", "sha256", "pages", "read", "adjudicate", "refused"} — counts, not which page said what.
    files = models.JSONField(default=list)
    sheets_read = models.PositiveIntegerField(default=0)
    sheets_adjudicate = models.PositiveIntegerField(default=0)
    sheets_refused = models.PositiveIntegerField(default=0)


class ScanStatus(models.TextChoices):
    READ = "read", _("已读取")
    ADJUDICATE = "adjudicate", _("须裁定")
    REFUSED = "refused", _("拒收")


class ScannedSheet(models.Model):
    """One scanned sheet as the scanner read it.

    ``marks`` is the ballot counted, in the scenario's form: the clean reading of a ``read`` sheet, or
    what two tellers agreed on for an ``adjudicate`` sheet (``None`` until they agree, and always for a
    refused sheet, which is not counted). The id is random and no row keeps a scan position, except a
    refused sheet's ``source`` (it carries no ballot), so the counted sheets cannot be put in scan order.
    """

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    round = models.ForeignKey("meeting.Round", on_delete=models.CASCADE, related_name="scanned_sheets")
    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="sheets")
    status = models.CharField(max_length=16, choices=ScanStatus.choices)
    reading = models.JSONField(default=dict)  # SheetReading.to_json(): reasons, boxes, proposed ballot
    marks = models.JSONField(null=True, blank=True)
    image = models.BinaryField()  # JPEG: the corrected page with the boxes outlined (a refused sheet: as scanned)
    sha256 = models.CharField(max_length=64)  # of the uploaded image: the same file twice is refused
    source = models.CharField(max_length=300, blank=True)  # refused sheets only: file and page, to find it
    challenged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    challenge_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "sha256"], name="tally_scanned_sheet_once")]

    @property
    def counted(self) -> bool:
        return self.marks is not None

    @property
    def unresolved(self) -> bool:
        return self.status == ScanStatus.ADJUDICATE and self.marks is None


class Adjudication(models.Model):
    """One teller's decision on a sheet sent to adjudication: the ballot as they read it from the image.

    ``choices`` keeps what they saw per candidate row (for / against / abstain box / no mark / unclear),
    ``marks`` the ballot that follows, in the scenario's form. Two different tellers' equal ``marks``
    resolve the sheet.
    """

    sheet = models.ForeignKey(ScannedSheet, on_delete=models.CASCADE, related_name="decisions")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(default=dict)
    marks = models.JSONField(default=dict)
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "teller"], name="tally_adjudication_teller")]
