"""The result report (选举结果报告单, M11) as an A4 PDF with the embedded CJK font.

Everything printed comes from the frozen report content (the core's run when the report was made),
the audit chain head frozen with it (S2), the scrutineers' signatures and the county's approval.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhixuan.paper.fonts import register_font

KIND_ZH = {"regular": "正式选举", "revote": "并列重新投票", "supplementary": "另行选举", "rerun": "重新投票"}
ROLE_ZH = {"scrutineer": "监票人", "chief_scrutineer": "总监票人"}
# The settings a reader of the report most needs to check the decisions (rules.md: the report
# states which values were in force); the full set is in the frozen content.
SETTINGS_ZH = {
    "quorum_fraction": "法定人数比例 (M1)",
    "quorum_strict": "须超过该比例 (M1)",
    "threshold_base": "过半数的基数 (M7)",
    "unclear_mark": "看不清的标记 (M5)",
    "cascade": "落选者可参加下一轮 (M3)",
    "allow_empty_seats": "允许缺额 (M9)",
    "competitive_extra": "差额比例 (C1)",
}


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=2 * mm),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, textColor=colors.grey, alignment=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=19, spaceBefore=4 * mm, spaceAfter=1.5 * mm),
        "h3": ParagraphStyle("h3", parent=base, fontSize=10.5, leading=16, spaceBefore=2 * mm, spaceAfter=1 * mm),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12.5),
        "mono": ParagraphStyle("mono", parent=base, fontName="Courier", fontSize=8.5, leading=11),
    }


def _day(text: str | None) -> str:
    if not text:
        return "—"
    d = date.fromisoformat(text)
    return f"{d.year}年{d.month}月{d.day}日"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1e7e7")))
    table.setStyle(TableStyle(style))
    return table


def result_report_pdf(
    content: dict[str, Any],
    *,
    chain_head: str,
    created_at: datetime,
    signatures: Sequence[tuple[str, str, datetime]],
    unsigned: Sequence[tuple[str, str]],
    submitted_at: datetime | None,
    approval: tuple[str, datetime, str] | None,
) -> bytes:
    """``signatures``: (name, role, signed at); ``unsigned``: (name, role); ``approval``: (ref, when, by)."""
    font = register_font()
    st = _styles(font)
    p = lambda text, style="cell": Paragraph(escape(str(text)), st[style])  # noqa: E731
    election, meeting = content["election"], content["meeting"]
    story: list[Any] = [
        Paragraph(escape(f"{election['township']}党委领导班子选举结果报告单"), st["title"]),
        Paragraph(escape(election["title"]), st["meta"]),
        Paragraph(
            escape(
                f"{meeting['title']}　会议日期：{_day(meeting.get('held_on'))}"
                + (f"　地点：{meeting['place']}" if meeting.get("place") else "")
            ),
            st["meta"],
        ),
        Spacer(1, 3 * mm),
        Paragraph("一、当选人名单（按姓氏笔画为序）<font size=8 color='#9b1c1c'> M11 C4</font>", st["h2"]),
    ]
    rows = [[p("职位"), p("应选"), p("当选人")]]
    for e in content["elected"]:
        rows.append([p(e["title"]), p(f"{e['seats']} 名"), p("、".join(e["names"]) or "—")])
    story.append(_grid(rows, [35 * mm, 18 * mm, 117 * mm]))

    story.append(Paragraph("二、到会情况<font size=8 color='#9b1c1c'> M1 M6</font>", st["h2"]))
    rows = [[p("轮次"), p("实到会"), p("发出"), p("收回"), p("有效"), p("无效")]]
    for r in content["rounds"]:
        for v in r["votes"]:
            rows.append(
                [
                    p(v["key"]),
                    p(v["present"] if v["present"] is not None else "—"),
                    p(v["issued"]),
                    p(v["collected"]),
                    p(v["valid"]),
                    p(v["invalid"]),
                ]
            )
    story.append(p(f"应到会 {content['expected']} 人（P2）。", "body"))
    story.append(Spacer(1, 1.5 * mm))
    story.append(_grid(rows, [60 * mm, 22 * mm, 22 * mm, 22 * mm, 22 * mm, 22 * mm]))

    story.append(Paragraph("三、各轮投票结果（按得票多少为序）<font size=8 color='#9b1c1c'> M11</font>", st["h2"]))
    for r in content["rounds"]:
        block: list[Any] = [Paragraph(escape(r["title_zh"]), st["h3"])]
        for v in r["votes"]:
            label = KIND_ZH.get(v["kind"], v["kind"])
            block.append(
                p(
                    f"{v['key']}（{label}，应选 {v['seats']} 名）：发出 {v['issued']}，收回 {v['collected']}，"
                    f"有效 {v['valid']}，无效 {v['invalid']}；当选：{'、'.join(v['winners']) or '无'}",
                    "small",
                )
            )
            rows = [[p(zh) for zh, _en in v["columns"]]]
            # The core marks a winner with ✓, which the embedded font lacks: print the word.
            rows += [[p("当选" if c == "✓" else c) for c in row] for row in v["rows"]]
            block.append(_grid(rows, [60 * mm, 25 * mm, 25 * mm, 25 * mm, 35 * mm]))
            block.append(Spacer(1, 1.5 * mm))
        story.append(KeepTogether(block))
        decisions = [
            Paragraph(f"· {escape(d['zh'])} <font color='#9b1c1c'>({d['rule']})</font>", st["small"])
            for d in r["decisions"]
        ]
        story.extend(decisions)

    story.append(Paragraph("四、适用的规则设置", st["h2"]))
    settings = content.get("settings", {})
    shown = [f"{label}：{settings[key]}" for key, label in SETTINGS_ZH.items() if key in settings]
    story.append(p("；".join(shown) + f"；程序：{election['preset']}。", "small"))

    story.append(Paragraph("五、审计链 (S2)", st["h2"]))
    story.append(p(f"报告单生成时间：{_when(created_at)}；生成时审计链链头：", "small"))
    story.append(Paragraph(escape(chain_head), st["mono"]))

    story.append(Paragraph("六、监票人签字 (M2 M11)", st["h2"]))
    rows = [[p("监票人"), p("职务"), p("系统签字时间"), p("手写签名")]]
    for name, role, when in signatures:
        rows.append([p(name), p(ROLE_ZH.get(role, role)), p(_when(when)), p("")])
    for name, role in unsigned:
        rows.append([p(name), p(ROLE_ZH.get(role, role)), p("未签字"), p("")])
    table = _grid(rows, [35 * mm, 28 * mm, 50 * mm, 57 * mm])
    table.setStyle(
        TableStyle([("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]), ("MINROWHEIGHT", (0, 1), (-1, -1), 10 * mm)])
    )
    story.append(table)

    story.append(Paragraph("七、报批与批复", st["h2"]))
    story.append(p(f"报县委组织部时间：{_when(submitted_at)}", "body"))
    if approval is None:
        story.append(p("县委批复：尚未批复", "body"))
    else:
        ref, when, by = approval
        story.append(p(f"县委批复：{ref}（{_when(when)}，录入人 {by}）", "body"))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{election['township']}选举结果报告单",
        author="zhixuan",
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(20 * mm, 9 * mm, f"审计链链头 {chain_head[:16]}…  第 {document.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
