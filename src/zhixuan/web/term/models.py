# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""After the election: the secretary's term commitment (A1) and the annual reviews (A2).

Data only. What a review decides (rates, weighted rates, flags) is the rules core's verdict on the
exported record (``term.export`` → ``elections.outcomes``).

Secrecy of electronic rating (S1, as ``evoting``): a ``RatingCode`` keeps only the keyed hash of
the code and whether it has been used; an ``ElectronicRating`` has a random key, its rater group and
the marks — no code, no person, no time — so nothing links a code to a rating.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def random_key() -> str:
    return secrets.token_hex(16)


class ItemStatus(models.TextChoices):
    # The core's statuses (zhixuan.rules.commitment.TargetStatus).
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    ABANDONED = "abandoned", _("已放弃")


class Commitment(models.Model):
    """The elected secretary's term-target commitment (任期目标承诺, A1)."""

    election = models.OneToOneField("elections.Election", on_delete=models.CASCADE, related_name="term_commitment")
    leader = models.CharField(max_length=64)  # the applicant number of the elected secretary
    leader_name = models.CharField(max_length=64)
    made_on = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)


class CommitmentItem(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=16)  # t1, t2, ... — the target id in the scenario
    order = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["commitment", "key"], name="term_item_key")]


class ItemReview(models.Model):
    """One target's status in one year's review (A1)."""

    item = models.ForeignKey(CommitmentItem, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ItemStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "year"], name="term_item_review_year")]


class SessionStatus(models.TextChoices):
    SETUP = "setup", _("准备中")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已结束")


class ReviewSession(models.Model):
    """A township's annual review (年度述职测评, A2) of the leaders its election elected."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="review_sessions")
    year = models.PositiveIntegerField()
    held_on = models.DateField(null=True, blank=True)
    satisfaction = models.BooleanField(default=True)  # 满意 / 基本满意 / 不满意
    competence = models.BooleanField(default=True)  # 优秀 / 称职 / 基本称职 / 不称职
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.SETUP)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["election", "year"], name="term_session_year")]

    @property
    def scales(self) -> list[str]:
        return [s for s, on in (("satisfaction", self.satisfaction), ("competence", self.competence)) if on]


class LeaderReport(models.Model):
    """One leader in the session, with the leader's report (述职): text and an attachment."""

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="leaders")
    leader = models.CharField(max_length=64)  # applicant number
    name = models.CharField(max_length=64)
    position = models.CharField(max_length=32)  # Position.kind
    order = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    attachment = models.FileField(upload_to="term/reports/", blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["session", "leader"], name="term_leader_once")]

    @property
    def position_label(self) -> str:
        from zhixuan.web.elections.models import PositionKind

        return str(dict(PositionKind.choices).get(self.position, self.position))


class RaterGroup(models.Model):
    """A group of raters with its weight, an exact fraction; the weights sum to 1 (A2)."""

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=64)
    weight = models.CharField(max_length=32)  # "1/2"
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["session", "key"], name="term_group_key")]


class PaperMode(models.TextChoices):
    FORMS = "forms", _("逐张录入")
    TOTALS = "totals", _("按汇总数录入")


class PaperCount(models.Model):
    """One teller's independent entry of a group's paper rating forms.

    ``counts`` is ``{leader: {scale: {grade: n}}}``; two tellers' entries must agree before the
    counts are used (``agreed``), as in the meeting's tally (M6). In ``forms`` mode the teller enters
    each printed form (``PaperForm``) and ``counts`` / ``collected`` are their sums; in ``totals`` mode
    the teller types the group's totals.
    """

    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="paper_counts")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=8, choices=PaperMode.choices, default=PaperMode.TOTALS)
    collected = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)
    agreed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "teller"], name="term_paper_teller")]


class PaperForm(models.Model):
    """A printed rating form as one teller read it (or ``count`` identical ones): ``{leader: {scale: grade}}``.

    A leader's scale left blank or ticked twice on the form is not counted (A2) and is simply absent.
    Forms are read from the box in no rater's order and carry nothing about the rater (S1).
    """

    entry = models.ForeignKey(PaperCount, on_delete=models.CASCADE, related_name="forms")
    marks = models.JSONField(default=dict)
    count = models.PositiveIntegerField(default=1)


class RatingCode(models.Model):
    """A one-time rating code: only its keyed hash; ``used`` once it has rated. Never who received it."""

    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)


class ElectronicRating(models.Model):
    """An anonymous electronic rating form: ``{leader: {scale: grade}}``; random key, no code, no time."""

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="electronic_ratings")
    marks = models.JSONField(default=dict)
