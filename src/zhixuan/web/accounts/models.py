# ruff: noqa: RUF012  -- Django reads Meta/Migration options from class-level lists
"""Role assignments and login attempts. Users are Django's own ``auth.User``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县委组织部管理员")
    WORKING_GROUP = "working_group", _("乡镇选举工作组")
    SCRUTINEER = "scrutineer", _("监票人")
    TELLER = "teller", _("计票人")
    MEMBER = "member", _("党员")
    PUBLIC_REP = "public_rep", _("群众代表")
    CANDIDATE = "candidate", _("候选人")
    OBSERVER = "observer", _("群众观察员")


# Which scope each role is granted on: a county admin runs a county, the working group a
# township, everybody else takes part in one election.
ROLE_SCOPE: dict[str, str] = {
    Role.COUNTY_ADMIN: "county",
    Role.WORKING_GROUP: "township",
    Role.SCRUTINEER: "election",
    Role.TELLER: "election",
    Role.MEMBER: "election",
    Role.PUBLIC_REP: "election",
    Role.CANDIDATE: "election",
    Role.OBSERVER: "election",
}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    county = models.ForeignKey("elections.County", null=True, blank=True, on_delete=models.CASCADE)
    township = models.ForeignKey("elections.Township", null=True, blank=True, on_delete=models.CASCADE)
    election = models.ForeignKey("elections.Election", null=True, blank=True, on_delete=models.CASCADE)
    # For a member or public-rep role: which roster row this account is (to sign online, vote online).
    member = models.ForeignKey("roster.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    public_rep = models.ForeignKey(
        "roster.PublicRep", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "county", "township", "election"], name="accounts_role_unique"
            )
        ]

    def __str__(self) -> str:
        scope = self.election or self.township or self.county
        return f"{self.user.get_username()}: {self.get_role_display()} @ {scope}"


class LoginAttempt(models.Model):
    """Every login attempt, for throttling per username + IP address."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField()
    at = models.DateTimeField(db_index=True)
    success = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "at"], name="accounts_login_throttle")]
