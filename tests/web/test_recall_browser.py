"""Browser test of the recall (A3) in Chromium, clicked in Chinese from the petition to the seated winner.

The town of ``test_recall_flow``: the election of ``examples/three-round-township.yaml`` with its meeting
held, 40 members with voting rights (a petition needs 8 = 20%) and 应到会 40. The working group opens a
petition against 唐明 and enters 7 paper signatures (one short); member m18 signs on a phone (8 = exactly
20%, A3); the working group convenes the meeting, checks in 32 members (M1) and records the scrutineers
and tellers (M2); a scrutineer opens the vote (its members present, M1); two tellers enter the same count
and a scrutineer confirms it (S3): 21 yes of 应到会 40 recalls him (A3). The by-election between m40 and m41
is opened, counted the same way, and m40 takes the seat (M7).

Screenshots go to ``test-artifacts/screenshots/recall-NN-<page>.png``.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_recall_flow import HALL, LEADER, SIGNERS, member_account
from test_results_report import hold_meeting, import_example
from web_helpers import PASSWORD, make_user, screenshot

from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.recall.models import Petition
from zhixuan.web.roster.models import Member

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


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


def no_sideways_scroll(page: Any) -> None:
    """Nothing wider than the phone's screen: the page does not scroll sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def enter_vote_count(page: Any, counts: dict[str, int]) -> None:
    form = page.locator("form[action$='/count/']")
    for name, value in counts.items():
        form.locator(f"[name={name}]").fill(str(value))
    form.locator("#vote-count-submit").click()
    page.get_by_text("计票结果已录入。").wait_for()


def enter_by_count(page: Any, counts: dict[str, int]) -> None:
    form = page.locator("form[action$='/by-election/count/']")
    for name, value in counts.items():
        form.locator(f"[name={name}]").fill(str(value))
    form.locator("#by-count-submit").click()
    page.get_by_text("补选计票结果已录入。").wait_for()


