"""Roster import: all or nothing, with row-by-row errors; P1 statuses, P2 excusals, P4 cap."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook
from web_helpers import MEMBER_HEADER, PASSWORD, csv_bytes, member_row, reps_csv, roster_csv

from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.roster import spreadsheets
from zhixuan.web.roster.actions import do_import_members, do_import_public_reps
from zhixuan.web.roster.importer import ImportRejected
from zhixuan.web.roster.models import Member, PublicRep
from zhixuan.web.roster.selectors import attendance, public_rep_check


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rejected(election: Any, actor: Any, filename: str, data: bytes) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        do_import_members(actor, election=election, filename=filename, data=data)
    return [(e.row, e.column, e.zh) for e in caught.value.errors]


def test_import_rejected_whole_with_errors_naming_row_and_column(election: Any, county_admin: Any) -> None:
    do_import_members(county_admin, election=election, filename="old.csv", data=roster_csv(3))
    entries_before = AuditEntry.objects.count()
    data = csv_bytes(MEMBER_HEADER, [
        member_row(1, "王煦"),
        member_row(2, "", "正式党员"),
        member_row(3, "李娜", "党员"),
        member_row(4, "赵敏", 出生日期="1990-13-45"),
        member_row(1, "陈杰"),
        member_row(6, "周平", 外出务工="可能"),
    ])  # fmt: skip
    errors = rejected(election, county_admin, "bad.csv", data)
    assert [(row, column) for row, column, _ in errors] == [
        (3, "姓名"), (4, "党员状态"), (5, "出生日期"), (7, "外出务工"), (6, "编号"),
    ]  # fmt: skip
    assert "第 2 行重复" in errors[-1][2]
    assert "(P1)" in errors[1][2]
    # Nothing was half-imported: the old roster stands and no audit entry was written.
    assert sorted(Member.objects.filter(election=election).values_list("name", flat=True)) == [
        "党员1",
        "党员2",
        "党员3",
    ]
    assert AuditEntry.objects.count() == entries_before


def test_import_xlsx_errors_use_spreadsheet_row_numbers(election: Any, county_admin: Any) -> None:
    rows: list[list[Any]] = [MEMBER_HEADER, member_row(1, "王煦"), [None] * 13, member_row(2, "李娜", "预备")]
    errors = rejected(election, county_admin, "bad.xlsx", xlsx(rows))
    assert errors[0][:2] == (4, "党员状态")  # the blank row 3 is skipped but still counted


def test_import_rejects_missing_and_unknown_columns(election: Any, county_admin: Any) -> None:
    errors = rejected(election, county_admin, "bad.csv", csv_bytes(["编号", "名字"], [["1", "王煦"]]))
    assert {(row, column) for row, column, _ in errors} == {(1, "名字"), (1, "姓名"), (1, "党员状态")}


def test_import_rejects_other_file_types(election: Any, county_admin: Any) -> None:
    assert rejected(election, county_admin, "roster.doc", b"x")[0][0] is None
    assert "无法读取" in rejected(election, county_admin, "roster.xlsx", b"not a zip")[0][2]


def test_p1_p2_counts_after_import(election: Any, county_admin: Any) -> None:
    data = csv_bytes(MEMBER_HEADER, [
        member_row(1, "王煦"),
        member_row(2, "李娜", "预备党员"),
        member_row(3, "赵敏", "留党察看"),
        member_row(4, "陈杰", 外出务工="是"),
        member_row(5, "周平", 请假原因="正在服刑", 批准人="镇党委", 批准日期="2026-02-01",
                   批准文号="党委〔2026〕3号"),
        member_row(6, "吴刚", 请假原因="患病无法表达本人意志"),
    ])  # fmt: skip
    record = do_import_members(county_admin, election=election, filename="r.csv", data=data)
    assert record.rows == 6
    att = attendance(election)
    # P1: two without rights; P2: one approved excusal leaves, the unapproved one and the migrant stay.
    assert (att.members, att.with_rights, att.excused, att.expected, att.migrants) == (6, 4, 1, 3, 1)
    assert att.decisions[-1].rule == "P2" and "应到会 3 人" in att.decisions[-1].zh
    entry = AuditEntry.objects.filter(action="roster.import_members").latest("seq")
    assert entry.data["expected"] == 3 and entry.data["sha256"] == record.sha256


def test_p2_approval_record_needs_approver_and_date(election: Any, county_admin: Any) -> None:
    data = csv_bytes(MEMBER_HEADER, [
        member_row(1, "王煦", 请假原因="正在服刑", 批准人="镇党委"),
        member_row(2, "李娜", 批准人="镇党委", 批准日期="2026-02-01"),
        member_row(3, "赵敏", 请假原因="外出务工"),
    ])  # fmt: skip
    errors = rejected(election, county_admin, "r.csv", data)
    assert [(row, column) for row, column, _ in errors] == [(4, "请假原因"), (2, "批准日期"), (3, "请假原因")]
    assert all("(P2)" in message for _, _, message in errors)


def test_import_accepts_gbk_csv_from_excel(election: Any, county_admin: Any) -> None:
    data = csv_bytes(MEMBER_HEADER, [member_row(1, "王煦")], encoding="gb18030")
    do_import_members(county_admin, election=election, filename="gbk.csv", data=data)
    assert Member.objects.get(election=election).name == "王煦"


def test_p4_public_reps_over_the_cap_are_rejected(election: Any, county_admin: Any) -> None:
    do_import_members(county_admin, election=election, filename="r.csv", data=roster_csv(20))
    # 30% of 20 expected members is 6.
    do_import_public_reps(county_admin, election=election, filename="q.csv", data=reps_csv(6))
    assert public_rep_check(election).code == "public_reps_within_cap"
    with pytest.raises(ImportRejected) as caught:
        do_import_public_reps(county_admin, election=election, filename="q.csv", data=reps_csv(7))
    (error,) = caught.value.errors
    assert error.row is None and "上限 6 人" in error.zh and "(P4)" in error.zh
    assert PublicRep.objects.filter(election=election).count() == 6


def test_template_has_headers_and_export_roundtrips(election: Any, county_admin: Any) -> None:
    sheet = load_workbook(io.BytesIO(spreadsheets.template("members"))).worksheets[0]
    assert [c.value for c in sheet[1]] == MEMBER_HEADER
    data = csv_bytes(MEMBER_HEADER, [
        member_row(1, "王煦", 出生日期="1980-05-06", 外出务工="是"),
        member_row(2, "李娜", 请假原因="正在服刑", 批准人="镇党委", 批准日期="2026-02-01"),
    ])  # fmt: skip
    do_import_members(county_admin, election=election, filename="r.csv", data=data)
    client = Client()
    client.login(username="county", password=PASSWORD)
    exported = client.get(f"/elections/{election.pk}/roster/export/members.xlsx").content
    rows = list(load_workbook(io.BytesIO(exported)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("0001", "王煦") and rows[1][7] == "是"
    # The export is a valid import: same people, same counts.
    before = attendance(election)
    do_import_members(county_admin, election=election, filename="export.xlsx", data=exported)
    after = attendance(election)
    assert (after.members, after.expected, after.migrants, after.excused) == (
        before.members, before.expected, before.migrants, before.excused,
    )  # fmt: skip


def test_import_view_reports_errors_to_htmx(election: Any, qingquan_staff: Any) -> None:
    client = Client()
    client.login(username="qingquan", password=PASSWORD)
    upload = io.BytesIO(csv_bytes(MEMBER_HEADER, [member_row(1, "王煦", "群众")]))
    upload.name = "bad.csv"
    response = client.post(
        f"/elections/{election.pk}/roster/import/",
        {"kind": "members", "file": upload},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "整份文件已退回" in page and "第 2 行" in page and "党员状态" in page
