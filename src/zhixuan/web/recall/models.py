# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Recall (罢免, rule A3): the petition against a named leader, its recall meeting and the by-election.

These rows record what people did and what the tellers counted; whether the petition holds, whether
the meeting had its quorum (M1), whether the leader is recalled and who wins the by-election are
decided by the rules core on the exported record (``recall.export``). Who checked in is stored apart
from the counts, which are totals only (S1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhixuan.web.evoting.models import random_key
from zhixuan.web.meeting.models import CheckInMethod


class Petition(models.Model):
    """A joint proposal to recall one elected leader, and the recall meeting it convenes."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="recall_petitions")
    # The leader as the core names elected people: the applicant number (``outcome("elected")``).
    leader = models.CharField(max_length=32)
    leader_name = models.CharField(_("被罢免人"), max_length=64)
    position_kind = models.CharField(max_length=32)
    reason = models.TextField(_("罢免理由"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    # The recall meeting, convened once the petition holds (A3).
    convened_at = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(_("会议日期"), null=True, blank=True)
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    scrutineers = models.JSONField(default=list)  # member numbers, approved by the meeting (M2)
    tellers = models.JSONField(default=list)
    # The recall vote as accepted by a scrutineer (S3): who was present (member numbers, M1) and the totals.
    vote_present = models.JSONField(null=True, blank=True)
    vote_counts = models.JSONField(null=True, blank=True)  # {"issued", "yes", "no", "abstain", "invalid"}
    vote_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vote_accepted_at = models.DateTimeField(null=True, blank=True)
    # The by-election (补选) of the seat, one round under the round rules (M1, M4-M9).
    by_candidates = models.JSONField(default=list)  # member numbers
    by_present = models.JSONField(null=True, blank=True)  # member numbers, or a count from an imported file
    # The tellers' totals {"issued", "valid", "invalid", "candidates": {...}}; an imported file's ballots are
    # kept as recorded instead: {"ballots": [...], and "issued" / "collected" when the file gives them}.
    by_counts = models.JSONField(null=True, blank=True)
    by_key = models.CharField(max_length=64, blank=True)  # the by-election's id in an imported file
    by_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_accepted_at = models.DateTimeField(null=True, blank=True)
    # Electronic voting per stage (``CountStage``): {"vote": "open" | "closed", ...}; absent = never opened.
    evoting = models.JSONField(default=dict)
    # Each stage as a scrutineer opened it (S3): {stage: {"present": [member numbers in the hall then],
    # "codes": voting codes that could vote in it, fixed when its electronic voting closes}}. The stage's
    # quorum (M1) and the bound on its ballots (M6) are those of its opening, not of later arrivals or
    # departures; the accepted ``vote_present`` / ``by_present`` are this snapshot.
    stages = models.JSONField(default=dict)

    class Meta:
        ordering = ["election", "pk"]

    def __str__(self) -> str:
        return f"罢免 {self.leader_name}"

    @property
    def by_election_key(self) -> str:
        return self.by_key or f"by-election-{self.pk}"


class Signature(models.Model):
    """One member's signature on a petition: entered from paper by staff or signed online by the member."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey("roster.Member", on_delete=models.CASCADE, related_name="+")
    online = models.BooleanField(default=False)
    # The member's name appears again on the paper petition (kept as recorded by an import; the core
    # counts it once, A3). The app itself never stores a repeat: it notes it and counts it once.
    repeated = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "member"], condition=models.Q(repeated=False), name="recall_signature_once"
            )
        ]


class CodeSlip(models.TextChoices):
    NONE = "", _("未领投票码")
    HELD = "held", _("持有投票码")
    RETURNED = "returned", _("已交回投票码")


class CheckIn(models.Model):
    """A member in the hall of the recall meeting (M1); nothing links it to a ballot (S1)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="check_ins")
    member = models.ForeignKey("roster.Member", on_delete=models.CASCADE, related_name="+")
    # How the desk found the member: roster search, membership number or the QR code of the member card,
    # the meeting's ways (``meeting.CheckInMethod``).
    method = models.CharField(max_length=16, choices=CheckInMethod.choices, default=CheckInMethod.NUMBER)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_in_at = models.DateTimeField()
    # Set when the member leaves the hall; cleared when they check in again (the same row).
    checked_out_at = models.DateTimeField(null=True, blank=True)
    # Whether the member holds a voting code's slip (``CodeSlip``) — never which code (S1): a second code
    # is printed only once the first slip has been handed back and its code deactivated (M6).
    slip = models.CharField(max_length=8, choices=CodeSlip.choices, default=CodeSlip.NONE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "member"], name="recall_check_in_once")]


class CountStage(models.TextChoices):
    VOTE = "vote", _("罢免表决")
    BY_ELECTION = "by_election", _("补选")


class TellerCount(models.Model):
    """One teller's independent count of the paper ballots; two tellers must agree (M6, S3)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="counts")
    stage = models.CharField(max_length=16, choices=CountStage.choices)
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict)
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "stage", "teller"], name="recall_count_per_teller")]


# --- electronic voting at the recall meeting (S1), as ``evoting`` does it at the members' meeting --------


class VotingCode(models.Model):
    """A one-time code printed on the recall meeting's check-in slip; only its keyed hash is stored
    (``evoting.actions.code_hash``) and nothing records which member received it. The key is random,
    so the codes cannot be put in the order the members checked in."""

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="voting_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)


class CodeUse(models.Model):
    """That a code has voted in a stage (the recall vote, the by-election): unique per (code, stage),
    the one-ballot-per-code guard under concurrency, as ``evoting.CodeUse`` per round. No time."""

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    code = models.ForeignKey(VotingCode, on_delete=models.CASCADE, related_name="uses")
    stage = models.CharField(max_length=16, choices=CountStage.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "stage"], name="recall_code_use_once")]


class ElectronicBallot(models.Model):
    """An anonymous electronic ballot of one stage: a random key, no code, no member, no time (S1).

    ``marks``: the recall vote ``{"choice": "yes" | "no" | "abstain"}``; the by-election the scenario's
    ballot form ``{"for": [...], "against": [...]}``.
    """

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="electronic_ballots")
    stage = models.CharField(max_length=16, choices=CountStage.choices)
    marks = models.JSONField(default=dict)
    receipt_hash = models.CharField(max_length=64, unique=True)
