"""Reading and checking roster files (Excel .xlsx or CSV) before anything is written.

A file is checked whole; every problem is reported with its row (as the spreadsheet numbers
it, header = row 1), its column and why. Only a file without errors is imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from zhixuan.rules import people
from zhixuan.web.roster.columns import COLUMNS, NO, YES, Column

MAX_ROWS = 20000


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: about the whole file
    column: str  # header as in the file, or "" for the whole row / file
    zh: str
    en: str


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(Exception):
    """The file has errors; nothing was imported."""

    def __init__(self, errors: Sequence[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = list(errors)


def read_table(filename: str, data: bytes) -> tuple[list[list[object]], list[RowError]]:
    """Rows of the first sheet (Excel) or of the CSV, header row included."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            return [], [RowError(None, "", "无法读取该 Excel 文件", "cannot read this Excel file")]
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        return rows, []
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return [], [RowError(None, "", "无法识别 CSV 文件编码", "cannot decode the CSV file")]
        return [list(r) for r in csv.reader(io.StringIO(text))], []
    return [], [RowError(None, "", "仅支持 .xlsx 或 .csv 文件", "only .xlsx or .csv files are accepted")]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 1001 as 1001.0
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(_text(value))
    if not match:
        raise ValueError
    return date(int(match[1]), int(match[2]), int(match[3]))


_STATUS = {people.STATUS_ZH[s]: s.value for s in people.MemberStatus} | {s.value: s.value for s in people.MemberStatus}
_REASON = {people.REASON_ZH[r]: r.value for r in people.ExcusalReason} | {
    r.value: r.value for r in people.ExcusalReason
}


def _cell(column: Column, raw: object, row: int) -> tuple[object, RowError | None]:
    text = _text(raw)
    if not text:
        if column.required:
            return None, RowError(row, column.header, f"「{column.header}」不能为空", f"{column.en} is required")
        return ({"yes_no": False, "date": None}.get(column.kind, "")), None
    if column.kind == "date":
        try:
            return _date(raw), None
        except ValueError:
            return None, RowError(
                row,
                column.header,
                f"日期「{text}」无法识别，请写成 2024-03-01",
                f"date '{text}' not understood",
            )
    if column.kind == "yes_no":
        if text.upper() in YES:
            return True, None
        if text.upper() in NO:
            return False, None
        return None, RowError(row, column.header, f"「{text}」应为“是”或“否”", f"'{text}' must be 是 or 否")
    if column.kind == "status":
        if text in _STATUS:
            return _STATUS[text], None
        allowed = "、".join(people.STATUS_ZH.values())
        return None, RowError(
            row,
            column.header,
            f"党员状态「{text}」无效，应为：{allowed} (P1)",
            f"status '{text}' is not valid (P1)",
        )
    if column.kind == "reason":
        if text in _REASON:
            return _REASON[text], None
        return None, RowError(
            row,
            column.header,
            f"请假原因「{text}」不属于可不计入应到会人数的情形 (P2)",
            f"excusal reason '{text}' is not one of the excusable cases (P2)",
        )
    return text, None


def parse(kind: str, filename: str, data: bytes) -> ParsedFile:
    """Read and check a roster file of ``kind`` (``members`` or ``public_reps``)."""
    columns = COLUMNS[kind]
    out = ParsedFile()
    table, errors = read_table(filename, data)
    if errors:
        out.errors = errors
        return out
    if not table:
        out.errors.append(RowError(None, "", "文件为空", "the file is empty"))
        return out
    headers = [_text(h) for h in table[0]]
    by_header = {c.header: c for c in columns}
    for i, header in enumerate(headers):
        if header and header not in by_header:
            out.errors.append(
                RowError(1, header, f"未知的列「{header}」（第 {i + 1} 列）", f"unknown column '{header}'")
            )
    if len([h for h in headers if h]) != len({h for h in headers if h}):
        out.errors.append(RowError(1, "", "表头有重复的列", "duplicate column headers"))
    for column in columns:
        if column.required and column.header not in headers:
            out.errors.append(
                RowError(1, column.header, f"缺少必填列「{column.header}」", f"required column {column.en} missing")
            )
    if out.errors:
        return out
    index = {h: i for i, h in enumerate(headers) if h}
    data_rows = [(n, r) for n, r in enumerate(table[1:], start=2) if any(_text(v) for v in r)]
    if len(data_rows) > MAX_ROWS:
        out.errors.append(RowError(None, "", f"行数超过 {MAX_ROWS}", f"more than {MAX_ROWS} rows"))
        return out
    for number, raw in data_rows:
        values: dict[str, object] = {}
        for column in columns:
            cell = raw[index[column.header]] if column.header in index and index[column.header] < len(raw) else None
            value, error = _cell(column, cell, number)
            if error is not None:
                out.errors.append(error)
            values[column.field] = value
        out.rows.append((number, values))
    out.errors += _cross_checks(kind, out.rows)
    return out


def _cross_checks(kind: str, rows: Iterable[tuple[int, dict[str, object]]]) -> list[RowError]:
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    for number, values in rows:
        key = values.get("number")
        if key:
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        "编号",
                        f"编号「{key}」与第 {seen[key]} 行重复",
                        f"number '{key}' repeats row {seen[key]}",
                    )
                )
            else:
                seen[key] = number
        if kind != "members":
            continue
        reason = values.get("excusal_reason")
        approver, approved_on = values.get("approved_by"), values.get("approved_on")
        if not reason and (approver or approved_on or values.get("approval_ref")):
            errors.append(
                RowError(
                    number,
                    "请假原因",
                    "填写了批准记录但没有请假原因 (P2)",
                    "approval given without a reason (P2)",
                )
            )
        if reason and bool(approver) != bool(approved_on):
            column = "批准日期" if approver else "批准人"
            errors.append(
                RowError(
                    number,
                    column,
                    "请假批准记录须同时填写批准人和批准日期 (P2)",
                    "an excusal approval needs both approver and date (P2)",
                )
            )
    return errors
