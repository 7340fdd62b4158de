"""Issue 5 item 4, the term app in the scenario import: ``examples/term-reviews.yaml`` becomes the term app's rows.

- the commitment (A1) is published with its three targets and both years' reviews, the abandoned one with its
  reason;
- each year is a closed review session: both leaders, both scales, the groups 党员 7/10 and 群众代表 3/10, and
  each group's counts as one agreed paper count;
- the app's decisions — every A1 summary, every A2 rate and flag — equal ``zhixuan run`` on the same file,
  word for word, and the app's exports (the scenario file, the county's Excel workbook) reproduce them;
- a file the app cannot hold (a year's groups differ, a grade not on the scale, a leader rated twice or on one
  scale only, weights not summing to 1, a target reviewed twice in a year) is refused with every problem named
  by path, and nothing is stored;
- records in another order are put in the app's order, with a note, and decide the same;
- a file without a members' meeting elects no one: its commitment and ratings are set aside, as before.
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from web_helpers import PASSWORD

from zhixuan.scenario.errors import ScenarioError
from zhixuan.scenario.loader import load_path, validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.elections.scenario_import import do_import_scenario
from zhixuan.web.term import selectors
from zhixuan.web.term.models import Commitment, PaperCount, ReviewSession

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "term-reviews.yaml"


def _import(admin: Any, county: Any, doc: dict[str, Any] | None = None) -> tuple[Any, Any]:
    if doc is None:
        text, name = EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name
    else:
        text, name = json.dumps(doc, ensure_ascii=False), "term.json"
    return do_import_scenario(admin, county=county, text=text, filename=name)


def _cli(path: Path) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "zhixuan.cli.main", "run", "--json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def _section(run: dict[str, Any], key: str) -> list[tuple[str, str, str]]:
    found = next(s for s in run["sections"] if s["key"] == key)
    return [(d["rule"], d["code"], d["zh"]) for d in found["decisions"]]


def test_the_example_becomes_a_commitment_and_two_closed_review_sessions(county_admin: Any, county: Any) -> None:
    election, prepared = _import(county_admin, county)
    assert [n.path for n in prepared.notes if n.set_aside] == [] and prepared.set_aside == {}
    commitment = Commitment.objects.get(election=election)
    assert (commitment.leader, commitment.leader_name) == ("m01", "林海")
    assert commitment.published_at is not None
    items = list(commitment.items.order_by("order"))
    assert [(i.key, i.text) for i in items] == [
        ("t1", "三年内建成全乡农村饮水安全工程"),
        ("t2", "建设乡级电商服务中心"),
        ("t3", "每半年向党员大会报告一次工作"),
    ]
    abandoned = items[1].reviews.get(year=2025)
    assert abandoned.status == "abandoned" and abandoned.note.startswith("县级电商中心已覆盖本乡")

    sessions = list(ReviewSession.objects.filter(election=election).order_by("year"))
    assert [(s.year, s.status, s.scales) for s in sessions] == [
        (2024, "closed", ["satisfaction", "competence"]),
        (2025, "closed", ["satisfaction", "competence"]),
    ]
    # The leaders as elected, with their positions; the groups with their exact weights.
    assert [(x.leader, x.name, x.position) for x in sessions[0].leaders.order_by("order")] == [
        ("m01", "林海", "secretary"),
        ("m02", "郭芳", "deputy_secretary"),
    ]
    assert [(g.key, g.name, g.weight) for g in sessions[0].groups.order_by("order")] == [
        ("members", "党员", "7/10"),
        ("public_reps", "群众代表", "3/10"),
    ]
    # One agreed paper count per group, holding the file's counts; at least as many forms as valid ratings.
    paper = PaperCount.objects.get(group__session=sessions[0], group__key="members")
    assert paper.agreed and paper.submitted_at is not None and paper.teller.is_active is False
    assert paper.counts["m02"]["satisfaction"] == {"satisfied": 10, "basically_satisfied": 4, "dissatisfied": 6}
    assert paper.collected == 20


def test_the_apps_decisions_equal_zhixuan_run_on_the_same_file(county_admin: Any, county: Any) -> None:
    election, _prepared = _import(county_admin, county)
    cli = _cli(EXAMPLE)
    results = selectors.rating_results(election)
    app = [(d.rule, d.code, d.zh) for r in results for d in r.decisions]
    assert app == _section(cli, "ratings")
    flags = [(r.year, r.name, r.scale, r.flags) for r in results]
    assert flags == [
        (2024, "林海", "satisfaction", []),
        (2024, "林海", "competence", []),
        (2024, "郭芳", "satisfaction", []),  # exactly 70 %: not below (A2)
        (2024, "郭芳", "competence", []),  # exactly 1/3: not above (A2)
        (2025, "林海", "satisfaction", []),
        (2025, "林海", "competence", []),
        (2025, "郭芳", "satisfaction", ["warning_talk", "recall_may_be_proposed"]),
        (2025, "郭芳", "competence", ["organisational_adjustment"]),
    ]
    assert [r.measure_text for r in results if r.name == "郭芳"] == ["70.00%", "33.33%", "43.50%", "40.00%"]
    page = selectors.commitment_page(election)
    assert [(d.rule, d.code, d.zh) for d in page.decisions] == _section(cli, "commitment")
    assert [[c.status if c else None for c in row["cells"]] for row in page.grid] == [
        ["in_progress", "done"],
        ["not_started", "abandoned"],
        ["done", "done"],
    ]
    assert election_outcome(election).problems == ()


def test_the_apps_exports_reproduce_the_decisions(county_admin: Any, county: Any, tmp_path: Path) -> None:
    from django.test import Client

    election, prepared = _import(county_admin, county)
    # The scenario file the county downloads holds the file's commitment and ratings as they were …
    exported = validate(election_scenario(election))
    original = load_path(EXAMPLE)
    assert exported["commitment"] == original["commitment"] == prepared.document["commitment"]
    assert exported["ratings"] == original["ratings"]
    # … and ``zhixuan run`` on the download decides as on the file.
    client = Client()
    assert client.login(username="county", password=PASSWORD)
    download = tmp_path / "download.yaml"
    download.write_bytes(client.get(f"/elections/{election.pk}/scenario.yaml").content)
    assert yaml.safe_load(download.read_text(encoding="utf-8"))["ratings"][6]["leader"] == "m02"
    cli_file, cli_download = _cli(EXAMPLE), _cli(download)
    for key in ("commitment", "ratings"):
        assert _section(cli_download, key) == _section(cli_file, key)
    # The county's workbook carries the flags and the core's decisions.
    book = load_workbook(io.BytesIO(client.get(f"/elections/{election.pk}/term/ratings.xlsx").content))
    rows = list(book["测评结果"].iter_rows(values_only=True))
    weighted = [r for r in rows if r[0] == 2025 and r[1] == "郭芳" and r[4] == "加权"]
    assert [r[-1] for r in weighted] == ["诫勉谈话、可提出罢免", "组织调整"]
    decisions = [(r[3], r[4], r[5]) for r in list(book["决定"].iter_rows(values_only=True))[1:]]
    assert decisions == _section(cli_file, "ratings")


def _refused(admin: Any, county: Any, doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        _import(admin, county, doc)
    assert not Election.objects.exists() and not ReviewSession.objects.exists() and not Commitment.objects.exists()
    return [f"{p.path}: {p.zh}" for p in caught.value.problems]


def test_a_file_the_app_cannot_hold_is_refused_with_paths_and_nothing_is_stored(county_admin: Any, county: Any) -> None:
    doc = load_path(EXAMPLE)
    bad = copy.deepcopy(doc)
    bad["ratings"][3]["groups"][1]["weight"] = "1/3"  # a year's groups differ
    bad["ratings"][3]["groups"][0]["weight"] = "2/3"
    bad["ratings"][1]["groups"][0]["counts"]["satisfied"] = 3  # not on the competence scale
    bad["ratings"][5] = copy.deepcopy(bad["ratings"][4])  # 林海 2025: satisfaction twice, competence never
    bad["commitment"]["items"][2]["reviews"].append({"year": 2025, "status": "done"})  # reviewed twice in 2025
    bad["commitment"]["items"][0]["reviews"][0]["status"] = "finished"
    problems = _refused(county_admin, county, bad)
    assert problems[0].startswith("commitment.items[0].reviews[0].status: 完成情况“finished”无效")
    assert problems[1].startswith("commitment.items[2].reviews[2].year: 目标 t3 的 2025 年度评议重复")
    assert problems[2].startswith("ratings[1].groups[0].counts: 等次 satisfied 不属于称职度量表")
    assert problems[3].startswith("ratings[3].groups: 2024 年度的测评组（编号、名称、权重）与 ratings[0] 不同")
    assert problems[4].startswith("ratings[5]: 2025 年度 m01 的满意度测评与 ratings[4] 重复")
    assert problems[5].startswith("ratings: 2025 年度缺少 m01 的称职度测评记录")
    assert len(problems) == 6


def test_weights_not_summing_to_one_are_refused_by_the_core_naming_the_record(county_admin: Any, county: Any) -> None:
    doc = load_path(EXAMPLE)
    for record in doc["ratings"]:
        record["groups"][1]["weight"] = "1/5"  # 7/10 + 1/5 = 9/10
    problems = _refused(county_admin, county, doc)
    assert problems == ["ratings[0]: 测评数据无效：rater-group weights must sum to exactly 1, got 9/10"]


def test_records_in_another_order_are_put_in_the_apps_order_and_decide_the_same(county_admin: Any, county: Any) -> None:
    doc = load_path(EXAMPLE)
    shuffled = copy.deepcopy(doc)
    shuffled["ratings"] = list(reversed(shuffled["ratings"]))
    for record in shuffled["ratings"]:
        if record["scale"] == "satisfaction":  # groups as in the year's first record (a competence one) then
            record["groups"].reverse()
        del record["groups"][0]["counts"]["excellent" if record["scale"] == "competence" else "satisfied"]
    election, prepared = _import(county_admin, county, shuffled)
    assert [(n.path, n.set_aside) for n in prepared.notes if n.path == "ratings"] == [("ratings", False)]
    want = {
        (d.facts["leader"], d.code, d.facts["weighted"])
        for d in next(s for s in run_scenario(shuffled).sections if s.key == "ratings").decisions
    }
    got = {
        (d.facts["leader"], d.code, d.facts["weighted"])
        for r in selectors.rating_results(election)
        for d in r.decisions
    }
    assert got == want
    assert [r["year"] for r in election_scenario(election)["ratings"]] == [2024] * 4 + [2025] * 4
    assert [(s.year, [g.key for g in s.groups.order_by("order")]) for s in ReviewSession.objects.order_by("year")] == [
        (2024, ["members", "public_reps"]),
        (2025, ["members", "public_reps"]),
    ]


def test_without_a_meeting_the_commitment_and_ratings_are_set_aside(county_admin: Any, county: Any) -> None:
    doc = {k: v for k, v in load_path(EXAMPLE).items() if k != "meeting"}
    election, prepared = _import(county_admin, county, doc)
    assert sorted(prepared.set_aside) == ["commitment", "ratings"]
    assert [n.zh.split("：")[0] for n in prepared.notes if n.set_aside] == ["任期目标承诺未导入", "年度测评未导入"]
    assert not Commitment.objects.filter(election=election).exists()
    assert not ReviewSession.objects.filter(election=election).exists()
