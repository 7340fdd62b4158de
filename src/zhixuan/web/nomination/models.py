# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Registration, nomination routes, signatures, review and objections (rules N2, N3, N4).

Rows record what people submitted and what staff decided; whether an application, a joint
nomination or a qualification holds is decided by ``zhixuan.rules.nomination``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantSource(models.TextChoices):
    PORTAL = "portal", _("网上报名")
    STAFF = "staff", _("工作人员录入")
    IMPORT = "import", _("场景文件导入")


class Applicant(models.Model):
    """A person who applied or was nominated; ``number`` is the id used in scenario files."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="applicants")
    number = models.CharField(_("编号"), max_length=64)
    name = models.CharField(_("姓名"), max_length=64)
    member = models.ForeignKey(
        "roster.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    gender = models.CharField(_("性别"), max_length=4, blank=True)
    # Facts the review (N4) compares with the conditions; empty when no condition asks for them.
    age = models.PositiveIntegerField(_("年龄"), null=True, blank=True)
    party_years = models.PositiveIntegerField(_("党龄"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=32, blank=True)
    identity = models.CharField(_("身份"), max_length=64, blank=True)
    current_post = models.CharField(_("现任职务"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    statement = models.TextField(_("竞职陈述"), blank=True)
    source = models.CharField(max_length=16, choices=ApplicantSource.choices, default=ApplicantSource.STAFF)
    submitted_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["election", "number"]
        constraints = [models.UniqueConstraint(fields=["election", "number"], name="nomination_applicant_number")]

    def __str__(self) -> str:
        return self.name


class ApplicantPosition(models.Model):
    """A position applied for, in order of preference (N3: at most ``max_positions_per_applicant``)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="positions")
    position = models.ForeignKey("elections.Position", on_delete=models.CASCADE, related_name="+")
    preference = models.PositiveIntegerField()

    class Meta:
        ordering = ["applicant", "preference"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "position"], name="nomination_applicant_position"),
        ]


class RouteKind(models.TextChoices):
    SELF = "self", _("个人自荐")
    JOINT = "joint", _("党员群众联名推荐")
    ORGANISATION = "organisation", _("组织推荐")


class NominationRoute(models.Model):
    """How an applicant came forward (N2). A joint route names its position and carries signatures."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="routes")
    kind = models.CharField(max_length=16, choices=RouteKind.choices)
    position = models.ForeignKey("elections.Position", null=True, blank=True, on_delete=models.CASCADE)
    by = models.CharField(_("推荐组织"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applicant", "pk"]


class SignatureSource(models.TextChoices):
    PAPER = "paper", _("纸质签名录入")
    ONLINE = "online", _("网上签名")


class Signature(models.Model):
    """One signer of a joint nomination: a member or a public rep of this election's roster."""

    route = models.ForeignKey(NominationRoute, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey("roster.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    public_rep = models.ForeignKey(
        "roster.PublicRep", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=16, choices=SignatureSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["route", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["route", "member"], name="nomination_signature_member"),
            models.UniqueConstraint(fields=["route", "public_rep"], name="nomination_signature_rep"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) ^ models.Q(public_rep__isnull=False),
                name="nomination_signature_one_signer",
            ),
        ]

    @property
    def signer_number(self) -> str:
        return self.member.number if self.member_id else self.public_rep.number  # type: ignore[union-attr]


class ReviewDecision(models.Model):
    """The working group's qualification decision for one applicant and position, with reasons (N4)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="reviews")
    position = models.ForeignKey("elections.Position", on_delete=models.CASCADE, related_name="+")
    qualified = models.BooleanField()
    reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["applicant", "position"], name="nomination_review_unique")]


class ReviewNotice(models.Model):
    """The public notice of the review result and its objection window (N4)."""

    election = models.OneToOneField("elections.Election", on_delete=models.CASCADE, related_name="review_notice")
    published_at = models.DateTimeField()
    objections_until = models.DateTimeField()
    # What the notice listed when published; the public page shows this snapshot.
    content = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Objection(models.Model):
    """An objection to a qualified applicant, raised during the notice window, and its outcome."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="objections")
    position = models.ForeignKey("elections.Position", on_delete=models.CASCADE, related_name="+")
    by = models.CharField(_("反映人"), max_length=200, blank=True)
    reason = models.TextField(_("反映问题"))
    filed_at = models.DateTimeField(auto_now_add=True)
    upheld = models.BooleanField(null=True, blank=True)
    outcome = models.TextField(_("核查结论"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["applicant", "filed_at"]
