"""The announcement (N1) as an A4 PDF: text extractable, pages render in poppler."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.test import Client
from PIL import Image
from web_helpers import SCREENSHOTS, require_tool

from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections.actions import do_publish_announcement


def fetch_pdf(election: Any, county_admin: Any, tmp_path: Path) -> Path:
    do_publish_announcement(county_admin, election=election)
    response = Client().get(f"/public/elections/{election.pk}/announcement.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "announcement.pdf"
    path.write_bytes(response.content)
    return path


def test_n1_pdf_text_is_extractable(election: Any, county_admin: Any, tmp_path: Path) -> None:
    require_tool(shutil.which("pdftotext"), "poppler-utils (pdftotext)")
    pdf = fetch_pdf(election, county_admin, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    for expected in (
        "测试县清泉镇党委领导班子公推直选公告",
        "党委副书记",
        "2名",
        "中共正式党员，党员权利正常",
        "发展村级集体经济",
        "2026年3月2日",
        chain_head(election.audit_chain)[:40],
    ):
        assert expected in compact, expected
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info


def test_n1_pdf_renders_as_a_page(election: Any, county_admin: Any, tmp_path: Path) -> None:
    require_tool(shutil.which("pdftoppm"), "poppler-utils (pdftoppm)")
    pdf = fetch_pdf(election, county_admin, tmp_path)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOTS / "announcement-pdf-page1.png")
    with Image.open(png) as image:
        gray = image.convert("L")
        dark = sum(gray.histogram()[:128])
        # Glyphs were drawn (a missing CJK font leaves the page nearly blank) yet most of it is paper.
        assert 0.005 < dark / (gray.width * gray.height) < 0.3
        assert abs(gray.width / gray.height - 210 / 297) < 0.01
