"""`zhixuan synth county|qingquan --seed N --out DIR` writes the files and says what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhixuan.cli.main import main
from zhixuan.scenario.loader import load_path


def test_synth_qingquan_writes_one_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "qingquan", "--seed", "3", "--out", str(tmp_path)]) == 0
    path = tmp_path / "qingquan-seed003.yaml"
    assert len(load_path(path)["roster"]["members"]) == 340
    out = capsys.readouterr().out
    assert str(path) in out
    assert "wrote 1 file(s)" in out


def test_synth_county_writes_nine_townships_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "county", "--seed", "0", "--out", str(tmp_path), "--json"]) == 0
    paths = sorted(tmp_path.glob("*.json"))
    assert [p.name for p in paths] == [f"county000-t{i:02d}.json" for i in range(1, 10)]
    assert sum(len(load_path(p)["roster"]["members"]) for p in paths) == 2901
    assert "wrote 9 file(s)" in capsys.readouterr().out
