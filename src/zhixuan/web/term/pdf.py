"""PDFs of the annual review: the paper rating form (one page per rater group) and the county's results."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhixuan.paper.fonts import register_font
from zhixuan.rules.decision import percent
from zhixuan.rules.settings import preset_settings
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections.models import Election
from zhixuan.web.term import selectors
from zhixuan.web.term.models import ReviewSession


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=1, spaceAfter=2 * mm),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, textColor=colors.grey, alignment=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444")),
    }


def _grid(font: str) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ]
    )


BOX = "□"


def rating_form_pdf(election: Election, session: ReviewSession) -> bytes:
    """A4, one form per rater group: per leader and scale, a box per grade to tick. No serial, no name (S1)."""
    with translation.override("zh-hans"):
        font = register_font()
        st = _styles(font)
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm)
        story: list[Any] = []
        leaders = list(session.leaders.order_by("order"))
        groups = list(session.groups.order_by("order"))
        rules = preset_settings(election.preset, election.overrides)
        limit = rules.incompetent_above
        for n, group in enumerate(groups):
            if n:
                story.append(PageBreak())
            story.append(
                Paragraph(escape(f"{election.township.name}领导班子成员 {session.year} 年度述职测评表"), st["title"])
            )
            story.append(Paragraph(escape(f"测评组：{group.name}　（无记名，请勿署名）　规则 A2"), st["meta"]))
            story.append(Spacer(1, 4 * mm))
            for scale in session.scales:
                grades = selectors.SCALE_GRADES[scale]
                label = "满意度测评" if scale == "satisfaction" else "称职度测评"
                story.append(Paragraph(escape(label), st["h2"]))
                rows: list[list[Any]] = [["姓名", "职务", *[str(selectors.GRADE_LABELS[g]) for g in grades]]]
                for leader in leaders:
                    rows.append([leader.name, leader.position_label, *[BOX for _ in grades]])
                widths = [32 * mm, 36 * mm] + [(178 - 68) / len(grades) * mm] * len(grades)
                table = Table(rows, colWidths=widths, rowHeights=[8 * mm] + [10 * mm] * len(leaders))
                style = _grid(font)
                style.add("FONTSIZE", (2, 1), (-1, -1), 16)
                style.add("ALIGN", (2, 0), (-1, -1), "CENTER")
                table.setStyle(style)
                story.append(table)
            story.append(Spacer(1, 5 * mm))
            story.append(
                Paragraph(
                    escape(
                        "填写说明：每人每项只在一个方框内打“√”；多选或不选的，该项不计入。"
                        f"满意+基本满意低于 {percent(rules.warning_below)} 的应诫勉谈话，"
                        f"低于 {percent(rules.recall_proposal_below)} 的可提出罢免；"
                        f"不称职超过 {limit.numerator}/{limit.denominator} 的应组织调整（A2）。"
                    ),
                    st["small"],
                )
            )
        doc.build(story)
        return out.getvalue()


def results_pdf(election: Election) -> bytes:
    """The county's copy: every closed year's results with the core's A2 decisions, and the A1 reviews."""
    with translation.override("zh-hans"):
        font = register_font()
        st = _styles(font)
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm)
        story: list[Any] = [
            Paragraph(escape(f"{election.township.name}领导班子任期承诺与年度测评"), st["title"]),
            Paragraph(escape(f"{election.title} · 审计链头 {chain_head(election.audit_chain)[:16]}…"), st["meta"]),
        ]
        page = selectors.commitment_page(election)
        if page.commitment is not None:
            story.append(Paragraph(escape(f"任期目标承诺（{page.commitment.leader_name}，A1）"), st["h2"]))
            rows: list[list[Any]] = [["#", "目标", *[str(y) for y in page.years]]]
            for n, row in enumerate(page.grid, start=1):
                cells = [str(r.get_status_display()) if r else "—" for r in row["cells"]]
                rows.append([str(n), Paragraph(escape(row["item"].text), st["cell"]), *cells])
            width = 180 - 8 - 18 * len(page.years)
            table = Table(rows, colWidths=[8 * mm, width * mm, *[18 * mm] * len(page.years)], hAlign="LEFT")
            table.setStyle(_grid(font))
            story.append(table)
            story.append(Spacer(1, 2 * mm))
            for d in page.decisions:
                story.append(Paragraph(escape(f"[{d.rule}] {d.zh}"), st["small"]))
        for result in selectors.rating_results(election):
            story.append(
                Paragraph(
                    escape(f"{result.year} 年 · {result.name} · {selectors.SCALE_LABELS[result.scale]}"), st["h2"]
                )
            )
            head = ["测评组", "权重", *[str(x) for x in result.grade_labels], "有效票"]
            rows = [head]
            for g in result.groups:
                rows.append(
                    [
                        g.name,
                        g.weight_text,
                        *[f"{c}（{t}）" for c, t in zip(g.counts, g.rate_texts, strict=True)],
                        str(g.total),
                    ]
                )
            rows.append(["加权", "1", *result.weighted_texts, ""])
            table = Table(rows, hAlign="LEFT")
            style = _grid(font)
            style.add("FONTSIZE", (0, 0), (-1, -1), 8.5)
            table.setStyle(style)
            story.append(table)
            story.append(Spacer(1, 1.5 * mm))
            for d in result.decisions:
                color = "#b3261e" if d.facts.get("flagged") is True else "#333333"
                story.append(Paragraph(f'<font color="{color}">{escape(f"[{d.rule}] {d.zh}")}</font>', st["small"]))
        doc.build(story)
        return out.getvalue()
