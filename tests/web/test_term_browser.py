"""Browser test of a term year's cycle in Chromium: the secretary's commitment is entered, published on the
public board and reviewed (A1); the county sets up the annual review, a teller enters paper forms and a
second teller's entry agrees, a rater uses a one-time code on a phone, the county closes the review and
reads the results, flags and trend (A2). Screenshots go to ``test-artifacts/screenshots/term-*.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_results_report import hold_meeting, import_example
from web_helpers import PASSWORD, make_user, screenshot

from zhixuan.web.term import actions, selectors
from zhixuan.web.term.models import ReviewSession

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def new_page(chromium: Any, live_server: Any, viewport: dict[str, int], contexts: list[Any]) -> Any:
    context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.django_db(transaction=True)
def test_commitment_then_annual_review_in_the_browser(
    chromium: Any, live_server: Any, county_admin: Any, county: Any
) -> None:
    from zhixuan.web.elections.actions import do_publish_announcement
    from zhixuan.web.meeting.models import Meeting

    election, kinds = import_example(county_admin, county)
    if not Meeting.objects.filter(election=election).exists():
        hold_meeting(election, kinds)
    if election.announced_at is None:
        do_publish_announcement(county_admin, election=election)
    staff_user = make_user("wg", "working_group", township=election.township)
    second_teller = make_user("teller-b", "working_group", township=election.township)
    last_year(election, county_admin, staff_user, second_teller)
    contexts: list[Any] = []
    try:
        county_page = new_page(chromium, live_server, LAPTOP, contexts)
        staff = new_page(chromium, live_server, LAPTOP, contexts)
        phone = new_page(chromium, live_server, PHONE, contexts)
        log_in(county_page, county_admin.username)
        log_in(staff, staff_user.username)

        # A1: the working group enters the secretary's targets and publishes them.
        staff.goto(f"/elections/{election.pk}/")
        staff.locator("#term-panel").get_by_role("link", name="任期承诺与测评").click()
        staff.get_by_role("link", name="录入任期目标承诺").click()
        targets = ["三年内全乡人均纯收入年均增长 10%", "建成 2 个特色农业产业基地", "每半年向党员大会报告一次工作"]
        for n, text in enumerate(targets, start=1):
            staff.get_by_label(f"目标 {n}", exact=True).fill(text)
        staff.locator("#save-commitment").click()
        staff.get_by_text("任期目标承诺已保存。").wait_for()
        staff.locator("#publish-commitment").click()
        staff.get_by_text("任期目标承诺已在公开栏公开 (A1)。").wait_for()
        staff.locator("#review-commitment").click()
        staff.wait_for_url(lambda url: "/commitment/" in url)
        year = int(staff.url.split("/commitment/")[1].split("/")[0])
        staff.locator("label", has_text="推进中").first.click()
        staff.locator("input[name=status-t2][value=done]").check()
        staff.locator("input[name=status-t3][value=abandoned]").check()
        staff.locator("#save-review").click()
        staff.get_by_text("标为已放弃，必须写明理由").wait_for()
        screenshot(staff, "term-01-review-refused")
        staff.locator("input[name=note-t3]").fill("改为每季度向党员大会报告")
        staff.locator("#save-review").click()
        staff.get_by_text(f"{year} 年度承诺评议已保存 (A1)。").wait_for()
        staff.locator("#commitment").get_by_text("完成率 33.33%").wait_for()
        screenshot(staff, "term-02-commitment")
        phone.goto(f"/public/elections/{election.pk}/board/#item-commitment")
        phone.locator("#item-commitment").get_by_text("改为每季度向党员大会报告").wait_for()
        phone.locator("#item-commitment").scroll_into_view_if_needed()
        phone.locator("#item-commitment").screenshot(path=str(_shots() / "term-03-board-commitment-phone.png"))

        # A2: the county sets up the review with three weighted groups; a wrong sum is refused.
        county_page.goto(f"/elections/{election.pk}/term/")
        county_page.locator("#id_year").fill("2027")
        county_page.locator("#create-session").click()
        county_page.wait_for_url(lambda url: "/reviews/2027/" in url)
        county_page.get_by_label("测评组名称 3").fill("村干部")
        county_page.get_by_label("权重 3").fill("1/5")
        county_page.locator("#save-groups").click()
        county_page.get_by_text("各测评组权重之和必须恰好为 1，现在是 6/5").wait_for()
        county_page.get_by_label("权重 1").fill("1/2")
        county_page.get_by_label("权重 2").fill("3/10")
        county_page.get_by_label("测评组名称 3").fill("村干部")
        county_page.get_by_label("权重 3").fill("1/5")
        county_page.locator("#save-groups").click()
        county_page.get_by_text("测评组和权重已保存 (A2)。").wait_for()
        county_page.locator("#open-session").click()
        county_page.get_by_text("测评已开始。").wait_for()
        session = ReviewSession.objects.get(election=election, year=2027)
        members, reps, cadres = session.groups.order_by("order")
        leaders = list(session.leaders.order_by("order"))

        # The leader's report.
        staff.goto(f"/elections/{election.pk}/term/reviews/2027/")
        staff.locator("#reports li", has_text=leaders[0].name).get_by_role("link", name="录入 / 修改").click()
        staff.get_by_label("述职报告").fill("一年来，带领班子抓党建、促发展……")
        staff.locator("#save-report").click()
        staff.get_by_text(f"{leaders[0].name} 的述职报告已保存。").wait_for()

        # Paper forms: the teller types the grid; a second teller's entry differs in one cell, then agrees.
        def table(low: bool) -> dict[str, Any]:
            counts = selectors.empty_counts(session)
            for scales in counts.values():
                scales["satisfaction"].update(satisfied=20, basically_satisfied=5, dissatisfied=5)
                scales["competence"].update(excellent=15, competent=10, basically_competent=3, incompetent=2)
            if low:  # the secretary: 12/30 satisfied + basically satisfied, 11/30 incompetent
                counts[leaders[0].leader]["satisfaction"].update(satisfied=6, basically_satisfied=6, dissatisfied=18)
                counts[leaders[0].leader]["competence"].update(
                    excellent=5, competent=10, basically_competent=4, incompetent=11
                )
            return counts

        for group, low in ((members, True), (cadres, False)):
            staff.goto(f"/elections/{election.pk}/term/reviews/2027/paper/{group.pk}/")
            staff.locator("#collected").fill("30")
            for number, scales in table(low).items():
                for scale, grades in scales.items():
                    for grade, n in grades.items():
                        staff.locator(f"input[name='c-{number}-{scale}-{grade}']").fill(str(n))
            if group == members:
                screenshot(staff, "term-04-paper-entry")
            staff.locator("#submit-entry").click()
            staff.get_by_text("录入已提交。", exact=True).wait_for()
            other = table(low)
            if group == members:
                other[leaders[0].leader]["satisfaction"].update(satisfied=7, dissatisfied=17)  # a typo to catch
                actions.do_save_paper_count(second_teller, group=group, collected=30, counts=other, submit=True)
                staff.reload()
                row = staff.locator("#differences-table tr", has_text=f"{leaders[0].name} · 满意度 · 满意")
                assert row.locator("td").all_inner_texts()[1:] == ["6", "7"]  # side by side, one column per teller
                staff.locator("#agree").click()
                staff.get_by_text("两名计票人的录入不一致").wait_for()
                screenshot(staff, "term-05-tellers-differ")
                from zhixuan.web.term.models import PaperCount

                PaperCount.objects.filter(group=group, teller=second_teller).delete()  # re-entered correctly
                actions.do_save_paper_count(second_teller, group=group, collected=30, counts=table(low), submit=True)
            else:
                actions.do_save_paper_count(second_teller, group=group, collected=30, counts=other, submit=True)
            staff.reload()
            staff.locator("#agree").click()
            staff.get_by_text("两名计票人录入一致，计数已采用。").wait_for()

        # Electronic rating by the public reps with one-time codes, on a phone.
        county_page.goto(f"/elections/{election.pk}/term/reviews/2027/")
        county_page.locator(f"#group-{reps.key} input[name=count]").fill("2")
        county_page.locator(f"#group-{reps.key}").get_by_role("button", name="生成测评码").click()
        codes = county_page.locator(".zx-code").all_inner_texts()
        assert len(codes) == 2
        screenshot(county_page, "term-06-codes")
        for i, code in enumerate(codes):
            phone.goto("/public/term/rate/")
            phone.get_by_label("测评码").fill(code)
            phone.locator("#start").click()
            for leader in leaders:
                grade = "dissatisfied" if (leader == leaders[0] and i == 0) else "satisfied"
                phone.locator(f"input[name='r-{leader.leader}-satisfaction'][value={grade}]").check()
                phone.locator(f"input[name='r-{leader.leader}-competence'][value=competent]").check()
            if i == 0:
                screenshot(phone, "term-07-rate-phone")
            phone.locator("#cast").click()
            phone.get_by_text("测评已提交，谢谢！").wait_for()
        phone.goto("/public/term/rate/")
        phone.get_by_label("测评码").fill(codes[0])
        phone.locator("#start").click()
        phone.get_by_text("已经使用过，每个测评码只能测评一次。").wait_for()
        screenshot(phone, "term-08-code-used")

        # The county closes the review: results, flags with rule IDs, trend.
        county_page.goto(f"/elections/{election.pk}/term/reviews/2027/")
        county_page.locator("#close-session").click()
        county_page.get_by_text("测评已结束，结果见下 (A2)。").wait_for()
        secretary_card = county_page.locator(f"#result-2027-{leaders[0].leader}-satisfaction")
        secretary_card.get_by_text("诫勉谈话").first.wait_for()
        county_page.locator("#results").screenshot(path=str(_shots() / "term-09-results.png"))
        county_page.goto(f"/elections/{election.pk}/term/")
        county_page.locator("#trend svg").first.wait_for()
        county_page.locator("#trend").screenshot(path=str(_shots() / "term-10-trend.png"))
        results = {(r.name, r.scale): r for r in selectors.rating_results(election)}
        sat = results[(leaders[0].name, "satisfaction")]
        # 1/2 · 12/30 + 3/10 · 1/2 + 1/5 · 25/30 = 1/5 + 3/20 + 1/6 = 31/60
        assert str(sat.measure) == "31/60" and sat.flags == ["warning_talk"]
    finally:
        for context in contexts:
            context.close()


def last_year(election: Any, admin: Any, first: Any, second: Any) -> None:
    """A 2026 review recorded through the actions, so the trend has two years."""
    from datetime import date

    session = actions.do_create_session(
        admin, election=election, year=2026, held_on=date(2026, 12, 1), satisfaction=True, competence=True
    )
    groups = [
        actions.GroupInput("members", "党员", "1/2"),
        actions.GroupInput("public_reps", "群众代表", "3/10"),
        actions.GroupInput("cadres", "村干部", "1/5"),
    ]
    actions.do_set_groups(admin, session=session, groups=groups)
    actions.do_open_session(admin, session=session)
    counts = selectors.empty_counts(session)
    for n, scales in enumerate(counts.values()):
        scales["satisfaction"].update(satisfied=18 + n, basically_satisfied=6, dissatisfied=6 - n)
        scales["competence"].update(excellent=12, competent=12, basically_competent=4, incompetent=2)
    for group in session.groups.all():
        for teller in (first, second):
            actions.do_save_paper_count(teller, group=group, collected=30, counts=counts, submit=True)
        actions.do_agree_paper(admin, group=group)
    actions.do_close_session(admin, session=session)


def _shots() -> Path:
    from web_helpers import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
