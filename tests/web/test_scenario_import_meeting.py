"""Importing the members' meeting of a scenario file (M1–M11, S1, S3).

The meeting block becomes the rows the meeting, tally and results apps hold once every vote is published:
the meeting (closed when the core needs nothing more), approved scrutineers and tellers (M2), one Round per
vote in the order held — follow-ups (M8–M10) under their round, named as the meeting app names them — with
the ballot order the core computed (C4, with cascaded losers, M3), the present count (M1), ballots issued
(M6) and one agreed tally sheet per vote (M4–M6) entered under the inactive ``import-teller`` account.
What the apps cannot hold is set aside with a note naming its path; a file the apps cannot hold at all is
refused with every problem named, and nothing is stored.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from zhixuan.scenario.errors import ScenarioError
from zhixuan.scenario.loader import load_path, validate
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.elections.scenario_export import election_scenario
from zhixuan.web.elections.scenario_import import IMPORT_TELLER, do_import_scenario
from zhixuan.web.meeting.models import Meeting, Round

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

NAMES = [
    "王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "黄磊", "赵敏", "吴强", "周丽",
    "徐军", "孙燕", "马超", "朱红", "胡斌", "郭芳", "何勇", "高洁", "林峰", "罗娟",
]  # fmt: skip


def _import_path(admin: Any, county: Any, name: str) -> tuple[Any, Any]:
    path = EXAMPLES / name
    return do_import_scenario(admin, county=county, text=path.read_text(encoding="utf-8"), filename=path.name)


def _import_doc(admin: Any, county: Any, doc: dict[str, Any]) -> tuple[Any, Any]:
    return do_import_scenario(admin, county=county, text=json.dumps(doc, ensure_ascii=False), filename="m.json")


def small_meeting(**round_fields: Any) -> dict[str, Any]:
    """20 members; two deputy secretaries from m02–m05 (a meeting-only file: candidates are roster ids)."""
    rnd = {"id": "deputy", "position": "deputy", "candidates": ["m02", "m03", "m04", "m05"], "present": 20}
    rnd.update(round_fields)
    return {
        "format": "zhixuan-scenario/1",
        "election": {"id": "small", "title": "小型党员大会", "township": "白龙镇", "preset": "three-round"},
        "positions": [{"id": "deputy", "name": "党委副书记", "kind": "deputy_secretary", "seats": 2}],
        "roster": {"members": [{"id": f"m{i:02d}", "name": n} for i, n in enumerate(NAMES, start=1)]},
        "meeting": {"scrutineers": ["m10", "m11"], "tellers": ["m12"], "rounds": [rnd]},
    }


def test_three_round_meeting_becomes_published_rounds_in_the_cores_ballot_order(county_admin: Any, county: Any) -> None:
    election, prepared = _import_path(county_admin, county, "three-round-township.yaml")
    meeting = election.meeting
    assert meeting.status == "closed" and meeting.closed_at is not None
    officers = [(o.member.number, o.role, o.approved_at is not None) for o in meeting.officers.order_by("pk")]
    assert officers == [
        ("m30", "scrutineer", True), ("m31", "scrutineer", True), ("m32", "scrutineer", True),
        ("m33", "teller", True), ("m34", "teller", True),
    ]  # fmt: skip
    rounds = list(Round.objects.filter(meeting=meeting).order_by("order"))
    core = run_scenario(load_path(EXAMPLES / "three-round-township.yaml")).outcome["rounds"]
    assert [(r.key, r.kind, r.position.kind, r.seats) for r in rounds] == [
        ("r1-secretary", "regular", "secretary", 1),
        ("r2-deputy", "regular", "deputy_secretary", 2),
        ("r3-member", "regular", "member", 4),
        ("r3-member/supplementary-1", "supplementary", "member", 1),  # M9: one seat left after round 3
    ]
    # Ballot order is the core's (C4): round 2 has the 4 formal deputies and 何丽, who opted in (M3).
    assert [r.candidates for r in rounds] == [v["candidates"] for v in core]  # type: ignore[union-attr]
    assert "heli" in rounds[1].candidates and len(rounds[1].candidates) == 5
    assert rounds[3].followup_of == rounds[2] and rounds[2].followup_of is None
    assert {(r.status, r.present, r.issued) for r in rounds} == {("published", 36, 36)}
    assert [(o.applicant.number, o.stands) for o in rounds[0].opt_ins.all()] == [("heli", True)]
    # One agreed sheet per vote under the import teller, who cannot log in; the ballots add up to collected.
    for rnd in rounds:
        [sheet] = rnd.tally_sheets.all()
        assert sheet.agreed and sheet.mode == "ballots" and sheet.teller.username == IMPORT_TELLER
        assert sheet.collected == sum(e.count for e in sheet.entries.all()) == 36
    teller = rounds[0].tally_sheets.get().teller
    assert not teller.is_active and not teller.has_usable_password()
    assert rounds[0].tally_sheets.get().entries.order_by("pk").first().marks == {"for": ["zhouwb"], "against": ["heli"]}
    # The file's winners: 周文斌; 唐明 and 何丽; 田军, 董小红, 邓海波 and, in the supplementary vote, 于敏.
    elected = election_outcome(election).outcome("elected")
    assert {k: sorted(v) for k, v in elected.items()} == {
        "secretary": ["zhouwb"],
        "deputy_secretary": ["heli", "tangming"],
        "member": ["denghb", "dongxh", "tianjun", "yumin"],
    }
    assert election_scenario(election)["meeting"] == prepared.document["meeting"]


def test_the_imported_meeting_makes_the_result_report(county_admin: Any, county: Any) -> None:
    from zhixuan.web.results.actions import do_create_result_report

    election, _prepared = _import_path(county_admin, county, "three-round-township.yaml")
    report = do_create_result_report(county_admin, election=election)
    assert [v["key"] for r in report.content["rounds"] for v in r["votes"]] == [
        "r1-secretary", "r2-deputy", "r3-member", "r3-member/supplementary-1",
    ]  # fmt: skip
    assert {e["position"]: e["names"] for e in report.content["elected"]}["secretary"] == ["周文斌"]


def test_a_void_round_and_its_rerun_keep_the_meeting_apps_names(county_admin: Any, county: Any) -> None:
    election, prepared = _import_path(county_admin, county, "void-round.yaml")
    rounds = list(Round.objects.filter(meeting__election=election).order_by("order"))
    # The run keeps a re-run under its round's key; the meeting app names it as a follow-up (M6).
    assert [(r.key, r.kind, r.issued) for r in rounds] == [
        ("secretary", "regular", 28),
        ("secretary/rerun-1", "rerun", 28),
    ]
    # 29 ballots collected for 28 issued: held on the tellers' sheet, so the round stays void (M6).
    assert rounds[0].tally_sheets.get().collected == 29
    votes = election_outcome(election).outcome("rounds")
    assert [v["status"] for v in votes] == ["void", "complete"]  # type: ignore[index]
    assert prepared.notes == []  # collected equal to the ballots entered is not a change


def test_a_meeting_that_still_needs_a_vote_stays_open_at_its_stage(county_admin: Any, county: Any) -> None:
    election, _prepared = _import_path(county_admin, county, "needs-input.yaml")
    assert election.meeting.status == "open" and election.meeting.closed_at is None
    assert election.stages.get(status="current").kind == "meeting"
    assert list(election.meeting.rounds.values_list("key", "status")) == [("member", "published")]
    needs = election_outcome(election).report.needs  # type: ignore[union-attr]
    assert needs is not None and needs.rule == "M8"  # 李秀英 and 刘洋 tie for the last seat: a re-vote


def test_compact_marks_become_lists_in_ballot_order_and_a_present_list_becomes_check_ins(
    county_admin: Any, county: Any
) -> None:
    hall = [f"m{i:02d}" for i in range(1, 19)]  # 18 of 20 members
    doc = small_meeting(
        present=hall,
        collected=18,
        written_for_others=2,
        ballots=[
            {"count": 10, "marks": "FF.A"},
            {"count": 6, "marks": ".FF?"},
            {"count": 2, "for": ["m02"]},
        ],
    )
    order = run_scenario(validate(copy.deepcopy(doc))).outcome["rounds"][0]["candidates"]  # type: ignore[index]
    election, prepared = _import_doc(county_admin, county, doc)
    rnd = Round.objects.get(meeting__election=election)
    assert rnd.candidates == order and rnd.present == 18 and rnd.issued == 18
    sheet = rnd.tally_sheets.get()
    assert [(e.count, e.marks) for e in sheet.entries.order_by("pk")] == [
        (10, {"for": [order[0], order[1]], "against": [order[3]]}),
        (6, {"for": [order[1], order[2]], "unclear": [order[3]]}),
        (2, {"for": ["m02"]}),
    ]
    assert sheet.collected == 18
    meeting = Meeting.objects.get(election=election)
    assert sorted(meeting.attendance.values_list("member__number", flat=True)) == hall
    # The same counts as the file itself, and every decision word for word.
    want = run_scenario(validate(copy.deepcopy(doc)))
    got = election_outcome(election).report
    assert got.outcome["rounds"][0]["counts"] == want.outcome["rounds"][0]["counts"]  # type: ignore[union-attr, index]
    assert [d.to_json() for s in got.sections for d in s.decisions] == [  # type: ignore[union-attr]
        d.to_json() for s in want.sections for d in s.decisions
    ]
    notes = {n.path: n for n in prepared.notes}
    assert notes["meeting.rounds[0].written_for_others"].set_aside
    assert "代写选票 2 张" in notes["meeting.rounds[0].written_for_others"].zh
    assert not notes["meeting.rounds[0].present"].set_aside and "18 人" in notes["meeting.rounds[0].present"].zh
    assert not notes["meeting.rounds[0].ballots"].set_aside


def test_votes_the_core_never_reaches_and_opt_ins_of_non_applicants_are_set_aside(
    county_admin: Any, county: Any
) -> None:
    # 李秀英 and 张伟 have 13 of 20 each (more than half, M7): both seats are filled, the round is complete.
    doc = small_meeting(
        ballots=[{"count": 13, "for": ["m02", "m03"]}, {"count": 7, "for": ["m04"]}],
        opt_ins=["m04"],
        followups=[{"kind": "revote", "present": 20, "ballots": []}],
    )
    election, prepared = _import_doc(county_admin, county, doc)
    notes = {n.path: n for n in prepared.notes}
    assert notes["meeting.rounds[0].opt_ins[0]"].set_aside and "m04" in notes["meeting.rounds[0].opt_ins[0]"].zh
    # The round was complete, so the file's re-vote is never held (M8): set aside, no row for it.
    assert notes["meeting.rounds[0].followups[0]"].set_aside
    assert list(Round.objects.filter(meeting__election=election).values_list("key", flat=True)) == ["deputy"]
    assert election.meeting.status == "closed"


def test_a_round_after_one_that_needs_input_is_set_aside(county_admin: Any, county: Any) -> None:
    doc = small_meeting(ballots=[{"count": 20, "for": ["m02"]}])  # one seat of two filled: M9 needs a vote
    doc["positions"].append({"id": "member", "name": "党委委员", "kind": "member", "seats": 1})
    doc["meeting"]["rounds"].append({"id": "member", "position": "member", "candidates": ["m06", "m07"], "present": 20})
    election, prepared = _import_doc(county_admin, county, doc)
    assert [n.path for n in prepared.notes if n.set_aside] == ["meeting.rounds[1]"]
    assert list(election.meeting.rounds.values_list("key", flat=True)) == ["deputy"]
    assert election.meeting.status == "open"


def test_a_repeated_round_id_is_refused_and_nothing_is_stored(county_admin: Any, county: Any) -> None:
    doc = small_meeting(ballots=[{"count": 20, "for": ["m02", "m03"]}])
    doc["meeting"]["rounds"].append({**doc["meeting"]["rounds"][0]})
    with pytest.raises(ScenarioError) as caught:
        _import_doc(county_admin, county, doc)
    [problem] = caught.value.problems
    assert problem.path == "meeting.rounds[1].id" and "重复" in problem.zh
    assert Election.objects.count() == 0 and Meeting.objects.count() == 0


def test_a_repeated_scrutineer_is_set_aside(county_admin: Any, county: Any) -> None:
    doc = small_meeting(ballots=[{"count": 20, "for": ["m02", "m03"]}])
    doc["meeting"]["scrutineers"] = ["m10", "m11", "m10"]
    election, prepared = _import_doc(county_admin, county, doc)
    assert [n.path for n in prepared.notes if n.set_aside] == ["meeting.scrutineers[2]"]
    assert list(election.meeting.officers.order_by("pk").values_list("member__number", "role")) == [
        ("m10", "scrutineer"), ("m11", "scrutineer"), ("m12", "teller"),
    ]  # fmt: skip
