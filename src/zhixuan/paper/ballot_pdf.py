"""A round's paper ballot as an A4 PDF, drawn exactly on ``layout.ballot_layout``'s geometry.

Every choice is a box (赞成 / 不赞成 / 弃权), so picking up a pen reveals nothing; four solid
registration marks and a vector QR code (election, round, ballot style — never a serial, S1)
let a scanner map the sheet back onto the layout.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from zhixuan.paper.fonts import register_font
from zhixuan.paper.layout import (
    CHOICE_CENTRES,
    CHOICE_ZH,
    CHOICES,
    MARGIN,
    PAGE_H,
    PAGE_W,
    TABLE_TOP,
    BallotLayout,
    Choice,
    Rect,
)

INSTRUCTIONS = (
    "1. 对每位候选人，在“赞成”“不赞成”“弃权”三格中选一格划“√”；不划视为弃权。",
    "2. 不赞成某位候选人的，可以在“另选他人”栏写上另选人的姓名，并在其后“赞成”格内划“√”。",
    "3. 划“赞成”的人数（含另选他人）多于应选人数的，本票无效。请用黑色或蓝色笔填写，不得涂改。",
)


def _y(top_mm: float) -> float:
    """ReportLab's origin is bottom-left; the layout's is top-left."""
    return (PAGE_H - top_mm) * mm


def _rect(c: Canvas, r: Rect, *, fill: bool = False, width: float = 0.8) -> None:
    c.setLineWidth(width)
    c.rect(r.x * mm, _y(r.y + r.h), r.w * mm, r.h * mm, stroke=1, fill=1 if fill else 0)


def _qr(c: Canvas, payload: str, box: Rect) -> None:
    # Drawn module by module as vector squares: sharp at any scanner resolution.
    matrix = segno.make(payload, error="m", micro=False).matrix
    size = len(matrix)
    module = box.w / size
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                c.rect(
                    (box.x + col * module) * mm,
                    _y(box.y + (row + 1) * module),
                    module * mm,
                    module * mm,
                    stroke=0,
                    fill=1,
                )


def render_ballot(
    layout: BallotLayout,
    *,
    subtitle: str | None = None,
    instructions: Sequence[str] = INSTRUCTIONS,
    choice_labels: Mapping[Choice, str] = CHOICE_ZH,
    name_header: str = "候选人姓名",
) -> bytes:
    """The ballot as PDF bytes. The keywords reword a ballot on the same geometry (a recall vote's
    同意罢免 / 不同意罢免 / 弃权); by default it is a round's election ballot."""
    font = register_font()
    spec = layout.spec
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(spec.title)
    c.setAuthor("zhixuan")

    for fiducial in layout.fiducials:
        _rect(c, fiducial, fill=True, width=0)
    _qr(c, layout.qr_payload, layout.qr)

    c.setFont(font, 20)
    c.drawCentredString(PAGE_W / 2 * mm, _y(32), spec.title)
    c.setFont(font, 12)
    c.drawCentredString(
        PAGE_W / 2 * mm,
        _y(42),
        subtitle or f"{spec.position}　应选 {spec.seats} 名　候选人 {len(spec.candidates)} 名（按姓氏笔画为序）",
    )
    c.setFont(font, 9)
    for i, line in enumerate(instructions):
        c.drawString((MARGIN + 8) * mm, _y(54 + i * 5.5), line)

    header_centre = TABLE_TOP + layout.row_height / 2 + 1.5
    c.setFont(font, 11)
    c.drawString((MARGIN + 10) * mm, _y(header_centre), name_header)
    for choice, cx in zip(CHOICES, CHOICE_CENTRES, strict=True):
        c.drawCentredString(cx * mm, _y(header_centre), choice_labels[choice])
    c.setLineWidth(0.4)
    left, right = (MARGIN + 6) * mm, (PAGE_W - MARGIN - 6) * mm
    c.line(left, _y(TABLE_TOP), right, _y(TABLE_TOP))
    for row in layout.rows:
        top = row.name_box.y
        c.setLineWidth(0.4)
        c.line(left, _y(top), right, _y(top))
        baseline = top + row.name_box.h / 2 + 2.0
        if row.kind == "candidate":
            c.setFont(font, 14)
            c.drawString((MARGIN + 10) * mm, _y(baseline), row.label)
        else:
            c.setFont(font, 9)
            c.drawString((MARGIN + 10) * mm, _y(baseline), "另选他人：")
            c.setLineWidth(0.6)
            c.line((MARGIN + 30) * mm, _y(baseline + 1), (CHOICE_CENTRES[0] - 16) * mm, _y(baseline + 1))
        for box in row.boxes.values():
            _rect(c, box, width=1.0)
    bottom = layout.rows[-1].name_box.y + layout.row_height
    c.setLineWidth(0.4)
    c.line(left, _y(bottom), right, _y(bottom))
    c.setFont(font, 8)
    c.drawCentredString(PAGE_W / 2 * mm, _y(bottom + 6), f"选票样式 {spec.style}　本票不编号、不记名")
    c.showPage()
    c.save()
    return out.getvalue()
