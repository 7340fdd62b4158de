"""Excel files the county's staff work in: the import template and the roster export."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from zhixuan.rules import people
from zhixuan.web.roster.columns import COLUMNS, SHEET_TITLES, Column

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    sheet.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = max(10, len(column.header) * 2 + 4)
    sheet.freeze_panes = "A2"


def _list_validation(sheet: Worksheet, columns: Sequence[Column], field: str, options: Iterable[str]) -> None:
    letter = next(sheet.cell(row=1, column=i).column_letter for i, c in enumerate(columns, 1) if c.field == field)
    rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
    sheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}20000")


def template(kind: str) -> bytes:
    """An empty roster of ``kind`` with headers, drop-down lists and a sheet of instructions."""
    columns = COLUMNS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLES[kind]
    _header(sheet, columns)
    if kind == "members":
        _list_validation(sheet, columns, "status", people.STATUS_ZH.values())
        _list_validation(sheet, columns, "migrant", ("是", "否"))
        _list_validation(sheet, columns, "excusal_reason", people.REASON_ZH.values())
    notes = book.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    lines = [
        "红色表头为必填列；第一张工作表的第一行是表头，请勿修改表头。",
        "编号在本名册中不能重复。日期写成 2024-03-01。",
    ]
    if kind == "members":
        lines += [
            "党员状态：" + "、".join(people.STATUS_ZH.values()) + "。只有正式党员有选举权 (P1)。",
            "外出务工：是 / 否。外出务工党员不属于请假情形，计入应到会人数 (P2)。",
            "请假原因只能是：" + "、".join(people.REASON_ZH.values()) + " (P2)。",
            "已批准的请假须同时填写批准人和批准日期；未填写的视为待批准，仍计入应到会人数。",
        ]
    else:
        lines.append("群众代表人数不得超过应到会党员人数的 30%（或本次选举设定的比例）(P4)。")
    lines.append("有任何错误的文件将整体退回，并逐行列出错误；不会部分导入。")
    for line in lines:
        notes.append([line])
    return _save(book)


def export(kind: str, rows: Iterable[Sequence[object]]) -> bytes:
    """The roster of ``kind`` in the import layout, so an export can be edited and re-imported."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLES[kind]
    _header(sheet, COLUMNS[kind])
    for row in rows:
        sheet.append(list(row))
    return _save(book)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
