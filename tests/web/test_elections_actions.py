"""Creating an election from a preset (with overrides) and publishing its announcement (N1)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from web_helpers import PASSWORD, create_election

from zhixuan.web.elections.actions import do_advance_stage, do_publish_announcement, do_update_timeline
from zhixuan.web.elections.announcement import StageDates, announcement_gaps
from zhixuan.web.elections.models import Stage, StageStatus
from zhixuan.web.elections.procedures import STAGES
from zhixuan.web.roster.selectors import election_settings


def test_election_from_preset_has_positions_conditions_and_a_dated_timeline(election: Any) -> None:
    assert [(p.kind, p.seats) for p in election.positions.all()] == [
        ("secretary", 1), ("deputy_secretary", 2), ("member", 4),
    ]  # fmt: skip
    # P1 heads the conditions of every election and cannot be left out.
    assert [c.kind for c in election.conditions.all()] == ["party_standing", "min_party_years"]
    stages = list(election.stages.order_by("order"))
    assert [s.kind for s in stages] == [t.kind for t in STAGES["three-round"]]
    assert stages[0].starts_on == date(2026, 3, 2)
    assert all(b.starts_on == a.ends_on + timedelta(days=1) for a, b in pairwise(stages))


def test_preset_settings_and_overrides_are_in_force(county_admin: Any, townships: dict[str, Any]) -> None:
    election = create_election(
        county_admin, townships["灵山乡"], preset="standard", overrides={"public_rep_cap": "1/4"}
    )
    settings = election_settings(election)
    assert settings.round_order == "committee_first"  # the standard preset
    assert str(settings.public_rep_cap) == "1/4"  # the override


def test_unknown_override_is_refused(county_admin: Any, townships: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="unknown setting"):
        create_election(county_admin, townships["灵山乡"], overrides={"quorum": "1/2"})


def test_n1_publish_freezes_the_announcement_and_opens_the_first_stage(election: Any, county_admin: Any) -> None:
    do_publish_announcement(county_admin, election=election)
    election.refresh_from_db()
    assert election.announced_at is not None
    assert election.announcement["positions"][0] == {"kind": "secretary", "title": "党委书记", "seats": 1}
    assert election.announcement["work_targets"] == ["发展村级集体经济"]
    assert election.stages.get(order=1).status == StageStatus.CURRENT
    with pytest.raises(ValidationError):
        do_update_timeline(county_admin, election=election, dates={})
    with pytest.raises(ValidationError):
        do_publish_announcement(county_admin, election=election)


def test_n1_incomplete_announcement_is_refused_with_what_is_missing(
    county_admin: Any, townships: dict[str, Any]
) -> None:
    election = create_election(county_admin, townships["灵山乡"], work_targets=[], starts_on=None)
    with pytest.raises(ValidationError) as caught:
        do_publish_announcement(county_admin, election=election)
    text = " ".join(caught.value.messages)
    assert "工作目标" in text and "未定日期" in text and "(N1)" in text
    election.refresh_from_db()
    assert election.announced_at is None


def test_n1_timeline_out_of_order_is_a_gap() -> None:
    gaps = announcement_gaps(
        seats=[1], conditions=1, work_targets=1,
        stages=[StageDates("报名", date(2026, 3, 5), date(2026, 3, 4))],
    )  # fmt: skip
    assert [(g.rule, g.code) for g in gaps] == [("N1", "timeline_inconsistent")]


@given(
    seats=st.lists(st.integers(min_value=0, max_value=9), max_size=5),
    conditions=st.integers(min_value=0, max_value=3),
    targets=st.integers(min_value=0, max_value=3),
)
def test_n1_gaps_name_exactly_the_missing_parts(seats: list[int], conditions: int, targets: int) -> None:
    stages = [StageDates("公告", date(2026, 1, 1), date(2026, 1, 2))]
    codes = {g.code for g in announcement_gaps(seats=seats, conditions=conditions, work_targets=targets, stages=stages)}
    assert ("no_positions" in codes) == (not seats or sum(seats) == 0 or min(seats) == 0)
    assert ("no_conditions" in codes) == (conditions == 0)
    assert ("no_work_targets" in codes) == (targets == 0)


def test_stages_advance_in_order(election: Any, county_admin: Any) -> None:
    with pytest.raises(ValidationError):
        do_advance_stage(county_admin, election=election)
    do_publish_announcement(county_admin, election=election)
    opened = do_advance_stage(county_admin, election=election)
    assert opened is not None and opened.kind == "registration"
    assert list(Stage.objects.filter(election=election).values_list("status", flat=True)[:3]) == [
        "done", "current", "pending",
    ]  # fmt: skip


def test_public_announcement_page_only_after_publishing(election: Any, county_admin: Any) -> None:
    anonymous = Client()
    assert anonymous.get(f"/public/elections/{election.pk}/").status_code == 404
    do_publish_announcement(county_admin, election=election)
    page = anonymous.get(f"/public/elections/{election.pk}/").content.decode()
    assert "清泉镇党委领导班子公推直选公告" in page and "党委副书记" in page and "发展村级集体经济" in page
    # While registration is open the announcement leads applicants to the portal (N1, N3).
    assert f'href="/public/elections/{election.pk}/apply/"' in page


def test_create_election_through_the_form(county_admin: Any, townships: dict[str, Any]) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    form = {
        "township": townships["灵山乡"].pk, "title": "灵山乡换届", "preset": "two-recommendation",
        "starts_on": "2026-04-01", "seats_secretary": 1, "seats_deputy_secretary": 2, "seats_member": 4,
        "seats_discipline_secretary": 0, "seats_discipline_member": 0, "min_party_years": 3, "max_age": 45,
        "education": "大专", "work_targets": "目标一\n目标二", "overrides": "selection_ratio = 4",
    }  # fmt: skip
    response = client.post("/elections/new/", form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "灵山乡换届" in page and "海推" in page and "目标二" in page
    bad = client.post("/elections/new/", {**form, "overrides": "quorum_fraction = lots"}).content.decode()
    assert "quorum_fraction must be a fraction" in bad


def test_a_condition_shared_by_every_position_is_listed_once_and_others_name_their_positions() -> None:
    from zhixuan.web.elections.selectors import condition_lines

    positions = [{"kind": "secretary", "title": "党委书记"}, {"kind": "member", "title": "党委委员"}]
    conditions = [
        {"text": "党龄满 3 年", "position": "secretary"},
        {"text": "党龄满 3 年", "position": "member"},
        {"text": "大专", "position": "secretary"},
        {"text": "中共正式党员，党员权利正常", "position": None},
    ]
    assert condition_lines(conditions, positions) == ["党龄满 3 年", "大专（党委书记）", "中共正式党员，党员权利正常"]


def test_dashboard_names_open_review_work(election: Any, county_admin: Any) -> None:
    from zhixuan.web.nomination.models import Applicant, ApplicantPosition, NominationRoute, Objection

    do_publish_announcement(county_admin, election=election)
    secretary = election.positions.get(kind="secretary")
    applicant = Applicant.objects.create(election=election, number="A001", name="王一")
    ApplicantPosition.objects.create(applicant=applicant, position=secretary, preference=1)
    NominationRoute.objects.create(applicant=applicant, kind="self")
    Objection.objects.create(applicant=applicant, position=secretary, reason="年龄不实")
    client = Client()
    client.login(username="county", password=PASSWORD)
    page = client.get("/dashboard/").content.decode()
    assert "1 项资格审查待决定" in page and "1 条异议待核查" in page
