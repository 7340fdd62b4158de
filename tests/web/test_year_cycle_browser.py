"""Browser test of a township's year after the election, in Chromium, clicked in Chinese (issue 5, item 5).

One township (the election of ``examples/three-round-township.yaml``, its meeting held; 40 members with
voting rights, 应到会 40), one connected story:

1. A1: the working group records the secretary's term-target commitment and publishes it; a phone reads it
   on the public board.
2. A2: the county opens the annual review, the secretary's report is entered, each rater group rates on a
   phone with a one-time code, the county closes the review and reads the core's results.
3. A3: a petition against 唐明 reaches exactly 20 % (8 of 40); the recall meeting checks members in by a list,
   by membership number, by the QR code of the member card and by roster search, printing voting codes on
   the slips; a scrutineer opens electronic voting (S3); four members vote on phones and keep receipts;
   two tellers count the 28 paper ballots; the scrutineer closes and confirms: paper 19 + electronic 3 = 22
   votes for recall, more than half of 40 — recalled (A3); a receipt is found counted on the public board.
4. The by-election on paper ballots (PDF) and phones: 韩梅 takes the seat (M7) and the core's elected team
   has her instead of 唐明; ``zhixuan run`` on the download agrees.

Screenshots go to ``test-artifacts/screenshots/year-NN-<page>.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_recall_browser import enter_by_count, enter_vote_count, log_in, new_page, no_sideways_scroll
from test_recall_flow import HALL, LEADER, SIGNERS
from test_results_report import cli_run, hold_meeting, import_example
from web_helpers import make_user, screenshot

from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.recall.models import Petition
from zhixuan.web.roster.models import Member
from zhixuan.web.term.models import ReviewSession

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAPER_HALL, NUMBER, QR, SEARCH, LATER = HALL[:28], HALL[28], HALL[29], HALL[30], HALL[31]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def slip_code(page: Any) -> str:
    """The voting code printed on the check-in slip; then back to the petition page."""
    code = page.locator("#slip-code").inner_text().strip()
    page.get_by_role("link", name="返回签到").click()
    return code


def vote_on_phone(phone: Any, code: str, choose: dict[str, str]) -> str:
    """Open the slip's URL, mark the ballot, review, cast; the receipt shown once."""
    phone.goto(f"/v/{code}/")
    for field, value in choose.items():
        phone.locator(f"label[for='{field}-{value}']").click()
    phone.get_by_role("button", name="核对选票").click()
    phone.get_by_text("请核对您的选票").wait_for()
    phone.locator("#cast").click()
    phone.get_by_text("投票成功，您的选票已保存。").wait_for()
    return str(phone.locator("#receipt").inner_text().strip())


