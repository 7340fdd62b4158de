"""The CJK TrueType font every printed document embeds.

ReportLab cannot embed Debian's CFF-based Noto CJK fonts, so a TrueType font is used:
WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``), or the file named by ``ZHIXUAN_PDF_FONT``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "ZhixuanCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class FontMissing(RuntimeError):
    """No TrueType CJK font found; install Debian's fonts-wqy-zenhei (scripts/test-tools.sh)."""


@cache
def register_font() -> str:
    configured = os.environ.get("ZHIXUAN_PDF_FONT")
    candidates = (configured,) if configured else FONT_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            pdfmetrics.registerFont(TTFont(FONT_NAME, candidate, subfontIndex=0))
            return FONT_NAME
    raise FontMissing("no CJK TrueType font: apt-get install fonts-wqy-zenhei")
