"""Builders for the electronic-voting tests: a meeting with rounds made directly with the ORM.

(The meeting app's own actions are written in parallel; these tests need only its rows.)
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

CANDIDATES = [("A01", "王一", "0001"), ("A02", "李二", "0002"), ("A03", "张三", "0003")]


def make_meeting(election: Any, *, members: int = 12) -> Any:
    from zhixuan.web.meeting.models import Meeting
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.roster.models import Member

    Member.objects.bulk_create(
        Member(election=election, number=f"{i:04d}", name=f"党员{i}", status="full") for i in range(1, members + 1)
    )
    Member.objects.create(election=election, number="0099", name="预备甲", status="probationary")
    Member.objects.create(election=election, number="0098", name="重名", status="full")
    Member.objects.create(election=election, number="0097", name="重名", status="full")
    for number, name, member in CANDIDATES:
        m = Member.objects.get(election=election, number=member)
        m.name = name
        m.save(update_fields=["name"])
        Applicant.objects.create(election=election, number=number, name=name, member=m)
    return Meeting.objects.create(election=election, title="清泉镇党员大会", status="open", opened_at=timezone.now())


def make_round(meeting: Any, *, order: int = 1, kind: str = "secretary", seats: int = 1, status: str = "open",
               candidates: list[str] | None = None, round_kind: str = "regular") -> Any:  # fmt: skip
    from zhixuan.web.meeting.models import Round

    return Round.objects.create(
        meeting=meeting,
        order=order,
        key=f"r{order}-{kind}",
        position=meeting.election.positions.get(kind=kind),
        kind=round_kind,
        seats=seats,
        candidates=candidates if candidates is not None else ["A01", "A02"],
        status=status,
        present=12,
    )


def vote_url(code: str) -> str:
    return f"/v/{code}/"


def cast(client: Any, code: str, rnd: Any, marks: dict[str, str], write_ins: list[str] = ()) -> Any:  # type: ignore[assignment]
    data = {"round": str(rnd.pk), "step": "cast"}
    data.update({f"mark-{n}": m for n, m in marks.items()})
    data.update({f"write-in-{i}": w for i, w in enumerate(write_ins)})
    return client.post(vote_url(code), data)


RECEIPT_RE = re.compile(r'id="receipt">([A-Z0-9-]+)<')


def receipt_of(response: Any) -> str:
    match = RECEIPT_RE.search(response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)
