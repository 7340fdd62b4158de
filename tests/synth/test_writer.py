"""Written scenario files load back to the same document, YAML or JSON, byte-identical per seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhixuan.scenario.loader import load_path
from zhixuan.synth import write_scenarios


def test_yaml_round_trip_gives_the_same_document(qingquan: dict[str, Any], tmp_path: Path) -> None:
    (path,) = write_scenarios([qingquan], tmp_path)
    assert path.name == "qingquan-seed003.yaml"
    assert load_path(path) == qingquan


def test_json_round_trip_gives_the_same_document(qingquan: dict[str, Any], tmp_path: Path) -> None:
    (path,) = write_scenarios([qingquan], tmp_path, fmt="json")
    assert path.suffix == ".json"
    assert load_path(path) == qingquan


def test_county_files_are_named_by_election_and_reload(county: list[dict[str, Any]], tmp_path: Path) -> None:
    paths = write_scenarios(county, tmp_path)
    assert [p.name for p in paths] == [f"county000-t{i:02d}.yaml" for i in range(1, 10)]
    assert [load_path(p) for p in paths] == county


def test_same_seed_writes_identical_bytes(qingquan: dict[str, Any], tmp_path: Path) -> None:
    a = write_scenarios([qingquan], tmp_path / "a")[0].read_bytes()
    b = write_scenarios([qingquan], tmp_path / "b")[0].read_bytes()
    assert a == b


def test_unknown_format_is_refused(qingquan: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write_scenarios([qingquan], tmp_path, fmt="xml")
