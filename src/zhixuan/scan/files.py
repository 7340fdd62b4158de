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


def pdf_page_count(path: Path) -> int:
    """Pages of a PDF (poppler's pdfinfo); ValueError when it is not a readable PDF."""
    if shutil.which("pdfinfo") is None:
        raise RuntimeError("pdfinfo (poppler-utils) is needed to read a scanned PDF")
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, errors="replace")
    for line in done.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    raise ValueError(done.stderr.strip() or "not a PDF")


def pdf_pages(path: Path, dpi: int = 150, chunk: int = 16) -> Iterator[tuple[int, bytes]]:
    """``(page number from 1, TIFF bytes)`` of each page of a scanned PDF, rasterised a few pages at a time
    so a long scan never fills the disk. The bytes are the same for the same PDF (a page's fingerprint)."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed to read a scanned PDF")
    total = pdf_page_count(path)
    with tempfile.TemporaryDirectory(prefix="zhixuan-scan-") as tmp:
        for first in range(1, total + 1, chunk):
            last = min(total, first + chunk - 1)
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    str(dpi),
                    "-gray",
                    "-tiff",
                    "-f",
                    str(first),
                    "-l",
                    str(last),
                    str(path),
                    f"{tmp}/p",
                ],
                check=True,
                capture_output=True,
            )
            pages = sorted(Path(tmp).iterdir(), key=lambda p: int(p.stem.rsplit("-", 1)[-1]))
            for page in pages:
                yield int(page.stem.rsplit("-", 1)[-1]), page.read_bytes()
                page.unlink()
