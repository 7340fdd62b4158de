"""A county admin, clicking through the Chinese UI in Debian's Chromium: creates an election from
a preset, publishes the announcement (N1), imports a roster — first a file that is rejected with a
row-by-row report, then a good one (P1, P2, P4) — and sees the county dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from web_helpers import MEMBER_HEADER, PASSWORD, csv_bytes, member_row, reps_csv, roster_csv, screenshot

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Any:
    context = chromium.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Any, username: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="工作人员登录").click()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="选举看板").wait_for()


def test_county_admin_creates_publishes_imports_and_sees_dashboard(
    page: Any, county_admin: Any, townships: dict[str, Any]
) -> None:
    log_in(page, "county")
    screenshot(page, "01-dashboard-empty-laptop")

    # Create an election for 清泉镇 from the two-recommendation preset.
    page.get_by_role("link", name="新建选举").click()
    page.get_by_label("乡镇").select_option(label="清泉镇")
    page.get_by_label("选举名称").fill("清泉镇党委领导班子公推直选")
    page.get_by_label("程序预设").select_option("two-recommendation")
    page.get_by_label("公告开始日期").fill("2026-03-02")
    page.get_by_label("工作目标（每行一条）").fill("发展壮大村级集体经济\n改善农村人居环境")
    screenshot(page, "02-create-election-laptop")
    page.get_by_role("button", name="创建选举").click()
    page.get_by_text("选举已创建。").wait_for()
    assert page.get_by_role("heading", name="清泉镇党委领导班子公推直选").is_visible()
    assert page.get_by_text("县四大班子推荐").is_visible()  # a stage of that preset

    # Publish the announcement (N1) and read it as the public does.
    page.get_by_role("button", name="发布公告").click()
    page.get_by_text("公告已发布。").wait_for()
    page.get_by_role("link", name="公开页面").click()
    page.get_by_role("heading", name="测试县清泉镇党委领导班子公推直选公告").wait_for()
    assert page.get_by_text("发展壮大村级集体经济").is_visible()
    screenshot(page, "03-public-announcement-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "04-public-announcement-phone")
    page.set_viewport_size(LAPTOP)
    page.go_back()

    # Import a roster: a bad file is rejected whole, with row, column and reason.
    page.get_by_role("link", name="党员名册").first.click()
    bad = csv_bytes(MEMBER_HEADER, [member_row(1, "王煦"), member_row(2, "", "群众"), member_row(1, "李娜")])
    page.get_by_label("文件").set_input_files({"name": "名册.csv", "mimeType": "text/csv", "buffer": bad})
    page.get_by_role("button", name="导入", exact=True).click()
    report = page.locator("#import-errors")
    report.wait_for()
    assert "整份文件已退回" in page.locator("#import-rejected").inner_text()
    rows = report.locator("tbody tr").all_inner_texts()
    assert any("第 3 行" in r and "姓名" in r for r in rows)
    assert any("第 3 行" in r and "党员状态" in r and "(P1)" in r for r in rows)
    assert any("第 4 行" in r and "编号" in r and "重复" in r for r in rows)
    assert page.locator("#stat-members").inner_text() == "0"
    screenshot(page, "05-import-rejected-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "06-import-rejected-phone")
    page.set_viewport_size(LAPTOP)

    # A good file: 40 members, 2 probationary (P1), 3 migrant (stay expected, P2).
    good = roster_csv(40, migrants=3, probationary=2)
    page.get_by_label("文件").set_input_files({"name": "名册.csv", "mimeType": "text/csv", "buffer": good})
    page.get_by_role("button", name="导入", exact=True).click()
    page.locator("#import-ok").wait_for()
    page.get_by_role("link", name="刷新名册").click()
    assert page.locator("#stat-members").inner_text() == "40"
    assert page.locator("#stat-expected").inner_text() == "38"
    # Public reps within 30% of 38 (P4: limit 11).
    page.get_by_label("名册类型").select_option("public_reps")
    page.get_by_label("文件").set_input_files({"name": "代表.csv", "mimeType": "text/csv", "buffer": reps_csv(11)})
    page.get_by_role("button", name="导入", exact=True).click()
    page.locator("#import-ok").wait_for()
    screenshot(page, "07-roster-laptop")

    # The county dashboard shows the township, its stage and counts.
    page.get_by_role("link", name="选举看板").click()
    row = page.locator("#dashboard tbody tr", has_text="清泉镇")
    cells = row.locator("td").all_inner_texts()
    assert "公告" in cells[1]  # the announcement stage is in progress
    assert cells[2] == "7" and cells[3].startswith("40") and cells[4] == "38"
    assert cells[5].startswith("11") and "≤ 11" in cells[5]
    screenshot(page, "08-dashboard-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "09-dashboard-phone")

    # The audit log verifies: every step above is one entry.
    page.goto("/")
    page.get_by_role("link", name="清泉镇").click()
    page.get_by_role("link", name="审计日志").click()
    assert "哈希链校验通过" in page.locator("#chain-status").inner_text()
    screenshot(page, "10-audit-phone")


def test_english_interface_in_the_browser(page: Any, county_admin: Any, townships: dict[str, Any]) -> None:
    log_in(page, "county")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Election dashboard").wait_for()
    assert page.get_by_role("link", name="New election").is_visible()
    screenshot(page, "11-dashboard-english-laptop")
