"""Roles and scopes: a township's staff see only their township; logins are throttled."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from web_helpers import PASSWORD, create_election, make_user

from zhixuan.web.accounts.actions import do_assign_role
from zhixuan.web.accounts.models import LoginAttempt
from zhixuan.web.accounts.selectors import can_manage_election, can_manage_roster, visible_elections


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def both(county_admin: Any, townships: dict[str, Any]) -> dict[str, Any]:
    return {name: create_election(county_admin, t) for name, t in townships.items()}


def test_township_staff_see_only_their_township(both: dict[str, Any], qingquan_staff: Any) -> None:
    assert list(visible_elections(qingquan_staff)) == [both["清泉镇"]]
    client = client_for("qingquan")
    assert client.get(f"/elections/{both['清泉镇'].pk}/").status_code == 200
    # Another township's election does not exist for them: 404 on every page, not a 403 that leaks it.
    other = both["灵山乡"].pk
    for url in (
        f"/elections/{other}/",
        f"/elections/{other}/roster/",
        f"/audit/elections/{other}/",
        f"/elections/{other}/roster/export/members.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    dashboard = client.get("/dashboard/").content.decode()
    assert "清泉镇" in dashboard and "灵山乡" not in dashboard


def test_county_admin_sees_every_township_of_the_county(both: dict[str, Any], county_admin: Any) -> None:
    assert set(visible_elections(county_admin)) == set(both.values())
    dashboard = client_for("county").get("/dashboard/").content.decode()
    assert "清泉镇" in dashboard and "灵山乡" in dashboard


def test_working_group_runs_the_roster_but_not_the_announcement(both: dict[str, Any], qingquan_staff: Any) -> None:
    election = both["清泉镇"]
    assert can_manage_roster(qingquan_staff, election)
    assert not can_manage_election(qingquan_staff, election)
    client = client_for("qingquan")
    assert client.post(f"/elections/{election.pk}/publish/").status_code == 403
    assert client.get("/elections/new/").status_code == 403


def test_election_roles_see_their_election_only(both: dict[str, Any]) -> None:
    observer = make_user("observer", "observer", election=both["清泉镇"])
    assert list(visible_elections(observer)) == [both["清泉镇"]]
    assert not can_manage_roster(observer, both["清泉镇"])
    response = client_for("observer").post(f"/elections/{both['清泉镇'].pk}/roster/import/", {"kind": "members"})
    assert response.status_code == 403


def test_role_needs_exactly_its_scope(county: Any, townships: dict[str, Any], county_admin: Any) -> None:
    with pytest.raises(ValidationError):
        do_assign_role(None, user=county_admin, role="working_group", county=county)
    with pytest.raises(ValidationError):
        do_assign_role(None, user=county_admin, role="county_admin", county=county, township=townships["清泉镇"])


def test_anonymous_is_sent_to_login(both: dict[str, Any]) -> None:
    response = Client().get(f"/elections/{both['清泉镇'].pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@override_settings(ZHIXUAN_LOGIN_FAILURE_LIMIT=3)
def test_login_throttled_per_username_and_ip(county_admin: Any) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "county", "password": "wrong"})
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    # Locked now, even with the right password, for this username from this address.
    response = client.post("/accounts/login/", {"username": "county", "password": PASSWORD})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    # Another address is not locked out by someone else's failures.
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert other.post("/accounts/login/", {"username": "county", "password": PASSWORD}).status_code == 302
    assert LoginAttempt.objects.filter(username="county", success=False).count() == 3


def test_successful_login_resets_the_failure_count(county_admin: Any) -> None:
    client = Client(REMOTE_ADDR="10.0.0.9")
    with override_settings(ZHIXUAN_LOGIN_FAILURE_LIMIT=2):
        client.post("/accounts/login/", {"username": "county", "password": "wrong"})
        assert client.post("/accounts/login/", {"username": "county", "password": PASSWORD}).status_code == 302
        client.post("/accounts/login/", {"username": "county", "password": "wrong"})
        assert client.post("/accounts/login/", {"username": "county", "password": PASSWORD}).status_code == 302
