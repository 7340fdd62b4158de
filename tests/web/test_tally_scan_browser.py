"""Scanned ballots in Debian's Chromium (issue 6): a teller uploads the round's scans, two tellers adjudicate
the doubtful sheets with the keyboard (one disagreement, shown side by side, then revised), the tellers'
sheets for ballots not scanned are agreed, and the round's count is the ground truth."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_tally_scan import Setup, core_count, scans, teller_view, true_marks
from test_tally_scan import setup as setup  # the shared round fixture
from web_helpers import PASSWORD, SCREENSHOTS, screenshot

from zhixuan.scan.synth import SheetTruth
from zhixuan.web.tally import actions, selectors
from zhixuan.web.tally.models import ScannedSheet, ScanStatus, SheetMode

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("ZHIXUAN_SHOTS", "/tmp/shots/scanweb"))
KEYS = {"for": "1", "against": "2", "abstain": "3", "none": "0", "unclear": "?"}


def shot(page: Any, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOTS / f"{name}.png", SHOTS / f"{name}.png")


def new_page(chromium: Any, live_server: Any, username: str) -> Any:
    context = chromium.new_context(viewport=LAPTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def decide(page: Any, truth: SheetTruth, candidates: list[str], *, wrong: bool = False) -> None:
    """Read the sheet as a teller does, keys only: back to the first row, one key per row, write-ins, Enter."""
    choices, write_ins = teller_view(truth, candidates)
    if wrong:
        choices = {**choices, candidates[0]: "unclear" if choices[candidates[0]] != "unclear" else "for"}
    page.locator("#adjudication-grid").wait_for()
    for _ in candidates:
        page.keyboard.press("ArrowUp")
    for number in candidates:
        page.keyboard.press(KEYS[choices[number]])
    if page.locator("#write-ins").count():
        page.keyboard.press("w")
        page.keyboard.press("Control+a")
        page.keyboard.type(" ".join(write_ins))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def adjudicate_queue(page: Any, truths: dict[str, SheetTruth], candidates: list[str], *, wrong_first: bool) -> int:
    """Follow 裁定下一张 until none is left for this teller; returns how many sheets were decided."""
    page.locator("#next-mine").click()
    decided = 0
    first = True
    while "/scans/" in page.url and not page.url.rstrip("/").endswith("/scans"):
        sheet_id = page.url.rstrip("/").split("/")[-1]
        sheet = ScannedSheet.objects.get(pk=sheet_id)
        decide(page, truths[sheet.sha256], candidates, wrong=wrong_first and first)
        if wrong_first and first:
            page.locator("#decisions-differ").wait_for()  # both readings shown side by side
            assert page.locator("#decisions tr.table-warning").count() >= 1
            shot(page, "scan-adjudication-differ-laptop")
            decide(page, truths[sheet.sha256], candidates)  # looks again and revises
        first = False
        decided += 1
    return decided


def test_teller_uploads_two_tellers_adjudicate_and_the_rounds_count_is_the_ground_truth(
    chromium: Any, live_server: Any, setup: Setup
) -> None:
    items = scans(setup.round)
    truths = {hashlib.sha256(jpg).hexdigest(): truth for jpg, truth in items}
    candidates = list(setup.round.candidates)

    page = new_page(chromium, live_server, "teller1")
    page.goto(f"/elections/{setup.election.pk}/tally/rounds/{setup.round.pk}/")
    page.locator("#scan-link").click()
    page.locator("#scan-files").set_input_files(
        [{"name": f"scan-{i:02d}.jpg", "mimeType": "image/jpeg", "buffer": jpg} for i, (jpg, _t) in enumerate(items)]
    )
    page.locator("#upload-button").click()
    page.locator("#upload-result").wait_for()
    result = page.locator("#upload-result").inner_text()
    assert "第 12 个文件（scan-11.jpg）" in result and "不是本次读取的选举" in result
    summary = selectors.scan_summary(setup.round)
    assert page.locator("#scan-pending").inner_text() == str(summary.unresolved) and summary.unresolved >= 3
    assert page.locator("#scan-refused").inner_text() == "1"
    shot(page, "scan-upload-laptop")
    page.set_viewport_size(PHONE)
    shot(page, "scan-upload-phone")
    page.set_viewport_size(LAPTOP)

    # Teller 1 takes the queue; the first screen is photographed at both widths.
    page.locator("#next-mine").click()
    page.locator("#adjudication-grid").wait_for()
    page.wait_for_function("document.getElementById('sheet-image').complete")
    shot(page, "scan-adjudication-laptop")
    page.set_viewport_size(PHONE)
    shot(page, "scan-adjudication-phone")
    page.set_viewport_size(LAPTOP)
    page.go_back()
    page.reload()
    assert adjudicate_queue(page, truths, candidates, wrong_first=False) == summary.unresolved
    assert selectors.scan_summary(setup.round).unresolved == summary.unresolved  # one teller is not enough

    # Teller 2 does not see teller 1's readings before deciding; misreads the first, then revises.
    other = new_page(chromium, live_server, "teller2")
    other.goto(f"/elections/{setup.election.pk}/tally/rounds/{setup.round.pk}/scans/")
    other.locator("#next-mine").click()
    other.locator("#hidden-decisions").wait_for()
    assert other.locator("#decisions").count() == 0
    other.go_back()
    other.reload()
    assert adjudicate_queue(other, truths, candidates, wrong_first=True) == summary.unresolved
    assert selectors.scan_summary(setup.round).unresolved == 0
    for sheet in ScannedSheet.objects.filter(round=setup.round).exclude(status=ScanStatus.REFUSED):
        assert sheet.marks == true_marks(truths[sheet.sha256], candidates)

    # Every ballot was scanned: each teller submits an empty hand-entry sheet, and the count is agreed.
    for teller in (setup.t1, setup.t2):
        sheet = actions.do_start_sheet(teller, round=setup.round, mode=SheetMode.BALLOTS)
        actions.do_submit_sheet(teller, sheet=sheet, collected=0)
    page.goto(f"/elections/{setup.election.pk}/tally/rounds/{setup.round.pk}/")
    page.locator("#agree-button").click()
    page.locator("#core-tally").wait_for()
    truth_ballots = [true_marks(t, candidates) for t in truths.values() if t.expect != "refused"]
    expected = core_count(setup, truth_ballots)
    assert page.locator("#tally-collected").inner_text() == str(len(truth_ballots)) == "11"
    assert page.locator("#tally-valid").inner_text() == str(expected.valid)
    assert page.locator("#tally-invalid").inner_text() == str(expected.invalid)
    assert "含扫描选票 11 张" in page.locator("#tally-scanned").inner_text()
    state = selectors.paper_state(setup.round)
    assert state.tally is not None and state.ready
    assert {c: (n.for_, n.against, n.abstain) for c, n in state.tally.counts.items()} == {
        c: (n.for_, n.against, n.abstain) for c, n in expected.counts.items()
    }
    shot(page, "scan-round-tally-laptop")
    page.context.close()
    other.context.close()
