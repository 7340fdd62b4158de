"""State changes of accounts: each one transaction and one audit entry (S2)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhixuan.web.accounts.models import ROLE_SCOPE, LoginAttempt, RoleAssignment
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import County, Election, Township

ACCOUNTS_CHAIN = "accounts"


def do_create_user(actor: Any, *, username: str, full_name: str, password: str) -> AbstractBaseUser:
    user_model = get_user_model()
    with transaction.atomic():
        if user_model.objects.filter(username=username).exists():
            raise ValidationError(_("用户名 %(name)s 已存在") % {"name": username})
        user = user_model.objects.create_user(username=username, password=password, first_name=full_name)
        append_entry(
            chain=ACCOUNTS_CHAIN,
            actor=actor,
            action="accounts.create_user",
            obj=user,
            data={"username": username, "full_name": full_name},
        )
    return user


def do_assign_role(
    actor: Any,
    *,
    user: Any,
    role: str,
    county: County | None = None,
    township: Township | None = None,
    election: Election | None = None,
    member: Any = None,
    public_rep: Any = None,
) -> RoleAssignment:
    """Grant ``role`` on exactly the scope the role is defined for.

    A member or public-rep account may name its roster row, which must belong to ``election``.
    """
    scope = ROLE_SCOPE[role]
    given = {"county": county, "township": township, "election": election}
    if given[scope] is None or any(v is not None for k, v in given.items() if k != scope):
        raise ValidationError(_("角色 %(role)s 须指定且仅指定一个%(scope)s") % {"role": role, "scope": scope})
    for row in (member, public_rep):
        if row is not None and (election is None or row.election_id != election.pk):
            raise ValidationError(_("名册人员须属于该选举"))
    with transaction.atomic():
        assignment, _created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            county=county,
            township=township,
            election=election,
            defaults={"member": member, "public_rep": public_rep},
        )
        target = given[scope]
        append_entry(
            chain=election.audit_chain if election is not None else ACCOUNTS_CHAIN,
            actor=actor,
            action="accounts.assign_role",
            obj=assignment,
            data={
                "user": user.get_username(),
                "role": role,
                "scope": scope,
                "scope_id": target.pk,
                **({"member": member.number} if member is not None else {}),
                **({"public_rep": public_rep.number} if public_rep is not None else {}),
            },
        )
    return assignment


def do_record_login(*, user: Any, username: str, ip: str, success: bool) -> LoginAttempt:
    """Record one login attempt (throttling counts failures per username + IP)."""
    with transaction.atomic():
        attempt = LoginAttempt.objects.create(username=username, ip=ip, at=timezone.now(), success=success)
        append_entry(
            chain=ACCOUNTS_CHAIN,
            actor=user if success else None,
            action="accounts.login" if success else "accounts.login_failed",
            obj=attempt,
            data={"username": username, "ip": ip},
        )
    return attempt
