# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""The members' meeting (党员决定票): attendance, scrutineers and tellers, rounds and their confirmations.

Quorum, who may serve, who stands in the next round, winners and what a round still needs are
decided by ``zhixuan.rules.meeting`` / ``zhixuan.rules.ballots`` (M1–M11); these rows record the
meeting's facts. Attendance is stored apart from ballots, and nothing links the two (S1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    PREPARING = "preparing", _("准备中")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已闭会")


class Meeting(models.Model):
    election = models.OneToOneField("elections.Election", on_delete=models.CASCADE, related_name="meeting")
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"), null=True, blank=True)
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PREPARING)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title


class CheckInMethod(models.TextChoices):
    SEARCH = "search", _("名册检索")
    NUMBER = "number", _("党员编号")
    QR = "qr", _("党员证二维码")


class Attendance(models.Model):
    """A member in the hall. Checked out when they leave; present counts are snapshotted per round (M1)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("roster.Member", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=16, choices=CheckInMethod.choices)
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meeting_attendance_member")]


class OfficerRole(models.TextChoices):
    SCRUTINEER = "scrutineer", _("监票人")
    CHIEF_SCRUTINEER = "chief_scrutineer", _("总监票人")
    TELLER = "teller", _("计票人")


class Officer(models.Model):
    """A scrutineer or teller (M2): proposed, then approved by the meeting; ``user`` is the account they use."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="officers")
    member = models.ForeignKey("roster.Member", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=32, choices=OfficerRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member", "role"], name="meeting_officer_role")]


class RoundKind(models.TextChoices):
    REGULAR = "regular", _("正式选举")
    REVOTE = "revote", _("并列重新投票")
    SUPPLEMENTARY = "supplementary", _("另行选举")
    RERUN = "rerun", _("重新投票")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("未开始")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("投票结束，计票中")
    ACCEPTED = "accepted", _("计票结果已确认")
    PUBLISHED = "published", _("结果已宣布")


class Round(models.Model):
    """One vote of the meeting. A follow-up (M8–M10) points at the regular round it answers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveIntegerField()
    key = models.CharField(max_length=64)
    position = models.ForeignKey("elections.Position", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RoundKind.choices, default=RoundKind.REGULAR)
    followup_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="followups")
    electorate = models.CharField(max_length=16, default="members")  # "committee": standard preset plenary
    seats = models.PositiveIntegerField()
    # Applicant numbers in ballot order (C4), fixed when the round opens (M3: after the previous ends).
    candidates = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    present = models.PositiveIntegerField(null=True, blank=True)  # eligible present when it opened (M1)
    issued = models.PositiveIntegerField(default=0)  # paper ballots handed out + electronic codes valid (M6)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The M9 decision to leave seats empty, when the meeting votes on it: {"votes_for": n, "present": n}.
    leave_empty = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "key"], name="meeting_round_key")]

    def __str__(self) -> str:
        return self.key


class ConfirmStep(models.TextChoices):
    OPEN = "open", _("开始投票")
    CLOSE = "close", _("结束投票")
    ACCEPT = "accept", _("确认计票结果")
    PUBLISH = "publish", _("宣布结果")


class Confirmation(models.Model):
    """S3: a step requested by staff takes effect only when a scrutineer (another person) confirms it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="confirmations")
    step = models.CharField(max_length=16, choices=ConfirmStep.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "step"], name="meeting_confirmation_step")]


class OptIn(models.Model):
    """Whether a loser of ``round`` stands in the next round (M3)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="opt_ins")
    applicant = models.ForeignKey("nomination.Applicant", on_delete=models.CASCADE, related_name="+")
    stands = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "applicant"], name="meeting_opt_in_unique")]


class ResultReport(models.Model):
    """The result report (选举结果报告单, M11): frozen content, audit chain head, signatures, approval."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="result_report")
    content = models.JSONField(default=dict)
    chain_head = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_ref = models.CharField(_("批复文号"), max_length=100, blank=True)


class ReportSignature(models.Model):
    report = models.ForeignKey(ResultReport, on_delete=models.CASCADE, related_name="signatures")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "officer"], name="meeting_report_signature")]
