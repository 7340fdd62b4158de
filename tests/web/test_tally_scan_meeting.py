"""Scanned ballots in a whole meeting (issue 6): the secretary round of the three-round example is counted
from synthetic scans plus the tellers' hand-entered ballots, accepted with the scrutineer's confirmation (S3),
and the election's record — the scenario `zhixuan run` reads — counts exactly those ballots (M6, M7)."""

from __future__ import annotations

import hashlib
from typing import Any

from test_meeting_flow import _step
from test_meeting_flow import lingshan as lingshan  # the three-round example up to an open meeting
from test_tally_scan import true_marks
from web_helpers import make_user

from zhixuan.rules.ballots import Attendance, tally_round
from zhixuan.scan.synth import CLEAN, Synth
from zhixuan.scenario.loader import validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.meeting import actions as meeting_actions
from zhixuan.web.tally import actions, selectors
from zhixuan.web.tally.models import ScanStatus, SheetMode
from zhixuan.web.tally.scanning import Upload


def test_the_secretary_round_counted_from_scans_and_hand_entries_is_what_the_record_runs_to(
    lingshan: dict[str, Any],
) -> None:
    election, meeting, staff = lingshan["election"], lingshan["meeting"], lingshan["staff"]
    # A second teller (M2): proposed from the members present, given an account, approved by the meeting.
    officer = meeting_actions.do_propose_officer(staff, meeting=meeting, number="m34", role="teller")
    jj2 = make_user("jj2", "member", election=election)
    meeting_actions.do_link_officer_user(staff, officer=officer, username="jj2")
    meeting_actions.do_approve_officers(staff, meeting=meeting)
    jj1 = lingshan["jj1"]

    r1 = meeting_actions.do_create_next_round(staff, meeting=meeting)
    r1 = _step(lingshan, r1, "open")
    actions.do_record_issue(staff, round=r1, count=r1.present)
    r1 = _step(lingshan, r1, "close")

    synth = Synth(selectors.expected_ballot(r1), seed=4, mix=CLEAN)
    items = [synth.sheet(i) for i in range(10)]
    result = actions.do_upload_scans(
        jj1, round=r1, files=[Upload(f"{i}.jpg", jpg) for i, (jpg, _t) in enumerate(items)]
    )
    truths = {hashlib.sha256(jpg).hexdigest(): truth for jpg, truth in items}
    candidates = list(r1.candidates)
    for sheet in result.sheets:
        assert sheet.status != ScanStatus.REFUSED
        if sheet.status == ScanStatus.ADJUDICATE:  # not expected with clean marks, but two tellers would decide
            from test_tally_scan import teller_view

            choices, write_ins = teller_view(truths[sheet.sha256], candidates)
            for teller in (jj1, jj2):
                actions.do_adjudicate(teller, sheet=sheet, choices=choices, write_ins=write_ins)
    by_hand = [{"for": ["zhouwb"], "against": ["heli"]}] * 18 + [{"for": ["heli"], "against": ["zhouwb"]}] * 5
    for teller in (jj1, jj2):
        sheet = actions.do_start_sheet(teller, round=r1, mode=SheetMode.BALLOTS)
        for marks in by_hand:
            actions.do_add_ballot(teller, sheet=sheet, marks=marks)
        actions.do_submit_sheet(teller, sheet=sheet, collected=len(by_hand))
    actions.do_agree_sheets(staff, round=r1)
    r1 = _step(lingshan, r1, "accept")

    truth = [true_marks(t, candidates) for t in truths.values()] + by_hand
    ctx = selectors.write_in_context(r1)
    spec = selectors.round_spec(r1)
    expected = tally_round(
        spec,
        [(selectors.to_ballot(m, spec, ctx), 1) for m in truth],
        Attendance(expected=0, present=r1.present or 0, issued=r1.issued, collected=len(truth)),
        selectors.election_settings(election),
        ctx.eligible,
    )
    # The record (what `zhixuan run` reads) holds every counted ballot, scanned and hand-entered, once.
    doc = election_scenario(election)
    exported = doc["meeting"]["rounds"][0]
    assert sum(b.get("count", 1) for b in exported["ballots"]) == len(truth) == 33
    key = selectors.ballot_key
    assert sorted(key(b) for b in exported["ballots"]) == sorted(key(b) for b in truth)
    # Running the record gives the same count as the core over the ground truth, and the app shows that run.
    report = run_scenario(validate(doc))
    m6 = next(d for d in report.decisions if d.rule == "M6" and d.subject == r1.key)
    assert m6.code == "round_valid" and m6.facts["collected"] == 33
    assert (m6.facts["valid"], m6.facts["invalid"]) == (expected.valid, expected.invalid)
    names = dict(selectors.candidate_labels(r1))
    for number in candidates:  # each candidate's M7 verdict (elected or not) counts the same for-votes
        verdict = next(d for d in report.decisions if d.subject in (number, names[number]) and "for" in d.facts)
        assert verdict.facts["for"] == expected.counts[number].for_
    assert election_outcome(election).outcome("elected") == report.outcome.get("elected")
