"""Issue 3 item 12, the round trip: a scenario file imports as an election, the election exports back
to the scenario format, and the rules core decides the export exactly as it decides the file.

For every example (``examples/*.yaml``, ``examples/synthetic/*.yaml``):

1. import it; export the new election (``scenario_export.election_scenario``);
2. the export is, key for key, the document the importer said it would hold (``Prepared.document``:
   the file with position ids turned into kinds, the meeting's ballots and attendance as the meeting and
   tally apps hold them, and the after-election parts set aside);
3. ``run_scenario`` on the export and on that document: every section, table, decision (rule, code,
   Chinese text, facts as JSON), the outcome and what the run stops for are identical;
4. and the original file, stripped of the parts not imported, decides the same people: qualified,
   speech order, preliminary and formal candidates, every vote of the meeting (its ballot order, counts,
   winners and what it needs) and who is elected — with every decision identical wherever the importer
   changed nothing but the parts it set aside.

One more test runs the real CLI (``python -m zhixuan.cli.main run --json``) on the downloaded YAML and
compares it with what the app shows through ``election_outcome``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from web_helpers import PASSWORD

from zhixuan.scenario.loader import load_path, validate
from zhixuan.scenario.report import RunReport, _plain
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.elections.scenario_import import NOT_IMPORTED, do_import_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "examples" / "synthetic").glob("*.yaml"))
RELAXING = {"qingquan-two-recommendation.yaml", "qingquan-seed3.yaml"}
OUTCOMES = ("qualified", "speech_order", "preliminary", "formal")
# Meeting notes that re-express the file without changing a decision (ballots and attendance as the apps hold them).
SAME_DECISIONS = (".present", ".ballots")


def _decisions(report: RunReport) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    return [
        (
            s.key,
            [
                (d.rule, d.code, d.zh, json.dumps(d.to_json()["facts"], ensure_ascii=False, sort_keys=True))
                for d in s.decisions
            ],
        )
        for s in report.sections
    ]


def _view(report: RunReport) -> dict[str, Any]:
    """Everything a page or ``zhixuan run --json`` shows of a run, except the election's own id."""
    data = report.to_json()
    return {key: data[key] for key in ("settings", "status", "needs", "outcome", "sections")}


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in NOT_IMPORTED}


def _import(admin: Any, county: Any, path: Path) -> tuple[Any, Any]:
    return do_import_scenario(admin, county=county, text=path.read_text(encoding="utf-8"), filename=path.name)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_export_of_the_imported_election_decides_as_the_file(county_admin: Any, county: Any, path: Path) -> None:
    election, prepared = _import(county_admin, county, path)
    exported = validate(election_scenario(election))
    # The export holds what the importer said it would hold (the election id is the app's own).
    assert {**exported, "election": {**exported["election"], "id": "-"}} == {
        **prepared.document,
        "election": {**prepared.document["election"], "id": "-"},
    }
    from_app, from_file = run_scenario(exported), run_scenario(prepared.document)
    assert _decisions(from_app) == _decisions(from_file)
    assert _view(from_app) == _view(from_file)
    # What the app's pages show is that same run.
    shown = election_outcome(election)
    assert shown.problems == ()
    assert _view(shown.report) == _view(from_file)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_imported_election_decides_the_same_people_as_the_original_file(
    county_admin: Any, county: Any, path: Path
) -> None:
    original = _strip(load_path(path))
    election, prepared = _import(county_admin, county, path)
    kinds = prepared.position_ids  # file id -> kind
    want = run_scenario(original).outcome
    got = election_outcome(election).report.outcome  # type: ignore[union-attr]
    for key in OUTCOMES:
        if key == "speech_order" or key not in want:
            assert got.get(key) == want.get(key)
        else:
            assert got[key] == {kinds[p]: ids for p, ids in want[key].items()}  # type: ignore[attr-defined]
    # The meeting: every vote the core held, with the file's position ids as kinds, and who was elected.
    votes = [{**v, "position_id": kinds[v["position_id"]]} for v in want.get("rounds", [])]  # type: ignore[union-attr]
    assert [{k: v for k, v in r.items() if k != "position"} for r in got.get("rounds", [])] == [  # type: ignore[union-attr]
        {k: v for k, v in r.items() if k != "position"} for r in votes
    ]
    assert got.get("elected") == (
        {kinds[p]: ids for p, ids in want["elected"].items()} if "elected" in want else None  # type: ignore[union-attr]
    )
    report = election_outcome(election).report
    assert report is not None and (report.needs is None) == (run_scenario(original).needs is None)
    # Where the importer only renamed positions (ids to kinds, names to the app's names), re-expressed the
    # ratio 1:n as a setting and set the meeting and after-election parts aside, every decision is the
    # original's word for word, once the same renaming is applied to the original's text and facts.
    re_expressed = {"selection.ratio", "election.county"}
    # Only the Qingquan files relax conditions and keep 2/3/6 formal candidates (see the test below).
    word_for_word = all(
        n.path in NOT_IMPORTED
        or n.path in re_expressed
        or (n.path.startswith("positions[") and not n.set_aside)
        or (n.path.startswith("meeting.") and n.path.endswith(SAME_DECISIONS) and not n.set_aside)
        for n in prepared.notes
    )
    assert word_for_word == (path.name not in RELAXING)
    if word_for_word:
        names = {
            p["name"]: q["name"] for p, q in zip(original["positions"], prepared.document["positions"], strict=True)
        }
        renames = {**{k: v for k, v in kinds.items() if k != v}, **{k: v for k, v in names.items() if k != v}}
        assert _decisions(election_outcome(election).report) == _renamed(_decisions(run_scenario(original)), renames)  # type: ignore[arg-type]


