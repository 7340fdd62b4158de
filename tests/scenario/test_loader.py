"""The scenario file is rejected whole with every problem named by its path (docs/scenario-format.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhixuan.scenario.errors import ScenarioError
from zhixuan.scenario.loader import load_path, load_text
from zhixuan.scenario.schema import SCHEMA

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """
format: zhixuan-scenario/1
election: {id: t, title: 测试, preset: three-round}
positions: [{id: secretary, name: 党委书记, kind: secretary, seats: 1}]
roster:
  members: [{id: m1, name: 王一}, {id: m2, name: 王二}, {id: m3, name: 李三}]
meeting:
  rounds:
    - position: secretary
      candidates: [m1, m2]
      present: 3
      ballots: [{for: [m1]}, {for: [m1]}, {marks: "AF"}]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_text(text)
    return [p.text("en") for p in caught.value.problems]


def test_minimal_file_loads() -> None:
    doc = load_text(MINIMAL)
    assert doc["meeting"]["rounds"][0]["present"] == 3


def test_bad_mark_names_the_ballot_path() -> None:
    found = problems(MINIMAL.replace('"AF"', '"AX"'))
    assert len(found) == 1
    assert found[0].startswith("meeting.rounds[0].ballots[2].marks:")


def test_unknown_field_and_bad_enum_are_both_reported() -> None:
    text = MINIMAL.replace("{id: m2, name: 王二}", "{id: m2, name: 王二, status: retired, colour: red}")
    found = problems(text)
    assert "roster.members[1]: unknown field colour" in found
    assert any(p.startswith("roster.members[1].status: 'retired' is not one of full") for p in found)


def test_unknown_reference_is_named() -> None:
    found = problems(MINIMAL.replace("candidates: [m1, m2]", "candidates: [m1, m9]"))
    assert found == ["meeting.rounds[0].candidates[1]: unknown 候选人/candidate 'm9'"]


def test_duplicate_member_id_is_refused() -> None:
    found = problems(MINIMAL.replace("{id: m3, name: 李三}", "{id: m1, name: 李三}"))
    assert found == ["roster.members[2].id: duplicate 党员/member id 'm1'"]


def test_yaml_syntax_error_gives_line_and_column() -> None:
    found = problems("format: [unclosed\n")
    assert found[0].startswith("(line ")


def test_json_file_is_accepted(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "s.json"
    path.write_text(json.dumps(yaml.safe_load(MINIMAL), ensure_ascii=False), encoding="utf-8")
    assert load_path(path)["election"]["id"] == "t"


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_path(tmp_path / "nope.yaml")
    assert "file not found" in caught.value.problems[0].en


def test_published_schema_matches_the_code() -> None:
    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(SCHEMA))
