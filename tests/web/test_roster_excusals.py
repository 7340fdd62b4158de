"""P1 status changes and P2 excusals through the roster pages: counted only once approved."""

from __future__ import annotations

from typing import Any

from django.test import Client
from web_helpers import PASSWORD, roster_csv

from zhixuan.web.audit.selectors import verify_chain
from zhixuan.web.roster.actions import do_import_members
from zhixuan.web.roster.models import Excusal, Member
from zhixuan.web.roster.selectors import attendance


def staff_client() -> Client:
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    return client


def test_p2_excusal_counts_only_after_approval(election: Any, county_admin: Any, qingquan_staff: Any) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(10))
    client = staff_client()
    base = f"/elections/{election.pk}/roster"
    client.post(f"{base}/excusals/", {"number": "0003", "reason": "illness", "detail": "住院"})
    assert attendance(election).expected == 10  # requested, not approved: still expected
    page = client.get(f"{base}/").content.decode()
    assert "待批准的请假" in page and "未经批准的请假 1 人计入应到会" in page
    excusal = Excusal.objects.get(member__number="0003")
    client.post(f"{base}/excusals/{excusal.pk}/approve/", {"approved_by": "", "approved_on": "2026-03-01"})
    assert attendance(election).expected == 10  # an approval without an approver is refused
    client.post(
        f"{base}/excusals/{excusal.pk}/approve/",
        {"approved_by": "镇党委", "approval_ref": "党委〔2026〕5号", "approved_on": "2026-03-01"},
    )
    att = attendance(election)
    assert (att.with_rights, att.excused, att.expected) == (10, 1, 9)
    assert verify_chain(election.audit_chain).ok


def test_p2_withdrawn_excusal_returns_the_member_to_expected(
    election: Any, county_admin: Any, qingquan_staff: Any
) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(5))
    client = staff_client()
    base = f"/elections/{election.pk}/roster"
    client.post(f"{base}/excusals/", {"number": "0001", "reason": "abroad"})
    excusal = Excusal.objects.get(member__number="0001")
    client.post(f"{base}/excusals/{excusal.pk}/withdraw/")
    assert not Excusal.objects.filter(pk=excusal.pk).exists()
    assert attendance(election).expected == 5


def test_p1_status_change_updates_voting_rights(election: Any, county_admin: Any, qingquan_staff: Any) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(5, migrants=1))
    member = Member.objects.get(election=election, number="0002")
    staff_client().post(f"/elections/{election.pk}/roster/members/{member.pk}/", {"status": "rights_suspended"})
    att = attendance(election)
    assert (att.with_rights, att.expected, att.migrants) == (4, 4, 1)
    member.refresh_from_db()
    assert member.status == "rights_suspended" and not member.migrant


def test_p1_unknown_status_is_refused(election: Any, county_admin: Any, qingquan_staff: Any) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(2))
    member = Member.objects.get(election=election, number="0001")
    staff_client().post(f"/elections/{election.pk}/roster/members/{member.pk}/", {"status": "群众"})
    member.refresh_from_db()
    assert member.status == "full"
    assert attendance(election).with_rights == 2
