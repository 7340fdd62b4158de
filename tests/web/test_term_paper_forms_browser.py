"""The fast form-by-form screen in a browser, keyboard only: a teller enters printed rating forms with number
keys (auto-advancing row by row), records with Enter, enters 5 identical forms with X, undoes with U, and
submits; the ledger updates in place. Screenshot ``test-artifacts/screenshots/term-paper-forms.png``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_results_report import hold_meeting, import_example
from test_term_browser import LAPTOP, log_in, new_page
from web_helpers import make_user, screenshot

from zhixuan.web.term import actions, selectors
from zhixuan.web.term.models import PaperCount, ReviewSession


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(transaction=True)
def test_a_teller_enters_forms_with_the_keyboard_only(
    chromium: Any, live_server: Any, county_admin: Any, county: Any
) -> None:
    from zhixuan.web.meeting.models import Meeting

    election, kinds = import_example(county_admin, county)
    if not Meeting.objects.filter(election=election).exists():
        hold_meeting(election, kinds)
    session = actions.do_create_session(
        county_admin, election=election, year=2027, held_on=None, satisfaction=True, competence=True
    )
    actions.do_set_groups(county_admin, session=session, groups=[actions.GroupInput("members", "党员", "1")])
    actions.do_open_session(county_admin, session=session)
    group = session.groups.get()
    make_user("teller-a", "working_group", township=election.township)
    rows = session.leaders.count() * 2  # a row per scale and leader, as the printed form
    contexts: list[Any] = []
    try:
        page = new_page(chromium, live_server, LAPTOP, contexts)
        log_in(page, "teller-a")
        page.goto(f"/elections/{election.pk}/term/reviews/2027/paper/{group.pk}/")
        page.locator("#start-forms").click()
        page.locator("#form-grid").wait_for()
        # Form 1, read top to bottom as printed: the secretary 不满意 (3), the others 满意 (1); then the
        # competence table: the secretary 不称职 (4), the others 优秀 (1).
        for first in ("3", "4"):
            page.keyboard.press(first)
            for _ in range(rows // 2 - 1):
                page.keyboard.press("1")
        page.keyboard.press("Enter")
        page.locator("#entered-count", has_text="1").wait_for()
        # Five identical forms, all 满意 / 优秀, except one blank cell (0) for the secretary's satisfaction.
        page.keyboard.press("0")
        for _ in range(rows - 1):
            page.keyboard.press("1")
        page.keyboard.press("x")
        page.keyboard.type("5")
        page.keyboard.press("Enter")
        page.locator("#entered-count", has_text="6").wait_for()
        # A stray form, undone with U.
        page.keyboard.press("Escape")
        page.keyboard.press("2")
        page.keyboard.press("Enter")
        page.locator("#entered-count", has_text="7").wait_for()
        page.keyboard.press("u")
        page.locator("#entered-count", has_text="6").wait_for()
        page.keyboard.press("2")  # the cursor is back on the first row after each form
        page.locator("#ledger-rows li").first.wait_for()
        Path("/tmp/shots/termwork").mkdir(parents=True, exist_ok=True)
        page.screenshot(path="/tmp/shots/termwork/term-paper-forms.png", full_page=True)
        screenshot(page, "term-paper-forms")
        page.locator("#forms-collected").fill("6")
        page.locator("#submit-forms").click()
        page.locator("#submitted-badge").wait_for()
    finally:
        for context in contexts:
            context.close()
    entry = PaperCount.objects.get(group=group)
    assert entry.mode == "forms" and entry.submitted_at is not None and entry.collected == 6
    secretary = selectors.secretary(election).number
    assert entry.counts[secretary]["satisfaction"] == {"satisfied": 0, "basically_satisfied": 0, "dissatisfied": 1}
    assert entry.counts[secretary]["competence"] == {
        "excellent": 5,
        "competent": 0,
        "basically_competent": 0,
        "incompetent": 1,
    }
    other = next(x.leader for x in ReviewSession.objects.get(pk=session.pk).leaders.order_by("order")[1:2])
    assert entry.counts[other]["satisfaction"]["satisfied"] == 6
