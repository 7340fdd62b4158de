"""500 voters cast at once, every code submitted twice at the same moment: exactly one ballot per code.

Threads, each with its own database connection and its own test ``Client`` (the whole Django stack:
middleware, view, action). On PostgreSQL the casts really run in parallel and the unique
(code, round) constraint of ``CodeUse`` is what refuses the twin; on SQLite writes are serialised
by the database lock — and the in-memory shared-cache test database reports a lock at once instead of
waiting — so there the threads take turns: the same guard, without parallel writes. The file-based
SQLite (WAL) database under real parallel load is exercised by ``benchmarks/bench_evoting.py``.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from test_evoting_support import make_meeting, make_round

VOTERS = 500
WORKERS = 32  # PostgreSQL's default limit is 100 connections


@pytest.mark.django_db(transaction=True)
def test_500_voters_at_once_each_code_twice_gives_one_ballot_per_code(election: Any):
    from zhixuan.web.evoting.actions import code_hash
    from zhixuan.web.evoting.models import CodeUse, ElectronicBallot, VotingCode

    meeting = make_meeting(election)
    rnd = make_round(meeting, kind="member", seats=4, candidates=["A01", "A02", "A03"])
    codes = [f"C{i:09d}" for i in range(VOTERS)]
    VotingCode.objects.bulk_create(VotingCode(meeting=meeting, code_hash=code_hash(c)) for c in codes)
    marks = ["for", "against", "abstain"]
    start = threading.Event()
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    local = threading.local()

    def submit(task: tuple[int, str]) -> str:
        i, code = task
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client()
        start.wait()
        data = {"round": str(rnd.pk), "step": "cast"}
        data.update({f"mark-A0{k + 1}": marks[(i + k) % 3] for k in range(3)})
        try:
            with turns:
                response = client.post(f"/v/{code}/", data)
        finally:
            connections.close_all()  # this thread's connection; the test database is dropped afterwards
        assert response.status_code == 200
        return response["X-Vote-Status"]

    # Each code twice, next to each other, so the twins race on the same (code, round).
    tasks = [(i, code) for i, code in enumerate(codes) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(submit, t) for t in tasks]
        start.set()
        outcomes = Counter(f.result() for f in futures)

    assert outcomes == {"cast": VOTERS, "already_voted": VOTERS}, (connection.vendor, outcomes)
    assert ElectronicBallot.objects.filter(round=rnd).count() == VOTERS
    assert CodeUse.objects.filter(round=rnd).count() == VOTERS
    assert CodeUse.objects.values("code").distinct().count() == VOTERS
    # The ballots are the ones sent: each voter's marks pattern appears as often as it was sent.
    patterns = Counter(tuple(sorted(b["for"])) for b in ElectronicBallot.objects.values_list("marks", flat=True))
    assert patterns == {("A01",): 167, ("A03",): 167, ("A02",): 166}
