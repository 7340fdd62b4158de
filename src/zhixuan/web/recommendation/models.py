# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Recommendation stages: groups and weights, check-in, lots, ballots and totals (rules R1–R5, L1).

Scores, ranks, cut-offs and the drawn order are computed by ``zhixuan.rules``; these rows hold the
inputs (who came, what the ballots said, the committed secret and the public entropy).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LotPurpose(models.TextChoices):
    SPEECH = "speech", _("演讲顺序抽签")
    SELECTION = "selection", _("截止线并列抽签")


class Lot(models.Model):
    """A commit–reveal lot (L1): the commitment is published before the entropy is read out.

    The secret stays hidden (never rendered) until ``revealed_at``; anyone can then check
    SHA-256(secret) against the commitment they saw before the draw.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="lots")
    purpose = models.CharField(max_length=16, choices=LotPurpose.choices)
    label = models.CharField(max_length=200)
    secret = models.CharField(max_length=128)
    commitment = models.CharField(max_length=64)
    committed_at = models.DateTimeField()
    entropy = models.CharField(_("公开随机数"), max_length=200, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # The drawn order as the core returned it (applicant numbers), kept for the public board.
    result = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["election", "committed_at"]
        constraints = [models.UniqueConstraint(fields=["election", "purpose"], name="recommendation_lot_purpose")]


class StageStatus(models.TextChoices):
    PREPARING = "preparing", _("准备中")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class RecommendationStage(models.Model):
    """One recommendation stage (a 推荐大会, 海推, 县四大班子推荐 …) with its weight in R2."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="recommendation_stages")
    key = models.CharField(max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    weight = models.CharField(_("环节权重"), max_length=32, default="1")
    order = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=StageStatus.choices, default=StageStatus.PREPARING)
    # The projector view: who speaks now and when the clock started.
    current_speaker = models.ForeignKey(
        "nomination.Applicant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    speaker_started_at = models.DateTimeField(null=True, blank=True)
    speech_seconds = models.PositiveIntegerField(_("每人演讲时间（秒）"), default=300)
    # Seconds left when the clock was paused (None while running or before it starts).
    clock_remaining = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["election", "order"]
        constraints = [models.UniqueConstraint(fields=["election", "key"], name="recommendation_stage_key")]

    def __str__(self) -> str:
        return self.name


class StageGroup(models.Model):
    """A group of recommenders with its weight (R1), e.g. 党员 7/10, 群众代表 3/10."""

    stage = models.ForeignKey(RecommendationStage, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    weight = models.CharField(_("权重"), max_length=32)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["stage", "order"]
        constraints = [models.UniqueConstraint(fields=["stage", "key"], name="recommendation_group_key")]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """A participant checked in to a stage's group: a member, a public rep, or a named other person."""

    stage = models.ForeignKey(RecommendationStage, on_delete=models.CASCADE, related_name="checkins")
    group = models.ForeignKey(StageGroup, on_delete=models.CASCADE, related_name="checkins")
    member = models.ForeignKey("roster.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    public_rep = models.ForeignKey(
        "roster.PublicRep", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_name = models.CharField(max_length=64, blank=True)
    checked_in_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["stage", "group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "member"], name="recommendation_checkin_member"),
            models.UniqueConstraint(fields=["stage", "public_rep"], name="recommendation_checkin_rep"),
        ]


class VotingCode(models.Model):
    """A one-time code for casting a recommendation ballot online. Stored hashed; the ballot it
    produces is stored without any link back to it (S1)."""

    stage = models.ForeignKey(RecommendationStage, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(StageGroup, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)


class BallotSource(models.TextChoices):
    PAPER = "paper", _("纸质录入")
    ONLINE = "online", _("网上推荐")


class RecommendationBallot(models.Model):
    """One ballot (or ``count`` identical paper ballots): picks per position kind, applicant numbers.

    No voter, code, or time is stored (S1).
    """

    stage = models.ForeignKey(RecommendationStage, on_delete=models.CASCADE, related_name="ballots")
    group = models.ForeignKey(StageGroup, on_delete=models.CASCADE, related_name="ballots")
    picks = models.JSONField(default=dict)
    count = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=16, choices=BallotSource.choices)


class GroupTotal(models.Model):
    """Per-candidate totals counted by the tellers for one group and position (instead of ballots)."""

    stage = models.ForeignKey(RecommendationStage, on_delete=models.CASCADE, related_name="totals")
    group = models.ForeignKey(StageGroup, on_delete=models.CASCADE, related_name="totals")
    position = models.ForeignKey("elections.Position", on_delete=models.CASCADE, related_name="+")
    valid = models.PositiveIntegerField(_("有效票"))
    votes = models.JSONField(default=dict)  # applicant number -> for-votes

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "group", "position"], name="recommendation_total_unique")
        ]
