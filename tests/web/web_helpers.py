"""Helpers shared by the web tests: users with roles, elections, roster files, screenshots."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct-horse-9"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def make_user(username: str, role: str, **scope: Any) -> Any:
    from zhixuan.web.accounts.actions import do_assign_role, do_create_user

    user = do_create_user(None, username=username, full_name=username, password=PASSWORD)
    do_assign_role(None, user=user, role=role, **scope)
    return user


def create_election(actor: Any, township: Any, **overrides: Any) -> Any:
    from zhixuan.web.elections.actions import ConditionInput, do_create_election

    args: dict[str, Any] = {
        "township": township,
        "title": f"{township.name}党委领导班子公推直选",
        "preset": "three-round",
        "overrides": {},
        "seats": {"secretary": 1, "deputy_secretary": 2, "member": 4},
        "conditions": [ConditionInput("min_party_years", "党龄满 3 年", 3)],
        "work_targets": ["发展村级集体经济"],
        "starts_on": date(2026, 3, 2),
    }
    args.update(overrides)
    return do_create_election(actor, **args)


MEMBER_HEADER = [
    "编号", "姓名", "性别", "出生日期", "入党日期", "党员状态", "所在支部", "外出务工",
    "请假原因", "批准人", "批准文号", "批准日期", "备注",
]  # fmt: skip


def member_row(number: int, name: str, status: str = "正式党员", **cells: str) -> list[str]:
    row = dict.fromkeys(MEMBER_HEADER, "")
    row.update({"编号": f"{number:04d}", "姓名": name, "党员状态": status, "外出务工": "否"})
    row.update(cells)
    return [row[h] for h in MEMBER_HEADER]


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def roster_csv(count: int, *, migrants: int = 0, probationary: int = 0) -> bytes:
    """``count`` members: the first ``probationary`` are probationary, the last ``migrants`` migrant."""
    rows = []
    for i in range(1, count + 1):
        status = "预备党员" if i <= probationary else "正式党员"
        rows.append(member_row(i, f"党员{i}", status, 外出务工="是" if count - i < migrants else "否"))
    return csv_bytes(MEMBER_HEADER, rows)


def reps_csv(count: int) -> bytes:
    return csv_bytes(["编号", "姓名"], [[f"Q{i:03d}", f"代表{i}"] for i in range(1, count + 1)])


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def require_tool(path: str | None, what: str) -> None:
    """Outside CI a missing tool skips with the reason; in CI (CI=true) it fails."""
    if path and Path(path).exists():
        return
    message = f"{what} not installed (run `bash scripts/test-tools.sh` as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
