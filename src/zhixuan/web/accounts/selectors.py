"""Who may see and do what. Scope rules: a county admin sees the county, the township working
group its township only, every other role the one election it was granted on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhixuan.web.accounts.models import LoginAttempt, Role, RoleAssignment
from zhixuan.web.elections.models import County, Election, Township


def _roles(user: Any) -> QuerySet[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(user=user)


def visible_elections(user: Any) -> QuerySet[Election]:
    """Elections ``user`` may open: by county, township or election role."""
    roles = _roles(user)
    counties = roles.filter(role=Role.COUNTY_ADMIN).values("county")
    townships = roles.filter(role=Role.WORKING_GROUP).values("township")
    elections = roles.exclude(election=None).values("election")
    return Election.objects.filter(
        Q(township__county__in=counties) | Q(township__in=townships) | Q(pk__in=elections)
    ).select_related("township", "township__county")


def administered_counties(user: Any) -> QuerySet[County]:
    return County.objects.filter(pk__in=_roles(user).filter(role=Role.COUNTY_ADMIN).values("county"))


def managed_townships(user: Any) -> QuerySet[Township]:
    """Townships whose elections ``user`` may create and run (county admin or working group)."""
    roles = _roles(user)
    return Township.objects.filter(
        Q(county__in=roles.filter(role=Role.COUNTY_ADMIN).values("county"))
        | Q(pk__in=roles.filter(role=Role.WORKING_GROUP).values("township"))
    ).select_related("county")


def can_create_election(user: Any, township: Township) -> bool:
    # Creating an election from a preset is the county organisation department's act.
    return administered_counties(user).filter(pk=township.county_id).exists()


def can_manage_election(user: Any, election: Election) -> bool:
    """Edit positions, timeline, publish the announcement: the county admin only."""
    return administered_counties(user).filter(pk=election.township.county_id).exists()


def can_manage_roster(user: Any, election: Election) -> bool:
    """Import rosters, record excusals: the county admin or the township's working group."""
    return managed_townships(user).filter(pk=election.township_id).exists()


def can_view_audit(user: Any, election: Election) -> bool:
    return visible_elections(user).filter(pk=election.pk).exists()


def roles_of(user: Any) -> list[RoleAssignment]:
    return list(_roles(user).select_related("county", "township", "election"))


def login_locked(username: str, ip: str) -> bool:
    """Throttle: too many failed logins for this username from this IP within the window."""
    since = timezone.now() - timedelta(seconds=settings.ZHIXUAN_LOGIN_WINDOW_SECONDS)
    failures = LoginAttempt.objects.filter(username=username, ip=ip, at__gte=since, success=False)
    last_success = (
        LoginAttempt.objects.filter(username=username, ip=ip, at__gte=since, success=True)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    return failures.count() >= settings.ZHIXUAN_LOGIN_FAILURE_LIMIT


def can_run_election(user: Any, election: Election) -> bool:
    """Run the township's procedure (applications, review, meetings): county admin or working group."""
    return can_manage_roster(user, election)


def roster_identity(user: Any, election: Election) -> RoleAssignment | None:
    """The member or public-rep role through which ``user`` acts in ``election`` (online signing, voting)."""
    return (
        _roles(user)
        .filter(election=election)
        .exclude(member=None, public_rep=None)
        .select_related("member", "public_rep")
        .first()
    )