@pytest.mark.django_db(transaction=True)
def test_petition_to_recall_to_by_election_in_the_browser(
    chromium: Any, live_server: Any, county_admin: Any, county: Any
) -> None:
    from zhixuan.web.meeting.models import Meeting

    election, kinds = import_example(county_admin, county)
    Meeting.objects.filter(election=election).delete()
    hold_meeting(election, kinds)
    Member.objects.filter(election=election, number__in=["m24", "m25"]).update(status="rights_suspended")
    make_user("gongzuozu", "working_group", township=election.township)
    make_user("jipiao1", "teller", election=election)
    make_user("jipiao2", "teller", election=election)
    make_user("jianpiao", "scrutineer", election=election)
    signer = member_account(election, "m18")

    contexts: list[Any] = []
    try:
        staff = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(staff, "gongzuozu")

        # The petition: from the election page's recall card, against an elected leader (A3).
        staff.goto(f"/elections/{election.pk}/")
        staff.locator("#recall-panel").get_by_role("link", name="罢免联名").click()
        staff.wait_for_url(lambda url: url.endswith("/recall/"))
        staff.get_by_label("被罢免人").select_option(LEADER)
        staff.get_by_label("罢免理由").fill("长期不履行职责，群众反映强烈")
        screenshot(staff, "recall-01-index")
        staff.get_by_role("button", name="发起").click()
        staff.get_by_text("已发起罢免 唐明 的联名。").wait_for()
        petition = Petition.objects.get(election=election, leader=LEADER)

        # Paper signatures: a probationary member rejects the batch with the line named (P1) ...
        box = staff.locator("form[action$='/signatures/'] textarea")
        box.fill("\n".join([*SIGNERS[:7], "m21"]))
        staff.locator("#add-signatures").click()
        staff.locator("#errors-signatures").get_by_text("第 8 行 m21 王小川（预备党员）").wait_for()
        screenshot(staff, "recall-02-signatures-refused")
        assert petition.signatures.count() == 0
        # ... and the seven good ones are one short of 20% (A3).
        staff.locator("form[action$='/signatures/'] textarea").fill("\n".join(SIGNERS[:7]))
        staff.locator("#add-signatures").click()
        staff.get_by_text("签名已录入。").wait_for()
        assert staff.locator("#a3-status .zx-stat").inner_text() == "7 / 8"
        assert "尚差 1 人" in staff.locator("#a3-decision").inner_text()
        assert staff.locator("#convene").count() == 0
        screenshot(staff, "recall-03-one-short")

        # A member signs online on a phone: 8 of 40 is exactly 20%, which suffices (A3).
        phone = new_page(chromium, live_server, PHONE, contexts)
        log_in(phone, signer.username)
        phone.goto(f"/elections/{election.pk}/recall/{petition.pk}/")
        assert "签名即表示您提议召开党员大会表决罢免 唐明" in phone.locator("#a3-status").inner_text()
        no_sideways_scroll(phone)
        screenshot(phone, "recall-04-sign-phone")
        phone.locator("#sign-online").click()
        phone.get_by_text("您已在罢免 唐明 的联名上签名。").wait_for()
        assert phone.locator("#signed").inner_text() == "您已签名。"
        assert phone.locator("#a3-status .zx-stat").inner_text() == "8 / 8"
        decision = phone.locator("#a3-decision").inner_text()
        assert "有效签名 8 人，占有表决权党员 40 人的 20.00%，需不少于 20.00%（8 人），达到要求" in decision
        assert decision.strip().endswith("A3")
        no_sideways_scroll(phone)
        screenshot(phone, "recall-05-signed-phone")

        # The working group convenes the recall meeting and checks members in (M1).
        staff.reload()
        assert "达到要求" in staff.locator("#a3-decision").inner_text()
        staff.get_by_label("会议地点").fill("镇政府大礼堂")
        staff.locator("#convene").click()
        staff.get_by_text("已召集罢免表决会议。").wait_for()
        staff.locator("form[action$='/check-in/'] textarea").fill(" ".join(HALL[:31]))
        staff.locator("#check-in-submit").click()
        staff.get_by_text("签到已录入。").wait_for()
        assert "低于应到会 40 人的 4/5" in staff.locator("#quorum").inner_text()
        staff.locator("form[action$='/check-in/'] textarea").fill(HALL[31])
        staff.locator("#check-in-submit").click()
        staff.get_by_text("签到已录入。").wait_for()
        assert staff.locator("#present-count").inner_text() == "32"
        assert "实到会 32 人，不低于应到会 40 人的 4/5" in staff.locator("#quorum").inner_text()
        # Officers approved by the meeting: not the leader (唐明 is m05), members with rights (M2).
        staff.get_by_label("监票人编号").fill("m05 m30")
        staff.locator("#officers-submit").click()
        staff.locator("#errors-officers").get_by_text("m05 是本次大会的候选人，不能担任监票人").wait_for()
        staff.get_by_label("监票人编号").fill("m30 m31")
        staff.get_by_label("计票人编号").fill("m33 m34")
        staff.locator("#officers-submit").click()
        staff.get_by_text("监票人、计票人已确定。").wait_for()
        screenshot(staff, "recall-06-meeting")

        # A scrutineer opens the vote: the 32 in the hall are its members present (M1, S3).
        scrutineer = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(scrutineer, "jianpiao")
        scrutineer.goto(f"/elections/{election.pk}/recall/{petition.pk}/")
        scrutineer.locator("#start-vote").click()
        scrutineer.get_by_text("已宣布开始表决，实到会人数已记录。").wait_for()
        assert "实到会 32 人" in scrutineer.locator("#stage-quorum-vote").inner_text()

        # Two tellers count the paper ballots; the first entries differ and must be re-entered (S3).
        counts = {"issued": 32, "yes": 21, "no": 10, "abstain": 1, "invalid": 0}
        teller1 = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(teller1, "jipiao1")
        teller1.goto(f"/elections/{election.pk}/recall/{petition.pk}/")
        enter_vote_count(teller1, {**counts, "yes": 20, "no": 11})
        teller2 = new_page(chromium, live_server, PHONE, contexts)
        log_in(teller2, "jipiao2")
        teller2.goto(f"/elections/{election.pk}/recall/{petition.pk}/")
        enter_vote_count(teller2, counts)
        teller2.locator("#vote-differences").wait_for()
        no_sideways_scroll(teller2)
        screenshot(teller2, "recall-07-counts-differ-phone")
        teller1.reload()
        enter_vote_count(teller1, counts)
        teller1.get_by_text("两名计票人的录入一致。").wait_for()

        # A scrutineer confirms; the core decides A3: 21 > half of 应到会 40.
        scrutineer.reload()
        scrutineer.locator("#accept-vote").click()
        scrutineer.get_by_text("监票人已确认罢免表决计票结果。").wait_for()
        verdict = scrutineer.locator("#verdict").inner_text()
        assert "唐明 被罢免：赞成罢免 21 > 应到会 40 的一半，其职位出缺，须补选" in verdict
        assert verdict.strip().endswith("A3")
        screenshot(scrutineer, "recall-08-recalled")

        # The by-election: candidates, two tellers' totals, the scrutineer's confirmation (M5-M9, S3).
        staff.reload()
        staff.locator("form[action$='/by-election/'] textarea").fill("m40\nm41")
        staff.locator("#by-candidates-submit").click()
        staff.get_by_text("补选候选人已确定。").wait_for()
        scrutineer.reload()
        scrutineer.locator("#start-by_election").click()
        scrutineer.get_by_text("已宣布开始表决，实到会人数已记录。").wait_for()
        totals = {
            "issued": 32, "valid": 30, "invalid": 2,
            "for_m40": 18, "against_m40": 10, "abstain_m40": 2,
            "for_m41": 11, "against_m41": 17, "abstain_m41": 2,
        }  # fmt: skip
        teller1.reload()
        enter_by_count(teller1, totals)
        teller2.reload()
        enter_by_count(teller2, totals)
        no_sideways_scroll(teller2)
        screenshot(teller2, "recall-09-by-election-count-phone")
        scrutineer.reload()
        scrutineer.locator("#accept-by").click()
        scrutineer.get_by_text("监票人已确认补选计票结果。").wait_for()
        decisions = scrutineer.locator("#by-decisions").inner_text()
        assert "当选：赞成 18 > 实到会 32 的一半" in decisions
        assert scrutineer.locator("#by-result").count() == 1
        assert "补选结果：韩梅 当选，补上出缺的职位" in scrutineer.locator("#by-winners").inner_text()
        screenshot(scrutineer, "recall-10-by-election-result")

        # The seat is filled: the core's elected deputies no longer include 唐明 but m40.
        elected = election_outcome(election).outcome("elected")
        assert "m40" in elected["deputy_secretary"]  # type: ignore[index]
        assert LEADER not in elected["deputy_secretary"]  # type: ignore[index]
        staff.goto(f"/elections/{election.pk}/recall/")
        assert "已补选" in staff.locator("#petitions").inner_text()
        screenshot(staff, "recall-11-index-done")
    finally:
        for context in contexts:
            context.close()
