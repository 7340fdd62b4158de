"""``setup_county``: a deployment's first accounts in one transaction, each step audited."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from zhixuan.web.accounts.models import Role, RoleAssignment
from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.models import County, Township

pytestmark = pytest.mark.django_db


def setup(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "setup_county",
        "--county",
        "清河县",
        "--admin",
        "county",
        "--admin-name",
        "赵组织",
        "--generate-passwords",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_creates_the_county_admin_and_working_groups_with_audit_entries_and_usable_passwords() -> None:
    out = setup("--township", "清泉镇:qingquan:钱工作", "--township", "灵山乡:lingshan:孙工作")
    county = County.objects.get(name="清河县")
    assert sorted(Township.objects.filter(county=county).values_list("name", flat=True)) == ["清泉镇", "灵山乡"]
    assert RoleAssignment.objects.get(user__username="county").role == Role.COUNTY_ADMIN
    assert RoleAssignment.objects.get(user__username="lingshan").township.name == "灵山乡"
    printed = dict(line.strip().split("\t") for line in out.splitlines() if "\t" in line)
    assert set(printed) == {"county", "qingquan", "lingshan"}
    assert get_user_model().objects.get(username="qingquan").check_password(printed["qingquan"])
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("accounts.create_user") == 3 and actions.count("elections.create_township") == 2


def test_a_refused_step_stores_nothing_and_says_why() -> None:
    get_user_model().objects.create_user(username="lingshan", password="x" * 12)
    with pytest.raises(CommandError, match="用户名 lingshan 已存在；未做任何改动"):
        setup("--township", "清泉镇:qingquan:钱工作", "--township", "灵山乡:lingshan:孙工作")
    assert not County.objects.exists() and not Township.objects.exists()
    assert not get_user_model().objects.filter(username__in=["county", "qingquan"]).exists()


def test_bad_arguments_are_named() -> None:
    with pytest.raises(CommandError, match="须写成 乡镇名:用户名:姓名"):
        setup("--township", "清泉镇:qingquan")
    with pytest.raises(CommandError, match="用户名重复"):
        setup("--township", "清泉镇:county:钱工作")
    setup()
    with pytest.raises(CommandError, match="县 清河县 已存在"):
        setup()
