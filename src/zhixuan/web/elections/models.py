# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Elections and what the announcement (rule N1) publishes about them.

Models hold data only; what is complete, allowed or decided is computed by the rules core and
the app's pure helpers, and changed only by ``actions``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhixuan.web.elections.procedures import PRESET_NAMES


class County(models.Model):
    name = models.CharField(_("县"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships")
    name = models.CharField(_("乡镇"), max_length=64)

    class Meta:
        ordering = ["county", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="elections_township_unique")]

    def __str__(self) -> str:
        return self.name


class PositionKind(models.TextChoices):
    SECRETARY = "secretary", _("党委书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("党委副书记")
    MEMBER = "member", _("党委委员")
    DISCIPLINE_SECRETARY = "discipline_secretary", _("纪委书记")
    DISCIPLINE_MEMBER = "discipline_member", _("纪委委员")


class Election(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="elections")
    title = models.CharField(_("名称"), max_length=200)
    preset = models.CharField(_("程序"), max_length=32, choices=[(k, _(v[0])) for k, v in PRESET_NAMES.items()])
    # Settings that differ from the preset, as entered (validated by rules.settings).
    overrides = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    # What the announcement said when it was published; the public page shows this, not live rows.
    announcement = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["township__name", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_chain(self) -> str:
        return f"election:{self.pk}"


class Position(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="positions")
    kind = models.CharField(max_length=32, choices=PositionKind.choices)
    seats = models.PositiveIntegerField()
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["election", "order"]
        constraints = [models.UniqueConstraint(fields=["election", "kind"], name="elections_position_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.seats}"


class ConditionKind(models.TextChoices):
    PARTY_STANDING = "party_standing", _("党员身份")
    MIN_PARTY_YEARS = "min_party_years", _("党龄")
    MAX_AGE = "max_age", _("年龄")
    EDUCATION = "education", _("学历")
    IDENTITY = "identity", _("身份")
    OTHER = "other", _("其他")


class QualificationCondition(models.Model):
    """One condition (rule N4); ``position`` empty means it applies to every position."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="conditions")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=32, choices=ConditionKind.choices)
    text = models.CharField(max_length=300)
    value = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["election", "order"]

    def __str__(self) -> str:
        return self.text


class WorkTarget(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="work_targets")
    text = models.CharField(max_length=500)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["election", "order"]

    def __str__(self) -> str:
        return self.text


class StageStatus(models.TextChoices):
    PENDING = "pending", _("未开始")
    CURRENT = "current", _("进行中")
    DONE = "done", _("已完成")


class Stage(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=100)
    title_en = models.CharField(max_length=100)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=StageStatus.choices, default=StageStatus.PENDING)

    class Meta:
        ordering = ["election", "order"]
        constraints = [models.UniqueConstraint(fields=["election", "order"], name="elections_stage_order")]

    def __str__(self) -> str:
        return self.title
