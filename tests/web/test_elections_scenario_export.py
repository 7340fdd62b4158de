"""An election exports to a scenario file that the scenario loader accepts and the roster
numbers survive (P1, P2, P4 computed from the file equal those of the web app)."""

from __future__ import annotations

from typing import Any

import yaml
from django.test import Client
from web_helpers import MEMBER_HEADER, PASSWORD, csv_bytes, member_row, reps_csv

from zhixuan.rules import people
from zhixuan.rules.settings import preset_settings
from zhixuan.scenario.loader import validate
from zhixuan.web.roster.actions import do_import_members, do_import_public_reps
from zhixuan.web.roster.selectors import attendance, public_rep_check


def test_export_is_a_valid_scenario_with_the_same_counts(election: Any, county_admin: Any) -> None:
    rows = [member_row(i, f"党员{i}") for i in range(1, 9)] + [
        member_row(9, "李娜", "预备党员"),
        member_row(10, "陈杰", 外出务工="是"),
        member_row(11, "周平", 请假原因="正在服刑", 批准人="镇党委", 批准日期="2026-02-01"),
        member_row(12, "吴刚", 请假原因="自费出国半年以上"),
    ]
    do_import_members(county_admin, election=election, filename="r.csv", data=csv_bytes(MEMBER_HEADER, rows))
    do_import_public_reps(county_admin, election=election, filename="q.csv", data=reps_csv(3))
    client = Client()
    client.login(username="county", password=PASSWORD)
    response = client.get(f"/elections/{election.pk}/scenario.yaml")
    assert response.status_code == 200
    document = validate(yaml.safe_load(response.content.decode()))
    assert document["election"]["preset"] == "three-round"
    assert [(p["id"], p["seats"]) for p in document["positions"]] == [
        ("secretary", 1), ("deputy_secretary", 2), ("member", 4),
    ]  # fmt: skip
    assert document["positions"][0]["conditions"] == {"min_party_years": 3}
    members = [
        people.Member(
            id=m["id"], name=m["name"], status=people.MemberStatus(m["status"]), migrant=m.get("migrant", False),
            excusal=people.Excusal(people.ExcusalReason(m["excusal"]["reason"]), m["excusal"]["approved_by"])
            if "excusal" in m else None,
        )
        for m in document["roster"]["members"]
    ]  # fmt: skip
    from_file = people.expected_attendance(members)
    in_app = attendance(election)
    assert (from_file.with_rights, from_file.expected, from_file.migrants) == (11, 10, 1)
    assert (from_file.with_rights, from_file.expected, from_file.migrants) == (
        in_app.with_rights, in_app.expected, in_app.migrants,
    )  # fmt: skip
    p4 = people.check_public_reps(
        len(document["roster"]["public_reps"]), from_file.expected, preset_settings("three-round")
    )
    assert p4.zh == public_rep_check(election).zh


def test_an_education_condition_in_prose_exports_as_the_level_the_core_compares(
    county_admin: Any, townships: dict[str, Any]
) -> None:
    from web_helpers import create_election

    from zhixuan.web.elections.actions import ConditionInput
    from zhixuan.web.elections.education import education_level
    from zhixuan.web.elections.scenario_export import election_scenario

    assert [education_level(t) for t in ("大专及以上学历", "大学本科以上", "中专", "学历好")] == [
        "大专", "大学本科", "高中（中专）", None,
    ]  # fmt: skip
    election = create_election(
        county_admin, townships["灵山乡"], conditions=[ConditionInput("education", "大专及以上学历")]
    )
    assert election_scenario(election)["positions"][0]["conditions"] == {"min_education": "大专"}


def test_the_election_form_refuses_an_education_condition_without_a_level(county_admin: Any, townships: Any) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    page = client.post("/elections/new/", {"education": "学历好", "title": "x"}).content.decode()
    assert "学历要求须写明学历层次" in page
