"""Issue 4 items 7 and 8, the pages: staff results once accepted, public results only once published (S3),
the projector (大屏) with expected / present / quorum (M1), the round, its candidates (C4) and a
countdown, the public observer page with the audit chain head (S2), and the report page's buttons."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from test_results_report import hold_meeting, import_example
from web_helpers import PASSWORD, SCREENSHOTS, make_user, screenshot

from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.results import actions, selectors


def _client(username: str | None = None) -> Client:
    client = Client()
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def accepted(county_admin: Any, county: Any) -> tuple[Any, dict[str, Any]]:
    """The three-round meeting with every vote counted and accepted, none yet published."""
    election, kinds = import_example(county_admin, county)
    return election, hold_meeting(election, kinds, status="accepted")


def _publish(*keys: str) -> None:
    from zhixuan.web.meeting.models import Round

    assert Round.objects.filter(key__in=keys).update(status="published") == len(keys)


def test_staff_see_accepted_rounds_the_public_sees_nothing_before_publication(
    accepted: tuple[Any, dict[str, Any]],
) -> None:
    election, _users = accepted
    staff = _client("county").get(f"/elections/{election.pk}/results/").content.decode()
    assert 'id="round-r1-secretary"' in staff and 'id="round-r3-member"' in staff
    assert "周文斌 当选：赞成 22 &gt; 实到会 36 的一半" in staff  # the core's words, with the rule ID
    assert '<span class="zx-rule">M7</span>' in staff
    assert "计票结果已确认" in staff  # each round's status badge

    public = _client().get(f"/public/elections/{election.pk}/meeting/")
    assert public.status_code == 200
    page = public.content.decode()
    assert "尚无已宣布的选举结果" in page
    assert "周文斌" not in page and "赞成" not in page
    assert selectors.public_results(election).rounds == []
    # The projector shows results once published too.
    screen = _client("county").get(f"/elections/{election.pk}/results/screen/live/").content.decode()
    assert "zx-latest" not in screen and "周文斌" not in screen


def test_the_public_sees_exactly_the_published_rounds(accepted: tuple[Any, dict[str, Any]]) -> None:
    election, _users = accepted
    _publish("r1-secretary")
    page = _client().get(f"/public/elections/{election.pk}/meeting/live/").content.decode()
    assert 'id="round-r1-secretary"' in page
    assert "r2-deputy" not in page and "唐明" not in page
    assert "周文斌" in page and "何丽 未当选：赞成 11 &lt; 实到会 36 的一半，未过半数" in page
    # Round 3 published but its supplementary vote only accepted: the public sees round 3 proper
    # and what it needs (M9), not the supplementary count.
    _publish("r2-deputy", "r3-member")
    public = selectors.public_results(election)
    assert [r.key for r in public.rounds] == ["r1-secretary", "r2-deputy", "r3-member"]
    assert [v.key for v in public.rounds[-1].votes] == ["r3-member"]
    assert public.needs is not None and public.needs.rule == "M9"
    assert {e.position: e.names for e in public.elected}["member"] == ["邓海波", "田军", "董小红"]
    staff = selectors.staff_results(election)
    assert [v.key for v in staff.rounds[-1].votes] == ["r3-member", "r3-member/supplementary-1"]
    assert {e.position: e.names for e in staff.elected}["member"] == ["于敏", "邓海波", "田军", "董小红"]


def test_other_townships_get_404_and_the_public_needs_a_published_announcement(
    accepted: tuple[Any, dict[str, Any]], county: Any
) -> None:
    from zhixuan.web.elections.actions import do_create_township

    election, _users = accepted
    elsewhere = do_create_township(None, county=county, name="白鹤镇")
    make_user("lingshan", "working_group", township=elsewhere)
    client = _client("lingshan")
    for url in ("results/", "results/screen/", "results/screen/live/", "results/report.pdf"):
        assert client.get(f"/elections/{election.pk}/{url}").status_code == 404, url
    assert client.post(f"/elections/{election.pk}/results/report/create/").status_code == 404
    assert _client().get(f"/elections/{election.pk}/results/").status_code == 302  # login first
    type(election).objects.filter(pk=election.pk).update(announced_at=None)
    assert _client().get(f"/public/elections/{election.pk}/meeting/").status_code == 404


def test_projector_shows_quorum_the_open_round_its_candidates_and_a_countdown(
    accepted: tuple[Any, dict[str, Any]], county_admin: Any
) -> None:
    from zhixuan.web.meeting.models import Round

    election, _users = accepted
    _publish("r1-secretary", "r2-deputy", "r3-member")
    supplementary = Round.objects.get(key="r3-member/supplementary-1")
    supplementary.status, supplementary.opened_at = "open", timezone.now() - timedelta(minutes=2)
    supplementary.save()
    actions.do_set_voting_time(county_admin, rnd=supplementary, minutes=10)
    state = selectors.screen(election)
    assert (state.hall.expected, state.hall.present) == (40, 36)  # type: ignore[union-attr]
    assert state.hall.quorum.code == "quorum_met"  # type: ignore[union-attr]
    assert state.current is not None and state.current.candidates == ["于敏", "袁超", "潘建华"]
    assert state.seconds_left is not None and 470 <= state.seconds_left <= 480
    html = _client("county").get(f"/elections/{election.pk}/results/screen/live/").content.decode()
    assert 'id="zx-expected">40<' in html and 'id="zx-present">36<' in html
    assert "实到会 36 人，不低于应到会 40 人的 4/5（32 人）" in html
    assert 'id="zx-clock"' in html and f'data-deadline="{state.deadline_ms}"' in html
    assert "另行选举" in html and "于敏" in html
    # Closed rounds cannot get a new voting time.
    with pytest.raises(Exception, match="投票已结束"):
        actions.do_set_voting_time(county_admin, rnd=Round.objects.get(key="r1-secretary"), minutes=5)
    response = _client("county").post(
        f"/elections/{election.pk}/results/rounds/{supplementary.pk}/voting-time/", {"minutes": "abc"}, follow=True
    )
    assert "投票时间请填写整数分钟数。" in response.content.decode()


def test_report_buttons_follow_the_roles(county_admin: Any, county: Any) -> None:
    election, kinds = import_example(county_admin, county)
    users = hold_meeting(election, kinds)
    county_client = _client("county")
    response = county_client.post(f"/elections/{election.pk}/results/report/create/", follow=True)
    assert "选举结果报告单已生成，请监票人签字。" in response.content.decode()
    report = selectors.report_of(election)
    assert report is not None and report.chain_head in response.content.decode()
    # The scrutineer's account sees the sign button and signs; a teller gets a clear refusal.
    scrutineer = users["scrutineers"][0]
    page = _client(scrutineer.username).get(f"/elections/{election.pk}/results/").content.decode()
    assert "我是监票人 孙志华，核对无误，签字" in page
    _client(scrutineer.username).post(f"/elections/{election.pk}/results/report/sign/")
    teller = users["tellers"][0]
    refused = _client(teller.username).post(f"/elections/{election.pk}/results/report/sign/", follow=True)
    assert "只有经大会通过的监票人才能在选举结果报告单上签字" in refused.content.decode()
    assert list(report.signatures.values_list("officer__member__name", flat=True)) == ["孙志华"]
    for user in users["scrutineers"][1:]:
        actions.do_sign_report(user, report=report)
    county_client.post(f"/elections/{election.pk}/results/report/submit/")
    done = county_client.post(
        f"/elections/{election.pk}/results/report/approve/", {"approval_ref": "青组干〔2026〕7号"}, follow=True
    ).content.decode()
    assert "县委已批复：青组干〔2026〕7号" in done
    report.refresh_from_db()
    assert report.approval_ref == "青组干〔2026〕7号"
    # The observer page shows the chain head as it stands now (S2).
    observer = _client().get(f"/public/elections/{election.pk}/meeting/").content.decode()
    assert chain_head(election.audit_chain) in observer


@pytest.mark.browser
def test_screenshots_of_the_projector_the_observer_page_and_the_report(
    chromium: Any, live_server: Any, county_admin: Any, county: Any, tmp_path: Path
) -> None:
    import subprocess

    from zhixuan.web.meeting.models import Round

    election, kinds = import_example(county_admin, county)
    users = hold_meeting(election, kinds)
    Round.objects.filter(key="r3-member/supplementary-1").update(
        status="open", opened_at=timezone.now() - timedelta(seconds=75)
    )
    actions.do_set_voting_time(county_admin, rnd=Round.objects.get(key="r3-member/supplementary-1"), minutes=15)
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/elections/{election.pk}/results/screen/")
    page.wait_for_timeout(600)
    clock = page.locator("#zx-clock").inner_text()
    assert clock.startswith("13:") or clock.startswith("14:"), clock  # counted down by the page
    assert page.locator("#zx-present").inner_text() == "36"
    assert "符合法定人数" in page.locator("#zx-quorum").inner_text()
    assert page.locator("#zx-candidates span").all_inner_texts() == ["于敏", "袁超", "潘建华"]
    page.screenshot(path=str(SCREENSHOTS / "results-projector-1920.png"))
    screenshot(page, "results-projector-1920-full")
    # The observer page on a phone, no login.
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url)
    observer = phone.new_page()
    observer.goto(f"/public/elections/{election.pk}/meeting/")
    assert observer.locator("#present").inner_text() == "36"
    assert observer.locator("#chain-head").inner_text() == chain_head(election.audit_chain)
    assert observer.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(observer, "results-observer-phone")
    # Finish the meeting, make and sign the report, and render its first page.
    Round.objects.filter(key="r3-member/supplementary-1").update(status="published")
    report = actions.do_create_result_report(county_admin, election=election)
    for user in users["scrutineers"][:2]:
        actions.do_sign_report(user, report=report)
    page.goto(f"/elections/{election.pk}/results/")
    screenshot(page, "results-staff-overview")
    response = page.request.get(f"/elections/{election.pk}/results/report.pdf")
    assert response.status == 200
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "results-report-pdf")], check=True)
    assert (SCREENSHOTS / "results-report-pdf-1.png").exists()
    context.close()
    phone.close()


def test_the_public_record_download_holds_only_published_votes(accepted: tuple[Any, dict[str, Any]]) -> None:
    from zhixuan.web.board.selectors import public_record

    election, _users = accepted
    assert "meeting" not in public_record(election)  # accepted is not published (S3)
    _publish("r1-secretary")
    rounds = public_record(election)["meeting"]["rounds"]
    assert [r["id"] for r in rounds] == ["r1-secretary"]
