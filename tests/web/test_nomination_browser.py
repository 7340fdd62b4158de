"""In Debian's Chromium: a member applies on a phone (N3), staff enter paper signatures for a joint
nomination (N2), review and publish the notice, and the public files an objection (N4)."""

from __future__ import annotations

from typing import Any

import pytest
from test_nomination_joint import joint_nominee, numbers
from test_nomination_portal import open_registration
from web_helpers import PASSWORD, screenshot

from zhixuan.web.nomination.models import Applicant, Objection

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context(chromium: Any, live_server: Any) -> Any:
    def make(viewport: dict[str, int]) -> Any:
        context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    contexts: list[Any] = []
    yield make
    for context in contexts:
        context.close()


def test_apply_on_a_phone_sign_review_publish_and_object(
    browser_context: Any, election: Any, county_admin: Any, qingquan_staff: Any
) -> None:
    open_registration(election, county_admin, full=45)
    phone = browser_context(PHONE)
    phone.goto(f"/public/elections/{election.pk}/apply/")
    phone.get_by_label("姓名").fill("王建")
    phone.get_by_label("党员编号（名册中的编号）").fill("0001")
    phone.get_by_label("性别").select_option("男")
    phone.get_by_label("年龄（周岁）").fill("38")
    phone.get_by_label("党龄（年）").fill("12")
    phone.get_by_label("学历").select_option("大学本科")
    phone.get_by_label("联系电话").fill("13800001111")
    phone.get_by_label("竞职陈述").fill("发展集体经济，办好民生实事。")
    phone.get_by_label("第 1 志愿").select_option("secretary")
    phone.get_by_label("第 2 志愿").select_option("deputy_secretary")
    phone.get_by_label("第 3 志愿").select_option("member")
    phone.get_by_role("button", name="提交报名").click()
    phone.get_by_text("超过每人最多报名 2 个职位的限制").wait_for()
    screenshot(phone, "nomination-01-apply-refused-n3-phone")
    phone.get_by_label("第 3 志愿").select_option("")
    phone.get_by_role("button", name="提交报名").click()
    phone.get_by_text("报名已受理").wait_for()
    assert phone.locator("#applicant-number").inner_text() == "A001"
    screenshot(phone, "nomination-02-apply-done-phone")

    route = joint_nominee(election, qingquan_staff, 2, position="member")
    staff = browser_context(LAPTOP)
    staff.goto("/accounts/login/")
    staff.get_by_label("用户名").fill("qingquan")
    staff.get_by_label("密码").fill(PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.goto(f"/elections/{election.pk}/nominations/routes/{route.pk}/signatures/")
    staff.get_by_label("签名人名册编号（每行一个，可一次录入多个）").fill(numbers(3, 21) + "\n0046\n9999")
    staff.get_by_role("button", name="录入", exact=True).click()
    staff.get_by_text("有错误，本批签名均未保存").wait_for()
    screenshot(staff, "nomination-03-signatures-rejected-laptop")
    staff.get_by_label("签名人名册编号（每行一个，可一次录入多个）").fill(numbers(3, 22))
    staff.get_by_role("button", name="录入", exact=True).click()
    staff.get_by_text("已录入 20 个签名。").wait_for()
    assert "20 / 20" in staff.locator("#n2-status").inner_text()
    screenshot(staff, "nomination-04-signatures-valid-laptop")

    staff.goto(f"/elections/{election.pk}/nominations/")
    screenshot(staff, "nomination-05-list-laptop")
    staff.goto(f"/elections/{election.pk}/review/")
    for row in staff.locator("#review-table tbody tr").all():
        row.get_by_role("button").click()
        staff.wait_for_load_state()
    staff.goto(f"/elections/{election.pk}/review/")
    screenshot(staff, "nomination-06-review-laptop")
    staff.get_by_role("button", name="发布公示").click()
    staff.get_by_text("资格审查结果已公示。").wait_for()

    phone.goto(f"/public/elections/{election.pk}/notice/")
    phone.get_by_label("反映对象").select_option(label="李建（党委委员）")
    phone.get_by_label("反映的问题").fill("任村支书期间违规发放补贴")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("您的异议已受理").wait_for()
    screenshot(phone, "nomination-07-notice-phone")
    assert Objection.objects.get().applicant == Applicant.objects.get(number="A002")

    staff.goto(f"/elections/{election.pk}/")
    screenshot(staff, "nomination-08-election-card-laptop")
    assert "1" in staff.locator("#nomination-panel").inner_text()
