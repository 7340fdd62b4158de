"""Reading scanned ballots back: exact counts, rotation, upside-down and foreign sheets, write-ins, doubtful marks.

Every sheet is a synthetic scan of the real ballot PDF with ground truth (``zhixuan.scan.synth``). The rule the
reader must keep: a confident reading (marked / blank) is always right; a doubtful mark comes out ambiguous and the
ballot goes to two tellers (adjudication) — never a guess.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

from zhixuan.cli.main import main
from zhixuan.scan.evaluate import Score
from zhixuan.scan.reader import SCALE, SheetReading, read_sheet
from zhixuan.scan.synth import CLEAN, Mix, SheetTruth, Synth, demo_expected, rasterise

EXPECTED = demo_expected("election-7", "r1-member", candidates=10, seats=5, write_in_rows=2)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "scan"


@pytest.fixture(scope="module")
def synth() -> Synth:
    return Synth(EXPECTED, seed=11, mix=CLEAN)


def read(jpg: bytes | np.ndarray) -> SheetReading:
    return read_sheet(jpg, EXPECTED)


def counts(ballots: list[dict[str, list[str]]]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {"for": Counter(), "against": Counter(), "unclear": Counter()}
    for ballot in ballots:
        for key in out:
            out[key].update(ballot[key])
    return out


def test_a_clean_set_reads_back_the_exact_counts(synth: Synth) -> None:
    readings, truths = [], []
    score = Score()
    for i in range(40):
        jpg, truth = synth.sheet(i)
        reading = read(jpg)
        score.add(reading, truth)
        readings.append(reading)
        truths.append(truth)
    assert [r.status for r in readings] == ["read"] * 40
    assert score.misread_boxes == 0 and score.wrong_ballots == 0
    assert score.boxes == 40 * 36  # 12 rows × 3 boxes
    read_counts = counts([r.ballot for r in readings if r.ballot])
    true_counts = counts([t.ballot for t in truths if t.ballot])
    assert read_counts == true_counts
    assert sum(read_counts["for"].values()) > 40  # a real set: most ballots carry several for-marks
    # The sheets came rotated, shifted and scaled; some upside down; the reading says which.
    assert [r.upside_down for r in readings] == [t.upside_down for t in truths]
    for r, t in zip(readings, truths, strict=True):
        assert r.rotation_deg == pytest.approx(t.rotation_deg, abs=0.1)


def _upright(synth: Synth, index: int) -> tuple[np.ndarray, SheetTruth]:
    flat = Synth(EXPECTED, seed=synth.seed, mix=Mix(max_rotation=0.0, p_upside_down=0.0, p_fold=0.0))
    jpg, truth = flat.sheet(index)
    return cv2.imdecode(np.frombuffer(jpg, np.uint8), cv2.IMREAD_GRAYSCALE), truth


def _rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderValue=240)


@pytest.mark.parametrize("degrees", [3.0, -3.0, 180.0, 183.0, 177.0])
def test_rotated_and_upside_down_sheets_read_the_same_ballot(synth: Synth, degrees: float) -> None:
    image, truth = _upright(synth, 5)
    assert truth.ballot is not None and truth.ballot["for"]
    reading = read(_rotate(image, degrees))
    assert reading.status == "read"
    assert reading.ballot == truth.ballot
    assert reading.upside_down is (abs(degrees) > 90)
    skew_clockwise = -((degrees + 90) % 180 - 90)  # the half turn apart
    assert reading.rotation_deg == pytest.approx(skew_clockwise, abs=0.1)


def test_a_sheet_of_another_election_or_round_is_refused_with_a_clear_message() -> None:
    other_round = demo_expected("election-7", "r2-member", candidates=10, seats=5, write_in_rows=2)
    other_election = demo_expected("election-9", "r1-member", candidates=10, seats=5, write_in_rows=2)
    jpg, _ = Synth(other_round, seed=2, mix=CLEAN).sheet(0)
    reading = read(jpg)
    assert reading.status == "refused"
    assert [r.code for r in reading.reasons] == ["foreign"]
    assert reading.reasons[0].zh == (
        "这张选票属于选举 election-7 的 r2-member 轮，不是本次读取的选举 election-7 的 r1-member 轮，拒收"
    )
    jpg, _ = Synth(other_election, seed=2, mix=CLEAN).sheet(1)
    reading = read(jpg)
    assert reading.status == "refused"
    assert "election-9" in reading.reasons[0].zh and "election-7" in reading.reasons[0].zh


def test_a_sheet_without_registration_marks_is_refused() -> None:
    blank = np.full((2339, 1654), 245, np.uint8)
    cv2.putText(blank, "not a ballot", (200, 800), cv2.FONT_HERSHEY_SIMPLEX, 4, 0, 8)
    reading = read(blank)
    assert reading.status == "refused"
    assert reading.reasons[0].code == "no_registration"
    assert reading.reasons[0].zh == "找不到四角定位标记，无法读取"


def test_ink_on_a_write_in_line_sends_the_ballot_to_adjudication() -> None:
    synth = Synth(EXPECTED, seed=4, mix=Mix(p_write_in=1.0, p_faint=0, p_erased=0, p_dot_in_box=0, p_double=0))
    for i in range(6):
        jpg, truth = synth.sheet(i)
        reading = read(jpg)
        assert reading.status == "adjudicate"
        assert reading.write_in_rows_with_ink == truth.write_in_rows
        assert "write_in" in [r.code for r in reading.reasons]
        assert reading.ballot is None and reading.proposed is not None
        assert reading.proposed["write_ins"] == []  # the tellers read the name; the scanner never guesses it
    row = truth.write_in_rows[0] + 1
    assert any(f"第 {row} 行（另选他人）有字迹" in r.zh for r in reading.reasons)


def test_faint_marks_are_ambiguous_and_erased_marks_never_read_as_marked() -> None:
    faint = Synth(EXPECTED, seed=5, mix=Mix(p_faint=1.0, p_erased=0, p_dot_in_box=0, p_double=0, p_write_in=0))
    erased = Synth(EXPECTED, seed=6, mix=Mix(p_faint=0, p_erased=1.0, p_dot_in_box=0, p_double=0, p_write_in=0))
    faint_status: Counter[str] = Counter()
    erased_status: Counter[str] = Counter()
    for source, tally in ((faint, faint_status), (erased, erased_status)):
        for i in range(12):
            jpg, truth = source.sheet(i)
            reading = read(jpg)
            doubtful = {(b.row, b.choice) for b in truth.boxes if b.doubtful}
            assert len(doubtful) == 1
            for box in reading.boxes:
                if (box.row, box.choice) in doubtful:
                    tally[box.status] += 1
                    if box.status == "ambiguous":
                        assert reading.status == "adjudicate"
                        assert "unclear" in reading.proposed and box.candidate in reading.proposed["unclear"]
    assert faint_status == Counter({"ambiguous": 12})  # a faint mark is never read as blank
    assert erased_status["marked"] == 0  # half-erased: ambiguous, or blank when the rubber did its job
    assert erased_status["ambiguous"] >= 3


def test_a_tiny_dot_in_a_box_is_never_a_mark() -> None:
    dots = Synth(EXPECTED, seed=8, mix=Mix(p_dot_in_box=1.0, p_faint=0, p_erased=0, p_double=0, p_write_in=0))
    statuses: Counter[str] = Counter()
    for i in range(10):
        jpg, truth = dots.sheet(i)
        reading = read(jpg)
        spot = next((b.row, b.choice) for b in truth.boxes if b.doubtful)
        statuses[next(b.status for b in reading.boxes if (b.row, b.choice) == spot)] += 1
    assert statuses["marked"] == 0
    assert statuses["ambiguous"] >= 5


def test_two_marks_in_one_row_go_to_the_tellers() -> None:
    synth = Synth(EXPECTED, seed=9, mix=Mix(p_double=1.0, p_faint=0, p_erased=0, p_dot_in_box=0, p_write_in=0))
    sent = 0
    for i in range(8):
        jpg, truth = synth.sheet(i)
        reading = read(jpg)
        if truth.expect == "adjudicate":
            assert reading.status == "adjudicate"
            assert "double" in [r.code for r in reading.reasons]
            sent += 1
    assert sent == 8


def test_a_hard_mixed_set_has_no_misread_mark() -> None:
    """Every kind of trouble at once, far more often than on real ballots."""
    mix = Mix(p_double=0.05, p_write_in=0.1, p_faint=0.15, p_erased=0.15, p_dot_in_box=0.15, p_upside_down=0.2)
    synth = Synth(EXPECTED, seed=12, mix=mix)
    score = Score()
    for i in range(80):
        jpg, truth = synth.sheet(i)
        score.add(read(jpg), truth)
    assert score.misread_boxes == 0
    assert score.wrong_ballots == 0
    assert score.wrong_status == 0
    assert score.ambiguous_clear_boxes == 0
    assert score.adjudicated_by_reader == 0  # only sheets made doubtful go to the tellers
    assert score.status["adjudicate"] == score.adjudicated_by_construction > 0


def test_the_same_seed_makes_the_same_sheet() -> None:
    a = Synth(EXPECTED, seed=21).sheet(7)
    b = Synth(EXPECTED, seed=21).sheet(7)
    assert a[0] == b[0] and a[1].to_json() == b[1].to_json()
    assert Synth(EXPECTED, seed=22).sheet(7)[0] != a[0]


def test_the_annotated_image_outlines_each_box_by_class(synth: Synth) -> None:
    jpg, truth = synth.sheet(3)
    reading = read(jpg)
    assert reading.annotated is not None
    assert reading.annotated.shape == (round(297 * SCALE), round(210 * SCALE), 3)  # the corrected, upright page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(ARTIFACTS / "annotated-sheet.jpg"), reading.annotated)
    marked = [b for b in reading.boxes if b.status == "marked"]
    assert marked and len(marked) == sum(1 for b in truth.boxes if b.marked)
    green = np.all(reading.annotated == (0, 150, 0), axis=2).sum()
    assert green > 100 * len(marked)


def test_cli_scans_a_folder_and_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheets = tmp_path / "sheets"
    assert main(["scan-synth", "--out", str(sheets), "--count", "6", "--seed", "3", "--foreign", "0.3", "--pdf"]) == 0
    truths = [json.loads(line) for line in (sheets / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    foreign = sum(1 for t in truths if t["expect"] == "refused")
    assert foreign >= 1
    capsys.readouterr()
    args = ["--election", "election-1", "--round", "r1-member", "--ballot", str(sheets / "ballot.json")]
    assert main(["scan", str(sheets), *args, "--out", str(tmp_path / "out"), "--json"]) == 1  # some refused
    result = json.loads(capsys.readouterr().out)
    assert result["sheets"] == 6
    assert result["refused"] == foreign
    assert result["read"] + result["adjudicate"] == 6 - foreign
    for detail, truth in zip(result["sheets_detail"], truths, strict=True):
        if truth["expect"] == "read" and detail["status"] == "read":
            assert detail["ballot"] == truth["ballot"]
    assert len(list((tmp_path / "out").glob("*.read.jpg"))) == 6 - foreign
    assert len(list((tmp_path / "out" / "refused").iterdir())) == foreign

    pdf_args = [str(sheets / "sheets.pdf"), *args, "--out", str(tmp_path / "pdf"), "--dpi", "100"]
    assert main(["scan", *pdf_args]) == 1
    out = capsys.readouterr().out
    assert f"共 6 张：已读取 {result['read']}，须裁定 {result['adjudicate']}，拒收 {foreign}" in out
    assert "拒收，" not in out and "不是本次读取的选举 election-1 的 r1-member 轮" in out


def test_cli_refuses_a_bad_ballot_description(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "ballot.json"
    bad.write_text(json.dumps({"election": "e", "round": "r"}), encoding="utf-8")
    assert main(["scan", str(tmp_path), "--election", "e", "--round", "r", "--ballot", str(bad)]) == 2
    assert "选票说明文件无效" in capsys.readouterr().err


@pytest.mark.parametrize("dpi", [150, 300])
def test_an_unmarked_ballot_straight_from_the_pdf_reads_as_all_abstain(dpi: int) -> None:
    reading = read(rasterise(EXPECTED.layout, dpi))
    assert reading.status == "read"
    assert reading.ballot == {"for": [], "against": [], "unclear": [], "write_ins": []}
    assert {b.status for b in reading.boxes} == {"blank"}
