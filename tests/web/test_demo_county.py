"""The demo county matches the seed numbers and loads idempotently."""

from __future__ import annotations

from typing import Any

from zhixuan.web.core.demo import COUNTY, PLANS, load_demo, logins
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.selectors import dashboard


def test_demo_county_has_the_seed_numbers(db: Any) -> None:
    assert load_demo() is True
    summaries, totals = dashboard(Election.objects.filter(township__county__name=COUNTY))
    # seed-000: 9 townships, 2,901 members of whom 116 migrant, 726 public reps, 84 seats.
    assert (totals.townships, totals.members, totals.migrants, totals.public_reps, totals.seats) == (
        9, 2901, 116, 726, 84,
    )  # fmt: skip
    qingquan = next(s for s in summaries if s.election.township.name == "清泉镇")
    assert (qingquan.members, qingquan.seats) == (340, 7)  # seed-003
    # P4 holds everywhere, and the townships are at different stages.
    assert all(s.public_reps <= s.public_rep_limit for s in summaries)
    assert len({(s.stage.kind if s.stage else None) for s in summaries}) >= 4
    assert load_demo() is False
    assert Election.objects.count() == len(PLANS)
    assert {username for username, _, _ in logins()} >= {"county", "qingquan", "lingshan"}


def test_demo_names_are_deterministic() -> None:
    from zhixuan.web.core.demo import member_file

    assert member_file(PLANS[0], with_pending=True) == member_file(PLANS[0], with_pending=True)
