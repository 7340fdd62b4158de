"""The county's Excel workbook of the annual reviews: a row per year, leader, scale and group; the A2 decisions."""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from zhixuan.web.elections.models import Election
from zhixuan.web.term import selectors


def results_workbook(election: Election) -> bytes:
    with translation.override("zh-hans"):
        book = Workbook()
        sheet = book.active
        sheet.title = "测评结果"
        grades = [g for scale in ("satisfaction", "competence") for g in selectors.SCALE_GRADES[scale]]
        sheet.append(
            [
                "年度",
                "姓名",
                "职务",
                "量表",
                "测评组",
                "权重",
                *[str(selectors.GRADE_LABELS[g]) for g in grades],
                "有效票",
                "A2 提示",
            ]
        )
        results = selectors.rating_results(election)
        for r in results:
            position = str(selectors.Leader(r.leader, r.name, r.position).position_label)
            scale = str(selectors.SCALE_LABELS[r.scale])
            flags = "、".join(str(selectors.FLAG_LABELS.get(f, f)) for f in r.flags) or "—"
            for g in r.groups:
                counts = dict(zip(r.grades, g.counts, strict=True))
                sheet.append(
                    [
                        r.year,
                        r.name,
                        position,
                        scale,
                        g.name,
                        g.weight_text,
                        *[counts.get(x, "") for x in grades],
                        g.total,
                        flags,
                    ]
                )
            weighted = dict(zip(r.grades, r.weighted_texts, strict=True))
            sheet.append(
                [r.year, r.name, position, scale, "加权", "1", *[weighted.get(x, "") for x in grades], "", flags]
            )
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        decisions = book.create_sheet("决定")
        decisions.append(["年度", "姓名", "量表", "规则", "代码", "说明"])
        for r in results:
            for d in r.decisions:
                decisions.append([r.year, r.name, str(selectors.SCALE_LABELS[r.scale]), d.rule, d.code, d.zh])
        commitment = selectors.commitment_page(election)
        if commitment.commitment is not None:
            a1 = book.create_sheet("任期目标承诺")
            a1.append(["编号", "目标", *[str(y) for y in commitment.years]])
            for row in commitment.grid:
                a1.append(
                    [
                        row["item"].key,
                        row["item"].text,
                        *[str(c.get_status_display()) if c else "" for c in row["cells"]],
                    ]
                )
            for d in commitment.decisions:
                a1.append(["", f"[{d.rule}] {d.zh}"])
        for ws in book.worksheets:
            ws.column_dimensions["B"].width = 28
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
