"""Importing a scenario file as a new election: what is stored, what is set aside, who may import,
and how a bad file is refused with every problem named by path and nothing stored."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from web_helpers import PASSWORD, make_user

from zhixuan.scenario.errors import ScenarioError
from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.elections.models import County, Election, Township
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.elections.scenario_import import do_import_scenario

ROOT = Path(__file__).resolve().parents[2]
THREE_ROUND = ROOT / "examples" / "three-round-township.yaml"
QINGQUAN = ROOT / "examples" / "qingquan-two-recommendation.yaml"

BAD = """\
format: zhixuan-scenario/1
election: {id: bad, title: 有错的文件, township: 石河乡, preset: three-round}
positions:
  - {id: secretary, name: 党委书记, kind: secretary, seats: 1}
  - {id: head, name: 书记二, kind: secretary, seats: 1}
roster:
  members: [{id: m1, name: 张三, status: boss}]
applicants:
  - {id: a1, name: 张三, member: m1, positions: [mayor], routes: [{type: self}]}
"""


def _without_meeting(path: Path) -> bytes:
    """The file without its members' meeting: it elects no one, so the commitment (A1) is set aside."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del doc["meeting"]
    return yaml.safe_dump(doc, allow_unicode=True).encode()


def _import(admin: Any, county: Any, path: Path) -> Any:
    return do_import_scenario(admin, county=county, text=path.read_text(encoding="utf-8"), filename=path.name)


def test_three_round_file_becomes_an_election_whose_meeting_is_held(county_admin: Any, county: Any) -> None:
    election, prepared = _import(county_admin, county, THREE_ROUND)
    assert election.township.name == "灵山乡" and election.township.county == county
    assert election.preset == "three-round" and election.overrides == {"selection_ratio": 2}
    assert [(p.kind, p.seats) for p in election.positions.all()] == [
        ("secretary", 1), ("deputy_secretary", 2), ("member", 4),
    ]  # fmt: skip
    assert election.members.count() == 45 and election.public_reps.count() == 10
    # The announcement is out and, the members' meeting having elected everyone, every stage is done.
    assert election.announced_at is not None and election.announcement["township"] == "灵山乡"
    done = [s.kind for s in election.stages.filter(status="done")]
    assert done == ["announcement", "registration", "review", "recommendation_meeting", "inspection", "meeting"]
    assert election.meeting.rounds.count() == 4  # three rounds and round 3's supplementary vote (M9)
    lot = election.lots.get(purpose="speech")
    assert lot.commitment == hashlib.sha256(bytes.fromhex(lot.secret)).hexdigest()
    assert lot.result == election_outcome(election).outcome("speech_order")
    # The commitment is the term app's (A1): nothing is set aside.
    assert [n.path for n in prepared.notes if n.set_aside] == []
    assert [i.key for i in election.term_commitment.items.all()] == ["t1", "t2", "t3"]
    entry = AuditEntry.objects.get(action="elections.import_scenario")
    assert entry.data["sha256"] == hashlib.sha256(THREE_ROUND.read_bytes()).hexdigest()
    assert entry.data["set_aside"] == {}
    assert entry.data["file_election_id"] == "lingshan-2023"


def test_qingquan_carries_review_objections_excusals_and_the_county_vote(county_admin: Any, county: Any) -> None:
    election, _prepared = _import(county_admin, county, QINGQUAN)
    wangxu = election.applicants.get(number="wangxu")
    assert [p.position.kind for p in wangxu.positions.all()] == ["member"]
    joint = wangxu.routes.get(kind="joint")
    assert joint.position.kind == "member" and joint.signatures.count() >= 20  # N2
    objection = wangxu.objections.get()
    assert (objection.upheld, objection.by) == (False, "匿名来信")
    excused = [m for m in election.members.select_related("excusal") if hasattr(m, "excusal")]
    assert excused and all(m.excusal.approved for m in excused if m.excusal.approved_by)
    assert election.county_vote.voters > 0
    assert election.recommendation_stages.filter(status="closed").count() == election.recommendation_stages.count() == 2
    # The review notice is published with the core's qualified list, and its window closed (objections decided).
    notice = election.review_notice
    qualified = election_outcome(election).outcome("qualified")
    assert {p["kind"]: [q["number"] for q in p["qualified"]] for p in notice.content["positions"]} == qualified
    assert notice.objections_until == notice.published_at
    assert not election.stages.exclude(status="done").exists()  # the meeting elected everyone