@pytest.mark.django_db(transaction=True)
def test_a_townships_year_commitment_review_petition_recall_and_by_election(
    chromium: Any, live_server: Any, county_admin: Any, county: Any, tmp_path: Path
) -> None:
    from zhixuan.web.elections.actions import do_publish_announcement
    from zhixuan.web.meeting.models import Meeting

    election, kinds = import_example(county_admin, county)
    Meeting.objects.filter(election=election).delete()
    hold_meeting(election, kinds)
    if election.announced_at is None:
        do_publish_announcement(county_admin, election=election)
    Member.objects.filter(election=election, number__in=["m24", "m25"]).update(status="rights_suspended")
    make_user("gongzuozu", "working_group", township=election.township)
    make_user("jipiao1", "teller", election=election)
    make_user("jipiao2", "teller", election=election)
    make_user("jianpiao", "scrutineer", election=election)
    base = f"/elections/{election.pk}"

    contexts: list[Any] = []
    try:
        staff = new_page(chromium, live_server, LAPTOP, contexts)
        county_page = new_page(chromium, live_server, LAPTOP, contexts)
        phone = new_page(chromium, live_server, PHONE, contexts)
        log_in(staff, "gongzuozu")
        log_in(county_page, county_admin.username)

        # --- A1: the secretary's commitment, recorded and published ---------------------------------
        staff.goto(f"{base}/")
        staff.locator("#term-panel").get_by_role("link", name="任期承诺与测评").click()
        staff.get_by_role("link", name="录入任期目标承诺").click()
        targets = ["三年内全镇人均纯收入年均增长 10%", "建成 2 个特色农业产业基地"]
        for n, text in enumerate(targets, start=1):
            staff.get_by_label(f"目标 {n}", exact=True).fill(text)
        staff.locator("#save-commitment").click()
        staff.get_by_text("任期目标承诺已保存。").wait_for()
        staff.locator("#publish-commitment").click()
        staff.get_by_text("任期目标承诺已在公开栏公开 (A1)。").wait_for()
        screenshot(staff, "year-01-commitment")
        phone.goto(f"/public/elections/{election.pk}/board/#item-commitment")
        phone.locator("#item-commitment").get_by_text(targets[1]).wait_for()

        # --- A2: the annual review, rated on phones with one-time codes --------------------------------
        county_page.goto(f"{base}/term/")
        county_page.locator("#id_year").fill("2027")
        county_page.locator("#create-session").click()
        county_page.wait_for_url(lambda url: "/reviews/2027/" in url)
        county_page.locator("#open-session").click()
        county_page.get_by_text("测评已开始。").wait_for()
        session = ReviewSession.objects.get(election=election, year=2027)
        leaders = list(session.leaders.order_by("order"))
        staff.goto(f"{base}/term/reviews/2027/")
        staff.locator("#reports li", has_text=leaders[0].name).get_by_role("link", name="录入 / 修改").click()
        staff.get_by_label("述职报告").fill("一年来，带领班子抓党建、促发展……")
        staff.locator("#save-report").click()
        staff.get_by_text(f"{leaders[0].name} 的述职报告已保存。").wait_for()
        for group in session.groups.order_by("order"):
            county_page.goto(f"{base}/term/reviews/2027/")
            county_page.locator(f"#group-{group.key} input[name=count]").fill("1")
            county_page.locator(f"#group-{group.key}").get_by_role("button", name="生成测评码").click()
            (code,) = county_page.locator(".zx-code").all_inner_texts()
            phone.goto("/public/term/rate/")
            phone.get_by_label("测评码").fill(code)
            phone.locator("#start").click()
            for leader in leaders:
                phone.locator(f"input[name='r-{leader.leader}-satisfaction'][value=satisfied]").check()
                phone.locator(f"input[name='r-{leader.leader}-competence'][value=competent]").check()
            phone.locator("#cast").click()
            phone.get_by_text("测评已提交，谢谢！").wait_for()
        county_page.goto(f"{base}/term/reviews/2027/")
        county_page.locator("#close-session").click()
        county_page.get_by_text("测评已结束，结果见下 (A2)。").wait_for()
        county_page.locator(f"#result-2027-{leaders[0].leader}-satisfaction").wait_for()
        screenshot(county_page, "year-02-review-results")

        # --- A3: the petition reaches exactly 20 % ------------------------------------------------------
        staff.goto(f"{base}/")
        staff.locator("#recall-panel").get_by_role("link", name="罢免联名").click()
        staff.get_by_label("被罢免人").select_option(LEADER)
        staff.get_by_label("罢免理由").fill("年度测评后群众反映强烈，长期不履行职责")
        staff.get_by_role("button", name="发起").click()
        staff.get_by_text("已发起罢免 唐明 的联名。").wait_for()
        petition = Petition.objects.get(election=election, leader=LEADER)
        staff.locator("form[action$='/signatures/'] textarea").fill("\n".join(SIGNERS))
        staff.locator("#add-signatures").click()
        staff.get_by_text("签名已录入。").wait_for()
        assert staff.locator("#a3-status .zx-stat").inner_text() == "8 / 8"
        assert "有效签名 8 人，占有表决权党员 40 人的 20.00%，需不少于 20.00%（8 人），达到要求" in (
            staff.locator("#a3-decision").inner_text()
        )
        staff.get_by_label("会议地点").fill("镇政府大礼堂")
        staff.locator("#convene").click()
        staff.get_by_text("已召集罢免表决会议。").wait_for()

        # --- the recall meeting: check-in in the meeting's four ways, codes on the slips (M1, S1) ---------
        staff.locator("form[action$='/check-in/'] textarea").fill(" ".join(PAPER_HALL))
        staff.locator("#check-in-submit").click()
        staff.get_by_text("签到已录入。").wait_for()
        assert "低于应到会 40 人的 4/5" in staff.locator("#quorum").inner_text()
        codes = []
        staff.locator("#member-number").fill(NUMBER)
        staff.locator("#number-check-in-code").click()
        staff.locator("#slip-code").wait_for()
        screenshot(staff, "year-03-slip")
        codes.append(slip_code(staff))
        staff.locator("#scan").fill(QR)  # a scanner types the card's QR text and Enter
        staff.locator("#scan-form").get_by_role("button", name="签到并打印投票码").click()
        codes.append(slip_code(staff))
        staff.locator("#q").fill(SEARCH)
        staff.locator("#search-form").get_by_role("button", name="检索").click()
        staff.locator(f"#member-{SEARCH}").get_by_role("button", name="并打印投票码").click()
        codes.append(slip_code(staff))
        staff.locator("#member-number").fill(LATER)
        staff.locator("#number-check-in").click()
        staff.get_by_text("签到已录入。").wait_for()
        staff.locator("#code-number").fill(LATER)
        staff.locator("#code-form").get_by_role("button", name="打印投票码").click()
        codes.append(slip_code(staff))
        assert len(set(codes)) == 4
        assert staff.locator("#present-count").inner_text() == "32"
        assert "实到会 32 人，不低于应到会 40 人的 4/5" in staff.locator("#quorum").inner_text()
        methods = dict(petition.check_ins.values_list("member__number", "method"))
        assert (methods[NUMBER], methods[QR], methods[SEARCH], methods[PAPER_HALL[0]]) == (
            "number",
            "qr",
            "search",
            "number",
        )
        staff.get_by_label("监票人编号").fill("m30 m31")
        staff.get_by_label("计票人编号").fill("m33 m32")
        staff.locator("#officers-submit").click()
        staff.get_by_text("监票人、计票人已确定。").wait_for()
        screenshot(staff, "year-04-meeting")

        # The scrutineer opens electronic voting (S3); four members vote on phones.
        scrutineer = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(scrutineer, "jianpiao")
        scrutineer.goto(f"{base}/recall/{petition.pk}/")
        scrutineer.locator("#open-vote").click()
        scrutineer.get_by_text("电子投票已开始。").wait_for()
        receipts = []
        for i, code in enumerate(codes):
            receipts.append(vote_on_phone(phone, code, {"choice": "yes" if i < 3 else "no"}))
            if i == 0:
                no_sideways_scroll(phone)
                screenshot(phone, "year-05-receipt-phone")
        phone.goto(f"/v/{codes[0]}/")
        phone.locator("label[for='choice-no']").click()
        phone.get_by_role("button", name="核对选票").click()
        phone.locator("#cast").click()
        phone.get_by_text("此投票码本轮已投票，每个投票码每轮只能投一次。").wait_for()

        # Two tellers count the 28 paper ballots; the scrutineer closes e-voting and confirms (M6, S3).
        paper = {"issued": 28, "yes": 19, "no": 8, "abstain": 1, "invalid": 0}
        teller1 = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(teller1, "jipiao1")
        teller1.goto(f"{base}/recall/{petition.pk}/")
        enter_vote_count(teller1, paper)
        teller2 = new_page(chromium, live_server, PHONE, contexts)
        log_in(teller2, "jipiao2")
        teller2.goto(f"{base}/recall/{petition.pk}/")
        enter_vote_count(teller2, paper)
        scrutineer.reload()
        scrutineer.locator("#accept-vote").click()
        scrutineer.locator("#errors-vote").get_by_text("电子投票尚未结束").wait_for()
        scrutineer.locator("#close-vote").click()
        scrutineer.get_by_text("电子投票已结束。").wait_for()
        scrutineer.locator("#accept-vote").click()
        scrutineer.get_by_text("监票人已确认罢免表决计票结果。").wait_for()
        verdict = scrutineer.locator("#verdict").inner_text()
        assert "唐明 被罢免：赞成罢免 22 > 应到会 40 的一半，其职位出缺，须补选" in verdict
        assert "纸质票 19，电子票 3" in scrutineer.locator("#vote-parts").inner_text()
        screenshot(scrutineer, "year-06-recalled")
        phone.goto("/public/receipt/")
        phone.get_by_label("回执码").fill(receipts[3])
        phone.get_by_role("button", name="查询").click()
        phone.locator("#receipt-counted").wait_for()
        screenshot(phone, "year-07-receipt-counted-phone")

        # --- the by-election: paper ballot PDF, phones, tellers, confirmation (M5-M9) ------------------
        staff.reload()
        staff.locator("form[action$='/by-election/'] textarea").fill("m40\nm41")
        staff.locator("#by-candidates-submit").click()
        staff.get_by_text("补选候选人已确定。").wait_for()
        pdf = staff.request.get(staff.locator("#by-ballot-pdf").get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
        scrutineer.reload()
        scrutineer.locator("#open-by_election").click()
        scrutineer.get_by_text("电子投票已开始。").wait_for()
        for i, code in enumerate(codes):
            choose = {"m-m40": "for", "m-m41": "against"} if i < 3 else {"m-m40": "against", "m-m41": "for"}
            vote_on_phone(phone, code, choose)
        totals = {
            "issued": 28, "valid": 27, "invalid": 1,
            "for_m40": 16, "against_m40": 9, "abstain_m40": 2,
            "for_m41": 9, "against_m41": 16, "abstain_m41": 2,
        }  # fmt: skip
        teller1.reload()
        enter_by_count(teller1, totals)
        teller2.reload()
        enter_by_count(teller2, totals)
        scrutineer.reload()
        scrutineer.locator("#close-by_election").click()
        scrutineer.get_by_text("电子投票已结束。").wait_for()
        scrutineer.locator("#accept-by").click()
        scrutineer.get_by_text("监票人已确认补选计票结果。").wait_for()
        assert "当选：赞成 19 > 实到会 32 的一半" in scrutineer.locator("#by-decisions").inner_text()
        assert "补选结果：韩梅 当选，补上出缺的职位" in scrutineer.locator("#by-winners").inner_text()
        screenshot(scrutineer, "year-08-new-leader")

        # The new leader: the core's elected team has 韩梅 (m40) instead of 唐明, as ``zhixuan run`` says.
        elected = election_outcome(election).outcome("elected")
        assert "m40" in elected["deputy_secretary"]  # type: ignore[index]
        assert LEADER not in elected["deputy_secretary"]  # type: ignore[index]
        assert cli_run(election, tmp_path)["outcome"]["elected"] == elected
    finally:
        for context in contexts:
            context.close()
