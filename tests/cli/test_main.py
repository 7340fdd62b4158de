"""`zhixuan run` exit codes and output forms: 0 complete, 3 needs input, 2 invalid file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhixuan.cli.main import main

FILE = """
format: zhixuan-scenario/1
election: {id: t, title: 测试镇, preset: three-round}
positions: [{id: secretary, name: 党委书记, kind: secretary, seats: 1}]
roster:
  members: [{id: m1, name: 王煦}, {id: m2, name: 张孝菊}, {id: m3, name: 侯建中}, {id: m4, name: 李明}]
meeting:
  rounds:
    - position: secretary
      candidates: [m1, m2]
      present: 4
      ballots: [{for: [m1]}, {for: [m1]}, {for: [m1]}, {for: [m2]}]
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_complete_run_prints_chinese_report_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(write(tmp_path, FILE))]) == 0
    out = capsys.readouterr().out
    assert "王煦 当选：赞成 3 > 实到会 4 的一半 (M7)" in out
    assert "✓ 全部步骤已完成" in out


def test_english_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(write(tmp_path, FILE)), "--lang", "en"]) == 0
    assert "All steps complete" in capsys.readouterr().out


def test_json_output_lists_winners_and_rule_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(write(tmp_path, FILE)), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["outcome"]["elected"] == {"secretary": ["m1"]}
    assert {d["rule"] for d in payload["decisions"]} >= {"P2", "M1", "M6", "M7"}


def test_no_majority_needs_input_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 2 : 2 of 4 present: nobody over half, so a supplementary vote is needed (M9, M10).
    split = FILE.replace("{for: [m1]}, {for: [m2]}]", "{for: [m2]}, {for: [m2]}]")
    assert main(["run", str(write(tmp_path, split))]) == 3
    assert "需要补充输入" in capsys.readouterr().out


def test_invalid_file_exits_2_and_names_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = FILE.replace("present: 4", "present: -1")
    assert main(["run", str(write(tmp_path, bad))]) == 2
    err = capsys.readouterr().err
    assert "meeting.rounds[0].present" in err


def test_directory_runs_every_file_and_worst_exit_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, FILE, "a.yaml")
    write(tmp_path, FILE.replace("present: 4", "present: 2"), "b.yaml")
    assert main(["run", str(tmp_path), "--json"]) == 3
    payload = json.loads(capsys.readouterr().out)
    assert [p["status"] for p in payload] == ["complete", "needs_input"]


def test_lot_draw_and_verify_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    secret = "00112233445566778899aabbccddeeff"
    args = ["--secret", secret, "--entropy", "3-1-6", "--label", "speech", "a", "b", "c", "d"]
    assert main(["lot", "draw", *args]) == 0
    order = [line.split(". ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert sorted(order) == ["a", "b", "c", "d"]
    assert main(["lot", "verify", *args, "--order", ",".join(order)]) == 0
    assert main(["lot", "verify", *args, "--order", ",".join(reversed(order))]) == 1