def _renamed(sections: list[Any], renames: dict[str, str]) -> list[Any]:
    def sub(text: str) -> str:
        for old, new in renames.items():
            # Round names keep the file's ids ("r2-deputy"): only whole words are positions.
            text = re.sub(rf"(?<![\w\-/]){re.escape(old)}(?![\w])", new, text)
        return text

    return [(key, [(r, c, sub(zh), sub(facts)) for r, c, zh, facts in ds]) for key, ds in sections]


def test_qingquan_sets_aside_exactly_the_relaxed_conditions(county_admin: Any, county: Any) -> None:
    _election, prepared = _import(county_admin, county, ROOT / "examples" / "qingquan-two-recommendation.yaml")
    assert sorted(prepared.set_aside) == []  # the commitment is the term app's (A1)
    assert [n.path for n in prepared.notes if n.set_aside] == [
        "positions[0].conditions.relaxed",
        "positions[1].conditions.relaxed",
        "positions[2].conditions.relaxed",
    ]
    assert prepared.position_ids == {"secretary": "secretary", "deputy": "deputy_secretary", "member": "member"}
    # formal_count 2 / 3 / 6 for 1 / 2 / 4 seats is the one ratio 3/2 (C2); the ratio 1:5 is the preset's.
    assert prepared.document["election"]["settings"] == {"formal_ratio": "3/2"}


def test_the_cli_on_the_downloaded_file_shows_what_the_app_shows(
    county_admin: Any, county: Any, tmp_path: Path
) -> None:
    election, _prepared = _import(county_admin, county, ROOT / "examples" / "qingquan-two-recommendation.yaml")
    client = Client()
    client.login(username="county", password=PASSWORD)
    response = client.get(f"/elections/{election.pk}/scenario.yaml")
    assert response.status_code == 200
    download = tmp_path / "download.yaml"
    download.write_bytes(response.content)
    run = subprocess.run(
        [sys.executable, "-m", "zhixuan.cli.main", "run", "--json", str(download)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    cli = json.loads(run.stdout)
    shown = election_outcome(election).report
    assert shown is not None
    app = json.loads(json.dumps(shown.to_json(), ensure_ascii=False))
    assert cli["outcome"] == app["outcome"] == _plain(shown.outcome)
    assert cli["decisions"] == app["decisions"]
    assert cli["sections"] == app["sections"]
    # The file really is the election: 4 qualified for secretary after review and objections, 2 formal.
    assert yaml.safe_load(response.content)["election"]["township"] == "清泉镇"
    assert len(cli["outcome"]["formal"]["secretary"]) == 2
