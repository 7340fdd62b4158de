"""The columns of roster files (import template, import and export share them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header in the file
    field: str  # model field it fills
    en: str
    required: bool = False
    kind: str = "text"  # text | date | yes_no | status | reason


MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("编号", "number", "number", required=True),
    Column("姓名", "name", "name", required=True),
    Column("性别", "gender", "gender"),
    Column("出生日期", "birth_date", "date of birth", kind="date"),
    Column("入党日期", "joined_on", "date joined", kind="date"),
    Column("党员状态", "status", "status", required=True, kind="status"),
    Column("所在支部", "branch", "branch"),
    Column("外出务工", "migrant", "migrant worker", kind="yes_no"),
    Column("请假原因", "excusal_reason", "excusal reason", kind="reason"),
    Column("批准人", "approved_by", "approved by"),
    Column("批准文号", "approval_ref", "approval reference"),
    Column("批准日期", "approved_on", "approval date", kind="date"),
    Column("备注", "note", "note"),
)

PUBLIC_REP_COLUMNS: tuple[Column, ...] = (
    Column("编号", "number", "number", required=True),
    Column("姓名", "name", "name", required=True),
    Column("性别", "gender", "gender"),
    Column("村（社区）或单位", "unit", "village or unit"),
    Column("备注", "note", "note"),
)

COLUMNS = {"members": MEMBER_COLUMNS, "public_reps": PUBLIC_REP_COLUMNS}
SHEET_TITLES = {"members": "党员名册", "public_reps": "群众代表"}
YES = ("是", "Y", "YES", "TRUE", "1")
NO = ("否", "", "N", "NO", "FALSE", "0")
