"""S2: every action leaves exactly one entry in a hash-chained log that detects tampering."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from web_helpers import PASSWORD, roster_csv

from zhixuan.web.audit.chain import GENESIS_HASH
from zhixuan.web.audit.log import append_entry
from zhixuan.web.audit.models import AppendOnlyError, AuditChain, AuditEntry
from zhixuan.web.audit.selectors import chain_head, verify_chain
from zhixuan.web.elections.actions import do_advance_stage, do_publish_announcement, do_update_timeline
from zhixuan.web.roster.actions import do_approve_excusal, do_import_members, do_request_excusal
from zhixuan.web.roster.models import Member


def entries(election: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(chain__key=election.audit_chain).order_by("seq"))


def test_s2_each_action_writes_exactly_one_entry(election: Any, county_admin: Any) -> None:
    assert [e.action for e in entries(election)] == ["elections.create"]

    def first() -> Member:
        return Member.objects.get(election=election, number="0001")

    steps = [
        ("roster.import_members",
         lambda: do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(10))),
        ("roster.request_excusal",
         lambda: do_request_excusal(county_admin, member=first(), reason="illness", detail="")),
        ("roster.approve_excusal",
         lambda: do_approve_excusal(county_admin, excusal=first().excusal, approved_by="镇党委",
                                    approval_ref="党委〔2026〕1号", approved_on=election.created_at.date())),
        ("elections.update_timeline", lambda: do_update_timeline(county_admin, election=election, dates={})),
        ("elections.publish_announcement", lambda: do_publish_announcement(county_admin, election=election)),
        ("elections.advance_stage", lambda: do_advance_stage(county_admin, election=election)),
    ]  # fmt: skip
    for action, run in steps:
        before = len(entries(election))
        run()
        after = entries(election)
        assert len(after) == before + 1, action
        assert after[-1].action == action
        assert after[-1].actor_label.startswith("county")
    check = verify_chain(election.audit_chain)
    assert check.ok and check.length == len(steps) + 1


def test_s2_entries_link_to_the_previous_hash(election: Any, county_admin: Any) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(5))
    do_publish_announcement(county_admin, election=election)
    chain = entries(election)
    assert chain[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert chain_head(election.audit_chain) == chain[-1].hash


def test_s2_tampered_row_is_detected(election: Any, county_admin: Any) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(5))
    do_publish_announcement(county_admin, election=election)
    tampered = entries(election)[1]
    # Bypass the model guard the way someone with database access would.
    AuditEntry.objects.filter(pk=tampered.pk).update(data={**tampered.data, "rows": 500})
    check = verify_chain(election.audit_chain)
    assert not check.ok
    assert check.bad_seq == tampered.seq
    assert "哈希不符" in check.reason_zh


def test_s2_deleted_last_row_is_detected(election: Any, county_admin: Any) -> None:
    do_publish_announcement(county_admin, election=election)
    last = entries(election)[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last.pk])
    check = verify_chain(election.audit_chain)
    assert not check.ok and check.bad_seq == last.seq


def test_s2_entries_cannot_be_changed_or_deleted_through_the_model(election: Any) -> None:
    entry = entries(election)[0]
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_s2_append_requires_the_actions_transaction(transactional_db: Any) -> None:
    with pytest.raises(RuntimeError):
        append_entry(chain="test", actor=None, action="x.y")
    with transaction.atomic():
        append_entry(chain="test", actor=None, action="x.y")
    assert AuditChain.objects.get(key="test").length == 1


def test_s2_viewer_shows_verification_and_flags_tampering(election: Any, county_admin: Any) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    page = client.get(f"/audit/elections/{election.pk}/").content.decode()
    assert "哈希链校验通过" in page and chain_head(election.audit_chain) in page
    AuditEntry.objects.filter(chain__key=election.audit_chain, seq=1).update(action="elections.forged")
    page = client.get(f"/audit/elections/{election.pk}/").content.decode()
    assert "哈希链校验失败" in page and "第 1 条" in page
