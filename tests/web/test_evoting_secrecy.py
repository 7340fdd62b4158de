"""S1: after electronic votes, no stored datum and no log line links a voter (code, member) to a ballot.

Checked over every model of every installed app, the audit log and every log record emitted.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from test_evoting_support import cast, make_meeting, make_round, receipt_of


def _all_rows_text() -> dict[str, list[str]]:
    """Every row of every model as text, per model label."""
    out: dict[str, list[str]] = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        out[model._meta.label] = [repr(row) for row in model.objects.values_list(*fields)]
    return out


def test_ballot_model_has_no_voter_time_or_order_field():
    from zhixuan.web.evoting.models import ElectronicBallot

    fields = {f.name: f for f in ElectronicBallot._meta.concrete_fields}
    assert set(fields) == {"id", "round", "marks", "receipt_hash"}
    assert not any(isinstance(f, models.DateTimeField | models.DateField | models.AutoField) for f in fields.values())
    assert fields["round"].related_model._meta.label == "meeting.Round"
    # Nothing anywhere points at a ballot.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model is not ElectronicBallot, f"{model._meta.label}.{field.name}"


def test_code_use_has_no_time_and_no_sequence():
    from zhixuan.web.evoting.models import CodeUse

    fields = {f.name: f for f in CodeUse._meta.concrete_fields}
    assert set(fields) == {"id", "code", "round"}
    assert isinstance(fields["id"], models.CharField)  # random, not an autoincrement


@pytest.mark.django_db
def test_after_voting_nothing_links_a_code_or_member_to_a_ballot(client: Any, election: Any, caplog: Any):
    from zhixuan.web.audit.models import AuditEntry
    from zhixuan.web.evoting.actions import code_hash, do_issue_code
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot

    meeting = make_meeting(election)
    rnd = make_round(meeting, kind="deputy_secretary", seats=2, candidates=["A01", "A02", "A03"])
    codes = [do_issue_code(None, meeting=meeting) for _ in range(30)]
    votes = [{"A01": "for"}, {"A02": "for", "A03": "against"}, {"A03": "for"}]
    receipts: list[str] = []
    caplog.set_level(logging.DEBUG)
    for i, code in enumerate(codes):
        receipts.append(receipt_of(cast(client, code, rnd, votes[i % 3])))
    cast(client, codes[0], rnd, votes[1])  # a refused second attempt logs nothing either

    ballots = list(ElectronicBallot.objects.all())
    assert len(ballots) == 30
    secrets_ = {
        *(c for c in codes),
        *(c.replace("-", "") for c in codes),
        *(r.replace("-", "") for r in receipts),
        *receipts,
    }
    ballot_keys = {b.id for b in ballots} | {b.receipt_hash for b in ballots}
    rows = _all_rows_text()
    for label, texts in rows.items():
        blob = "\n".join(texts)
        for secret in secrets_:
            assert secret not in blob, f"{label} stores a code or receipt in clear"
        if label != "evoting.ElectronicBallot":
            for key in ballot_keys:
                assert key not in blob, f"{label} refers to a ballot"
    # The code hashes live only on VotingCode; code uses name codes but no ballot.
    hashes = {code_hash(c) for c in codes}
    for label, texts in rows.items():
        if label != "evoting.VotingCode":
            assert not any(h in "\n".join(texts) for h in hashes), label

    # No audit entry per ballot, and none names a code, receipt or ballot.
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("evoting.issue_code") == 30
    assert not [a for a in actions if "cast" in a]

    # Cast order is not recoverable from keys: neither table's keys follow the order of casting.
    cast_order = [ElectronicBallot.objects.get(receipt_hash=_receipt_hash(r)).id for r in receipts]
    assert cast_order != sorted(cast_order)
    use_order = [CodeUse.objects.get(code__code_hash=code_hash(c), round=rnd).id for c in codes]
    assert use_order != sorted(use_order)  # 1 in 30! by chance

    # Every log record emitted while voting: no code, receipt or ballot key.
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in secrets_ | ballot_keys:
        assert secret not in logged


def _receipt_hash(receipt: str) -> str:
    from zhixuan.web.evoting.actions import receipt_hash

    return receipt_hash(receipt)