def test_an_existing_township_is_reused(county_admin: Any, county: Any, townships: dict[str, Any]) -> None:
    election, _ = _import(county_admin, county, QINGQUAN)
    assert election.township == townships["清泉镇"]
    assert Township.objects.filter(county=county, name="清泉镇").count() == 1


def test_a_bad_file_lists_every_problem_and_stores_nothing(county_admin: Any, county: Any) -> None:
    with pytest.raises(ScenarioError) as caught:
        do_import_scenario(county_admin, county=county, text=BAD, filename="bad.yaml")
    problems = {p.path: p for p in caught.value.problems}
    assert "roster.members[0].status" in problems
    assert "boss" in problems["roster.members[0].status"].zh
    assert Election.objects.count() == 0 and not Township.objects.filter(name="石河乡").exists()
    # Once the schema holds, the app's own limits are named the same way: one position per kind.
    fixed = BAD.replace("status: boss", "status: full").replace("[mayor]", "[secretary]")
    with pytest.raises(ScenarioError) as caught:
        do_import_scenario(county_admin, county=county, text=fixed, filename="bad.yaml")
    [problem] = caught.value.problems
    assert problem.path == "positions[1].kind" and "重复" in problem.zh
    assert Election.objects.count() == 0 and AuditEntry.objects.filter(action="elections.import_scenario").count() == 0


def test_only_a_county_admin_of_that_county_imports(county: Any, qingquan_staff: Any) -> None:
    other = County.objects.create(name="邻县")
    outsider = make_user("neighbour", "county_admin", county=other)
    for actor in (qingquan_staff, outsider):
        with pytest.raises(PermissionDenied):
            _import(actor, county, THREE_ROUND)
    assert Election.objects.count() == 0


def test_upload_page_imports_and_says_what_was_not_imported(county_admin: Any, county: Any) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    assert "导入场景文件" in client.get("/dashboard/").content.decode()
    page = client.get("/elections/import/")
    assert page.status_code == 200
    upload = SimpleUploadedFile(THREE_ROUND.name, _without_meeting(THREE_ROUND))
    response = client.post("/elections/import/", {"county": county.pk, "file": upload})
    html = response.content.decode()
    election = Election.objects.get()
    assert response.status_code == 200 and f"/elections/{election.pk}/" in html
    assert "任期目标承诺未导入" in html  # no meeting, so no elected secretary to hold it
    assert "职位编号 deputy 改为职位类别 deputy_secretary" in html


def test_upload_page_lists_the_problems_of_a_bad_file(county_admin: Any, county: Any) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    upload = SimpleUploadedFile("bad.yaml", BAD.encode("utf-8"))
    response = client.post("/elections/import/", {"county": county.pk, "file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "什么也没有保存" in html and "roster.members[0].status" in html and "boss" in html
    assert Election.objects.count() == 0
    latin1 = SimpleUploadedFile("gbk.yaml", "选举".encode("gbk"))
    response = client.post("/elections/import/", {"county": county.pk, "file": latin1})
    assert response.status_code == 400 and "UTF-8" in response.content.decode()


def test_upload_page_is_for_county_admins_only(county: Any, qingquan_staff: Any) -> None:
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    assert client.get("/elections/import/").status_code == 403
    assert Client().get("/elections/import/").status_code == 302  # to the login page


def test_management_command_imports_into_a_named_county(county: Any) -> None:
    out = StringIO()
    call_command("import_scenario", str(QINGQUAN), county="测试县", stdout=out)
    text = out.getvalue()
    election = Election.objects.get()
    assert f"as election {election.pk}: 清泉镇" in text
    assert "not imported: positions[0].conditions.relaxed" in text
    with pytest.raises(CommandError, match="没有名为 无此县 的县"):
        call_command("import_scenario", str(QINGQUAN), county="无此县")
    bad = Path(__file__).with_name("does-not-exist.yaml")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_scenario", str(bad), county="测试县")


def test_upload_page_in_english(county_admin: Any, county: Any) -> None:
    client = Client()
    client.login(username="county", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    assert "Import a scenario file" in client.get("/elections/import/").content.decode()
    upload = SimpleUploadedFile(THREE_ROUND.name, _without_meeting(THREE_ROUND))
    html = client.post("/elections/import/", {"county": county.pk, "file": upload}).content.decode()
    assert "Import complete" in html and "Not imported" in html
    assert "term-target commitment not imported" in html
