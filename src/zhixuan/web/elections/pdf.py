"""The announcement (N1) as a printable A4 PDF, with the embedded CJK font of ``zhixuan.paper.fonts``."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhixuan.paper.fonts import register_font
from zhixuan.web.elections.selectors import condition_lines


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=4 * mm),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, textColor=colors.grey, alignment=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=13),
        "sign": ParagraphStyle("sign", parent=base, alignment=2),
    }


def _d(text: str | None) -> str:
    if not text:
        return "—"
    day = date.fromisoformat(text)
    return f"{day.year}年{day.month}月{day.day}日"


def announcement_pdf(snapshot: dict[str, Any], *, chain_head: str) -> bytes:
    """Render a published announcement snapshot (see ``selectors.announcement_snapshot``)."""
    font = register_font()
    st = _styles(font)
    published = datetime.fromisoformat(snapshot["published_at"])
    story: list[Any] = [
        Paragraph(escape(f"{snapshot['county']}{snapshot['township']}党委领导班子公推直选公告"), st["title"]),
        Paragraph(escape(snapshot["title"]), st["meta"]),
        Paragraph(escape(f"程序：{snapshot['preset_zh']}　发布时间：{published:%Y年%m月%d日 %H:%M}"), st["meta"]),
        Spacer(1, 4 * mm),
        Paragraph("一、职位和职数", st["h2"]),
    ]
    rows = [[Paragraph("职位", st["cell"]), Paragraph("职数", st["cell"])]]
    rows += [
        [Paragraph(escape(p["title"]), st["cell"]), Paragraph(f"{p['seats']} 名", st["cell"])]
        for p in snapshot["positions"]
    ]
    rows.append(
        [
            Paragraph("合计", st["cell"]),
            Paragraph(f"{sum(p['seats'] for p in snapshot['positions'])} 名", st["cell"]),
        ]
    )
    story.append(_table(rows, [110 * mm, 50 * mm]))
    story.append(Paragraph("二、资格条件", st["h2"]))
    lines = condition_lines(snapshot["conditions"], snapshot["positions"])
    story += [Paragraph(escape(f"{i}. {text}"), st["body"]) for i, text in enumerate(lines, 1)]
    story.append(Paragraph("三、工作目标", st["h2"]))
    story += [Paragraph(escape(f"{i}. {t}"), st["body"]) for i, t in enumerate(snapshot["work_targets"], 1)]
    story.append(Paragraph("四、选拔程序和时间安排", st["h2"]))
    rows = [[Paragraph(h, st["cell"]) for h in ("序号", "阶段", "开始", "结束")]]
    rows += [
        [
            Paragraph(str(i), st["cell"]),
            Paragraph(escape(s["title"]), st["cell"]),
            Paragraph(_d(s["starts_on"]), st["cell"]),
            Paragraph(_d(s["ends_on"]), st["cell"]),
        ]
        for i, s in enumerate(snapshot["stages"], 1)
    ]
    story.append(_table(rows, [15 * mm, 75 * mm, 35 * mm, 35 * mm]))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph(escape(f"{snapshot['county']}委组织部　{snapshot['township']}党委"), st["sign"]))
    story.append(Paragraph(f"{published.year}年{published.month}月{published.day}日", st["sign"]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(f"审计链头（S2）：{chain_head}"), st["meta"]))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=f"{snapshot['township']}公推直选公告",
        author=f"{snapshot['county']}委组织部",
    )
    doc.build(story)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
