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


def test_demo_townships_further_on_have_real_records(db: Any) -> None:
    from zhixuan.web.elections.outcomes import election_outcome

    load_demo()
    elections = {e.township.name: e for e in Election.objects.filter(township__county__name=COUNTY)}

    def current(name: str) -> str:
        return elections[name].stages.get(status="current").kind

    def outcome(name: str, key: str) -> dict[str, list[str]]:
        result = election_outcome(elections[name])
        assert result.problems == ()
        return result.outcome(key)  # type: ignore[return-value]

    # 白鹤乡: applications and nominations in, half of them reviewed; no notice yet (N4).
    baihe = elections["白鹤乡"]
    assert current("白鹤乡") == "review" and baihe.applicants.count() == 3 * 9 + 3
    assert 0 < baihe.applicants.filter(reviews__isnull=False).distinct().count() < baihe.applicants.count()
    assert not hasattr(baihe, "review_notice")
    # 东岳镇: the review notice is out and the speech order committed but not yet drawn (L1).
    dongyue = elections["东岳镇"]
    assert current("东岳镇") == "recommendation_meeting" and dongyue.review_notice is not None
    lot = dongyue.lots.get(purpose="speech")
    assert lot.revealed_at is None and len(lot.commitment) == 64
    # 灵山乡: the members' meeting is held — every stage done, every round published, the report made (M11).
    lingshan = elections["灵山乡"]
    assert not lingshan.stages.exclude(status="done").exists()
    assert lingshan.meeting.status == "closed"
    assert [r.key for r in lingshan.meeting.rounds.order_by("order")] == [
        "r1-secretary", "r2-deputy_secretary", "r3-member",
    ]  # fmt: skip
    assert set(lingshan.meeting.rounds.values_list("status", flat=True)) == {"published"}
    elected = outcome("灵山乡", "elected")
    assert {k: len(v) for k, v in elected.items()} == {"secretary": 1, "deputy_secretary": 2, "member": 6}
    report = lingshan.meeting.result_report
    assert {e["position"]: sorted(e["numbers"]) for e in report.content["elected"]} == {
        k: sorted(v) for k, v in elected.items()
    }
    # 清泉镇: two stages combined (R2), inspection and the county vote: formal candidates (C2, C4).
    assert current("清泉镇") == "meeting"
    formal = outcome("清泉镇", "formal")
    assert {k: len(v) for k, v in formal.items()} == {"secretary": 2, "deputy_secretary": 3, "member": 5}


def test_demo_results_show_on_the_staff_and_public_pages(db: Any) -> None:
    """make demo shows the results app and the observer page with data: 灵山乡's meeting is done."""
    from django.test import Client

    from zhixuan.web.core.demo import PASSWORD

    load_demo()
    lingshan = Election.objects.get(township__county__name=COUNTY, township__name="灵山乡")
    report = lingshan.meeting.result_report
    secretary = next(e for e in report.content["elected"] if e["position"] == "secretary")["names"][0]
    public = Client().get(f"/public/elections/{lingshan.pk}/meeting/")
    assert public.status_code == 200 and secretary in public.content.decode()
    staff = Client()
    assert staff.login(username="lingshan", password=PASSWORD)
    page = staff.get(f"/elections/{lingshan.pk}/results/")
    assert page.status_code == 200 and secretary in page.content.decode()


def test_demo_names_are_deterministic() -> None:
    from zhixuan.web.core.demo import member_file

    assert member_file(PLANS[0], with_pending=True) == member_file(PLANS[0], with_pending=True)
