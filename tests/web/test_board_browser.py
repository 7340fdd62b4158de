"""The board on a phone (390×844) and the candidates page in a browser; screenshots for review."""

from __future__ import annotations

from typing import Any

from django.test import Client
from test_candidates_example_fixture import load_example
from web_helpers import PASSWORD, screenshot

from zhixuan.web.candidates.actions import do_publish_formal_list, do_record_county_vote, do_record_inspection
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.nomination.models import Applicant

FAILS = {"xudanhong": "个人有关事项报告不实", "lilei": "群众反映其在村级工程中优亲厚友，经核实属实"}


def _qingquan(county_admin: Any, townships: Any, *, publish: bool) -> Any:
    import yaml
    from test_candidates_example_fixture import EXAMPLES

    election = load_example(county_admin, townships["清泉镇"], "qingquan-two-recommendation.yaml")
    preliminary = election_outcome(election).outcome("preliminary")
    assert isinstance(preliminary, dict)
    numbers = sorted({i for ids in preliminary.values() for i in ids})
    for number in numbers[: len(numbers) if publish else 30]:
        reason = FAILS.get(number, "")
        applicant = Applicant.objects.get(election=election, number=number)
        do_record_inspection(county_admin, election=election, applicant=applicant, passed=not reason, reason=reason)
    if publish:
        doc = yaml.safe_load((EXAMPLES / "qingquan-two-recommendation.yaml").read_text(encoding="utf-8"))
        do_record_county_vote(county_admin, election=election, voters=31, votes=doc["county_vote"]["for"], held_on=None)
        do_publish_formal_list(county_admin, election=election)
    return election


def test_board_on_a_phone(live_server: Any, chromium: Any, county_admin: Any, townships: Any) -> None:
    election = _qingquan(county_admin, townships, publish=True)
    page = chromium.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page.goto(f"{live_server.url}/public/elections/{election.pk}/board/")
    assert page.locator("#item-formal").inner_text().count("吴凤、张俊东") == 1
    assert page.locator("#lot-speech").is_visible()
    # Nothing is wider than the phone: no sideways scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "board-phone")
    page.goto(f"{live_server.url}/public/elections/{election.pk}/board/verify/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "board-verify-phone")
    page.close()


def test_candidates_page_in_a_browser(live_server: Any, chromium: Any, county_admin: Any, townships: Any) -> None:
    election = _qingquan(county_admin, townships, publish=False)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/elections/{election.pk}/candidates/")
    assert "未记录考察结果" in page.locator("#needs").inner_text()
    screenshot(page, "candidates-page")
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, storage_state=context.storage_state())
    mobile = phone.new_page()
    mobile.goto(f"{live_server.url}/elections/{election.pk}/candidates/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(mobile, "candidates-phone")
    phone.close()
    context.close()


def test_board_in_english(county_admin: Any, townships: Any) -> None:
    election = load_example(county_admin, townships["灵山乡"], "three-round-township.yaml", reveal_lot=False)
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/public/elections/{election.pk}/board/").content.decode()
    assert "Everything published for this election, in procedure order" in page and "Not published yet." in page
    assert "The secret is revealed after the draw" in page
