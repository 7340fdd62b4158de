"""The compact cast endpoint ``POST /v/cast/`` (what the phone's confirm step calls) and grouped commits.

The endpoint takes the confirm form's fields plus the code, stores exactly what the page would store,
and answers a small JSON document; every refusal names its reason, as the pages do (S1, M4–M6, M8).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_evoting_support import make_meeting, make_round
from web_helpers import create_election


@pytest.fixture
def meeting(election: Any) -> Any:
    return make_meeting(election)


def issue(meeting: Any) -> str:
    from zhixuan.web.evoting.actions import do_issue_code

    return do_issue_code(None, meeting=meeting)


def post_cast(client: Any, code: str, rnd: Any, fields: dict[str, str]) -> tuple[Any, dict[str, str]]:
    response = client.post("/v/cast/", {"code": code, "round": str(rnd.pk), **fields})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    answer = json.loads(response.content)
    assert response["X-Vote-Status"] == answer["status"]
    return response, answer


def test_cast_answers_the_receipt_and_stores_the_confirmed_ballot(client: Any, meeting: Any):
    from zhixuan.web.evoting.actions import receipt_hash
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot

    rnd = make_round(meeting, kind="member", seats=4, candidates=["A01", "A02", "A03"])
    code = issue(meeting)
    _, answer = post_cast(client, code.lower(), rnd, {"mark-A01": "for", "mark-A02": "against", "mark-A03": "abstain"})
    assert answer["status"] == "cast"
    receipt = answer["receipt"]
    assert len(receipt) == 14 and receipt[4] == receipt[9] == "-"
    ballot = ElectronicBallot.objects.get()
    assert ballot.marks == {"for": ["A01"], "against": ["A02"]}
    assert ballot.receipt_hash == receipt_hash(receipt)
    assert CodeUse.objects.get().round_id == rnd.pk

    _, again = post_cast(client, code, rnd, {"mark-A02": "for"})
    assert again == {"status": "already_voted", "message": "此投票码本轮已投票，每个投票码每轮只能投一次。"}
    assert ElectronicBallot.objects.count() == 1 and CodeUse.objects.count() == 1
    # The same code through the no-JS page: refused too, the one guard is shared.
    page = client.post(f"/v/{code}/", {"round": rnd.pk, "step": "cast", "mark-A01": "for"})
    assert page["X-Vote-Status"] == "already_voted"
    # The receipt lookup knows the endpoint's receipt.
    assert (
        "此回执对应的选票已保存在“党委委员”这一轮。"
        in client.get("/public/receipt/", {"receipt": receipt}).content.decode()
    )


def test_cast_refusals_say_why_and_store_nothing(client: Any, meeting: Any, county_admin: Any, townships: Any):
    from zhixuan.web.evoting.actions import do_deactivate_code
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot
    from zhixuan.web.meeting.models import Meeting

    rnd = make_round(meeting)
    code = issue(meeting)
    assert post_cast(client, "ABCDE-FGHJK", rnd, {"mark-A01": "for"})[1] == {
        "status": "unknown_code",
        "message": "投票码无效，请核对投票码。",
    }
    assert post_cast(client, code, rnd, {"mark-A01": "yes"})[1] == {
        "status": "bad_ballot",
        "message": "候选人 A01 的标记无效。",
    }
    assert post_cast(client, code, rnd, {"mark-A09": "for"})[1] == {
        "status": "bad_ballot",
        "message": "选票上没有候选人 A09。",
    }
    response = client.post("/v/cast/", {"code": code, "round": "x", "mark-A01": "for"})
    assert json.loads(response.content)["status"] == "round_not_open"
    response = client.post("/v/cast/", {"code": code, "round": "9" * 30, "mark-A01": "for"})
    assert json.loads(response.content)["status"] == "round_not_open"
    assert client.get("/v/cast/").status_code == 405

    other_election = create_election(county_admin, townships["灵山乡"])
    other = Meeting.objects.create(election=other_election, title="灵山乡党员大会", status="open")
    foreign = make_round(other, order=1)
    assert post_cast(client, code, foreign, {"mark-A01": "for"})[1] == {
        "status": "round_not_open",
        "message": "本轮投票未在进行中，选票没有保存。",
    }
    rnd.status = "closed"
    rnd.save()
    assert post_cast(client, code, rnd, {"mark-A01": "for"})[1]["status"] == "round_not_open"
    rnd.status = "open"
    rnd.save()
    do_deactivate_code(None, meeting=meeting, code=code)
    assert post_cast(client, code, rnd, {"mark-A01": "for"})[1] == {
        "status": "inactive_code",
        "message": "此投票码已收回，不能投票。",
    }
    assert not ElectronicBallot.objects.exists() and not CodeUse.objects.exists()


def test_cast_resolves_write_ins_as_the_review_did_and_names_a_bad_row(client: Any, meeting: Any):
    from zhixuan.web.evoting.models import ElectronicBallot

    rnd = make_round(meeting, kind="deputy_secretary", seats=2)
    code = issue(meeting)
    _, refused = post_cast(client, code, rnd, {"mark-A01": "against", "write-in-1": "无此人"})
    assert refused == {"status": "bad_ballot", "message": "另选第 2 行：名册中找不到编号或姓名为“无此人”的党员。"}
    assert not ElectronicBallot.objects.exists()
    _, answer = post_cast(client, code, rnd, {"mark-A01": "against", "write-in-0": "0007 党员7", "write-in-1": " "})
    assert answer["status"] == "cast"
    assert ElectronicBallot.objects.get().marks == {
        "for": [],
        "against": ["A01"],
        "write_ins": [{"name": "0007", "for": True}],
    }


def test_a_tie_revote_takes_no_write_in_through_the_endpoint(client: Any, meeting: Any):
    rnd = make_round(meeting, round_kind="revote")
    _, answer = post_cast(client, issue(meeting), rnd, {"mark-A01": "for", "write-in-0": "0007"})
    assert answer == {"status": "bad_ballot", "message": "并列重新投票只在并列者中投票，不能另选他人。"}


@pytest.mark.django_db(transaction=True)
def test_queued_sqlite_casts_share_one_commit_and_each_gets_its_own_answer(election: Any):
    """Group commit (SQLite): the casts queued while another group was committing are stored by the
    next writer in one transaction — one COMMIT, one fsync — and each is answered with its own outcome."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhixuan.web.evoting import actions
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot, VotingCode

    meeting = make_meeting(election)
    rnd = make_round(meeting)
    first, second = (VotingCode.objects.create(meeting=meeting, code_hash=f"h{i}") for i in range(2))
    queued = [
        actions._Cast(first.pk, rnd.pk, json.dumps({"for": ["A01"], "against": []}), "AAAABBBBCCCC"),
        actions._Cast(first.pk, rnd.pk, json.dumps({"for": ["A02"], "against": []}), "DDDDEEEEFFFF"),  # the twin
    ]
    actions._QUEUE.extend(queued)
    mine = actions._Cast(second.pk, rnd.pk, json.dumps({"for": [], "against": ["A01"]}), "GGGGHHHHJJJJ")
    with CaptureQueriesContext(connection) as queries:
        actions._store_grouped(mine)
    assert [job.outcome for job in [*queued, mine]] == ["cast", "already_voted", "cast"]
    assert all(job.done and job.error is None for job in [*queued, mine])
    assert not actions._QUEUE
    if connection.vendor == "sqlite":  # (the server uses grouping on SQLite only; PostgreSQL groups commits itself)
        assert [q["sql"] for q in queries.captured_queries if q["sql"] in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")] in (
            ["BEGIN", "COMMIT"],
            ["BEGIN IMMEDIATE", "COMMIT"],
        )
    assert sorted(b["for"] for b in ElectronicBallot.objects.values_list("marks", flat=True)) == [[], ["A01"]]
    assert CodeUse.objects.count() == 2


