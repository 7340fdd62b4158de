"""Uploaded scanner output → one reading per sheet (no database here; ``actions.do_upload_scans`` stores).

A file is a JPEG or PNG image of one sheet, or a multi-page PDF (each page rasterised by poppler). Each
sheet is read by ``zhixuan.scan.reader.read_sheet`` against the round's printed ballot; the SHA-256 of
the image read (the file itself, or the rasterised page) lets the same image be refused when uploaded
again.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhixuan.scan.files import pdf_pages
from zhixuan.scan.reader import ExpectedBallot, SheetReading, read_sheet

PDF_DPI = 150  # the reader works at ~100 dpi; 150 keeps the QR code crisp and the pages small
JPEG_QUALITY = 80
REFUSED_WIDTH = 1000  # px: a refused sheet is kept as scanned, reduced, so people can find it
MAX_PAGES = 2000  # per upload: far above a township's ballots for one round


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass
class Page:
    """One sheet of an upload as read."""

    file_index: int  # from 1, in the order the files were chosen
    file_name: str
    page: int  # from 1 within a PDF; 1 for an image
    pages: int  # pages in its file
    sha256: str
    reading: SheetReading
    image: bytes  # JPEG: the annotated page, or the sheet as scanned when refused

    @property
    def where(self) -> str:
        if self.pages > 1:
            return _("第 %(f)s 个文件（%(name)s）第 %(p)s 页") % {
                "f": self.file_index,
                "name": self.file_name,
                "p": self.page,
            }
        return _("第 %(f)s 个文件（%(name)s）") % {"f": self.file_index, "name": self.file_name}


@dataclass(frozen=True)
class FileInfo:
    index: int
    name: str
    sha256: str
    kind: str
    pages: int


def kind_of(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    return None


def check_files(files: Sequence[Upload]) -> list[FileInfo]:
    """Each file's kind and fingerprint; ``ValidationError`` naming the first file that is not a scan."""
    if not files:
        raise ValidationError(_("请选择要上传的扫描文件（JPEG、PNG 图像或多页 PDF）"))
    infos: list[FileInfo] = []
    for i, f in enumerate(files, start=1):
        if not f.data:
            raise ValidationError(_("第 %(i)s 个文件（%(name)s）是空文件") % {"i": i, "name": f.name})
        kind = kind_of(f.data)
        if kind is None:
            raise ValidationError(
                _("第 %(i)s 个文件（%(name)s）不是 JPEG、PNG 图像或 PDF 文件，请上传扫描仪输出的图像或 PDF")
                % {"i": i, "name": f.name}
            )
        infos.append(FileInfo(i, f.name, hashlib.sha256(f.data).hexdigest(), kind, 1))
    return infos


def _kept_image(reading: SheetReading, data: bytes) -> bytes:
    if reading.annotated is not None:
        ok, jpg = cv2.imencode(".jpg", reading.annotated, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        return jpg.tobytes() if ok else b""
    gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        return b""
    if gray.shape[1] > REFUSED_WIDTH:
        size = (REFUSED_WIDTH, round(gray.shape[0] * REFUSED_WIDTH / gray.shape[1]))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    ok, jpg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return jpg.tobytes() if ok else b""


def read_files(files: Sequence[Upload], expected: ExpectedBallot) -> tuple[list[FileInfo], list[Page]]:
    """Read every sheet of ``files`` against the round's ballot (a sheet of another round is refused)."""
    infos = check_files(files)
    pages: list[Page] = []
    out_infos: list[FileInfo] = []
    spec = expected.layout.spec
    for info, f in zip(infos, files, strict=True):
        if info.kind != "pdf":
            items = [(1, f.data)]
        else:
            with tempfile.TemporaryDirectory(prefix="zhixuan-upload-") as tmp:
                path = Path(tmp) / "scan.pdf"
                path.write_bytes(f.data)
                try:
                    items = list(pdf_pages(path, PDF_DPI))
                except (ValueError, OSError, subprocess.SubprocessError):  # a damaged or foreign file
                    raise ValidationError(
                        _("第 %(i)s 个文件（%(name)s）无法作为 PDF 读取，请检查文件是否完整")
                        % {"i": info.index, "name": f.name}
                    ) from None
            if not items:
                raise ValidationError(_("第 %(i)s 个文件（%(name)s）没有页面") % {"i": info.index, "name": f.name})
        if len(pages) + len(items) > MAX_PAGES:
            raise ValidationError(_("一次最多上传 %(n)s 张选票，请分批上传") % {"n": MAX_PAGES})
        out_infos.append(FileInfo(info.index, info.name, info.sha256, info.kind, len(items)))
        for number, data in items:
            reading = read_sheet(data, expected, election=spec.election, round_key=spec.round_key)
            image = _kept_image(reading, data)
            reading.annotated = None  # the JPEG is kept; the full-size array would add up over hundreds of pages
            pages.append(
                Page(
                    file_index=info.index,
                    file_name=f.name,
                    page=number,
                    pages=len(items),
                    sha256=hashlib.sha256(data).hexdigest(),
                    reading=reading,
                    image=image,
                )
            )
    return out_infos, pages
