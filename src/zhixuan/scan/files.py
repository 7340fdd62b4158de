"""Files around scanning: the ballot description a round printed, scanner output (folders, PDFs), annotated images."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2

from zhixuan.paper.layout import BallotSpec, ballot_layout
from zhixuan.scan.reader import ExpectedBallot, SheetReading

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}


def expected_to_json(expected: ExpectedBallot) -> dict[str, Any]:
    spec = expected.layout.spec
    return {
        "election": spec.election,
        "round": spec.round_key,
        "style": spec.style,
        "title": spec.title,
        "position": spec.position,
        "seats": spec.seats,
        "candidates": [{"id": i, "name": n} for i, n in zip(expected.candidate_ids, spec.candidates, strict=True)],
        "write_in_rows": spec.write_in_rows,
    }


def expected_from_json(data: dict[str, Any]) -> ExpectedBallot:
    """The printed ballot from its description; candidates as ``[{"id", "name"}]`` in ballot order."""
    try:
        candidates = data["candidates"]
        ids = tuple(str(c["id"]) if isinstance(c, dict) else str(c) for c in candidates)
        names = tuple(str(c.get("name", c["id"])) if isinstance(c, dict) else str(c) for c in candidates)
        spec = BallotSpec(
            election=str(data["election"]),
            round_key=str(data["round"]),
            style=str(data.get("style", "A")),
            title=str(data.get("title", "")),
            position=str(data.get("position", "")),
            seats=int(data["seats"]),
            candidates=names,
            write_in_rows=int(data.get("write_in_rows", 0)),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"ballot description lacks {exc}") from None
    return ExpectedBallot(ballot_layout(spec), ids)


def load_expected(path: Path) -> list[ExpectedBallot]:
    """One ballot description or a list of them (several styles or rounds) from a JSON file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    return [expected_from_json(item) for item in items]


def iter_pages(path: Path, dpi: int = 200) -> Iterator[tuple[str, Path]]:
    """``(name, image file)`` for each sheet: the images of a folder in name order, or each page of a PDF."""
    if path.is_dir():
        for item in sorted(path.iterdir()):
            if item.suffix.lower() in IMAGE_SUFFIXES:
                yield item.name, item
        return
    if path.suffix.lower() == ".pdf":
        if shutil.which("pdftoppm") is None:
            raise RuntimeError("pdftoppm (poppler-utils) is needed to read a scanned PDF")
        with tempfile.TemporaryDirectory(prefix="zhixuan-scan-") as tmp:
            # Uncompressed TIFF: lossless and quick to write and read back.
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-tiff", str(path), f"{tmp}/page"], check=True)
            for page in sorted(Path(tmp).iterdir()):
                yield f"{path.stem}-p{page.stem.rsplit('-', 1)[-1]}", page
        return
    yield path.name, path


def write_annotated(reading: SheetReading, out_dir: Path, name: str) -> Path | None:
    """The sheet as read, boxes outlined by class, kept for the scrutineers and the record."""
    if reading.annotated is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{Path(name).stem}.read.jpg"
    cv2.imwrite(str(target), reading.annotated, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return target
