# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Roster rows of one election. Who may vote and how many are expected is decided by
``zhixuan.rules.people`` (P1, P2, P4), never here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhixuan.rules import people

# Values are the rules core's enums (P1, P2); labels its Chinese names, translated by the catalog.
MEMBER_STATUS_CHOICES = [(s.value, _(people.STATUS_ZH[s])) for s in people.MemberStatus]
EXCUSAL_REASON_CHOICES = [(r.value, _(people.REASON_ZH[r])) for r in people.ExcusalReason]


class Member(models.Model):
    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="members")
    number = models.CharField(_("编号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=4, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    status = models.CharField(_("党员状态"), max_length=32, choices=MEMBER_STATUS_CHOICES)
    branch = models.CharField(_("所在支部"), max_length=100, blank=True)
    migrant = models.BooleanField(_("外出务工"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["election", "number"]
        constraints = [models.UniqueConstraint(fields=["election", "number"], name="roster_member_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Excusal(models.Model):
    """An excusal (P2). It counts only once approved, with its approval record."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="excusal")
    reason = models.CharField(_("请假原因"), max_length=32, choices=EXCUSAL_REASON_CHOICES)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    approval_ref = models.CharField(_("批准文号"), max_length=100, blank=True)
    approved_by = models.CharField(_("批准人"), max_length=64, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.member.name}: {self.get_reason_display()}"

    @property
    def approved(self) -> bool:
        return self.approved_on is not None


class PublicRep(models.Model):
    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="public_reps")
    number = models.CharField(_("编号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=4, blank=True)
    unit = models.CharField(_("村（社区）或单位"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["election", "number"]
        constraints = [models.UniqueConstraint(fields=["election", "number"], name="roster_public_rep_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class RosterImport(models.Model):
    """A record of each accepted import: which file (by hash), how many rows, who."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="roster_imports")
    kind = models.CharField(max_length=16)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