@pytest.mark.parametrize("change", ["round_closed", "code_handed_back", "code_voted"])
def test_the_store_rechecks_what_changed_after_the_first_read(meeting: Any, monkeypatch: Any, change: str):
    """A round closed, a slip handed back or a twin cast committed between the cast's first read and its
    store: the store's own guard refuses it and stores nothing more (SQLite: the grouped transaction;
    PostgreSQL: the one-statement cast). The first read is replayed as it was before the change."""
    from zhixuan.web.evoting import actions
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot, VotingCode

    rnd = make_round(meeting)
    code = issue(meeting)
    before = actions._target(code, rnd.pk)
    assert before is not None and before.active and before.round_status == "open"
    if change == "round_closed":
        rnd.status = "closed"
        rnd.save()
    elif change == "code_handed_back":
        VotingCode.objects.filter(pk=before.code_id).update(active=False)
    else:
        actions.do_cast_marks(code=code, round_id=rnd.pk, marks={"A01": "for"})
    monkeypatch.setattr(actions, "_target", lambda *_: before)
    with pytest.raises(actions.CastRefused) as refused:
        actions.do_cast_marks(code=code, round_id=rnd.pk, marks={"A01": "against"})
    expected = {"round_closed": "round_not_open", "code_handed_back": "inactive_code", "code_voted": "already_voted"}
    assert refused.value.reason == expected[change]
    stored = 1 if change == "code_voted" else 0
    assert ElectronicBallot.objects.count() == stored and CodeUse.objects.count() == stored
