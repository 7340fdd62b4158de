"""The PDF ballot as a user and a scanner see it: rendered by poppler, marks where the layout says."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from zhixuan.paper.ballot_pdf import render_ballot
from zhixuan.paper.layout import BallotSpec, ballot_layout

DPI = 100
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ballots"


def rasterise(pdf: bytes) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm missing: run scripts/test-tools.sh (poppler-utils)")
    png = subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-"], input=pdf, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def px(mm_value: float) -> int:
    return round(mm_value / 25.4 * DPI)


def darkness(image: Image.Image, x_mm: float, y_mm: float, reach: int = 0) -> int:
    """Darkest pixel within ``reach`` pixels of the point (a thin line may fall between pixels)."""
    x, y = px(x_mm), px(y_mm)
    window = image.crop((x - reach, y - reach, x + reach + 1, y + reach + 1))
    return 255 - int(window.getextrema()[0])


def test_printed_ballot_matches_its_layout() -> None:
    spec = BallotSpec(
        "lingshan-2023",
        "r3-member",
        "A",
        "灵山乡党委委员选举票",
        "党委委员",
        4,
        ("于敏", "田军", "许静", "邓海波", "董小红"),
        2,
    )
    layout = ballot_layout(spec)
    pdf = render_ballot(layout)
    assert pdf.startswith(b"%PDF")
    image = rasterise(pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / "ballot-r3-member.png")
    assert abs(image.size[0] - px(210)) <= 1 and abs(image.size[1] - px(297)) <= 1
    for fiducial in layout.fiducials:  # solid registration marks
        assert darkness(image, *fiducial.centre) > 200
    for row in layout.rows:
        for box in row.boxes.values():
            assert darkness(image, *box.centre) < 20  # empty inside
            assert darkness(image, box.x, box.y + box.h / 2, reach=2) > 100  # the drawn border
    # No serial number: two ballots of the same round are byte-for-byte the same picture.
    assert rasterise(render_ballot(layout)).tobytes() == image.tobytes()
