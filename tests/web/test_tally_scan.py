"""Scanned paper ballots in the meeting (issue 6, item 2): upload, two-teller adjudication, combined tally.

A committee round of two seats with four candidates; 16 paper ballots issued. Synthetic scans are made
from the round's real printed ballot (``zhixuan.scan.synth`` with a seed, so every sheet is known):
rotated and upside-down sheets, doubtful marks, a write-in, two marks in a row, and one sheet of another
round. What the scanner reads clean must be the ground truth; everything doubtful goes to two different
tellers; the round's count (scanned + hand-entered + electronic) is the core's and equals the ground truth.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from web_helpers import make_user, roster_csv

from zhixuan.rules.ballots import Attendance, tally_round
from zhixuan.scan.synth import Mix, SheetTruth, Synth, demo_expected
from zhixuan.web.audit.models import AuditEntry
from zhixuan.web.meeting.models import Meeting, Officer, OfficerRole, Round, RoundStatus
from zhixuan.web.tally import actions, selectors
from zhixuan.web.tally.models import Adjudication, ScanBatch, ScannedSheet, ScanStatus, SheetMode
from zhixuan.web.tally.scanning import Upload

CANDIDATES = {"a01": "王煦", "a02": "李青", "a03": "张明", "a04": "赵一鸣"}
WRITE_IN = "0007"  # the member the write-in sheets name (tellers read it off the image)
SEED = 11
SHEETS = 12  # 11 of this round + 1 of another round
# Plenty of the hard cases, so a dozen sheets cover them all (checked in ``test_the_synthetic_set_covers``).
HARD = Mix(p_double=0.12, p_write_in=0.12, p_faint=0.2, p_erased=0.15, p_dot_in_box=0.15, p_upside_down=0.25)


@dataclass
class Setup:
    election: Any
    staff: Any
    round: Round
    t1: Any
    t2: Any
    t3: Any
    scrutineer: Any


@pytest.fixture
def setup(election: Any, qingquan_staff: Any) -> Setup:
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.roster.actions import do_import_members
    from zhixuan.web.roster.models import Member

    do_import_members(qingquan_staff, election=election, filename="members.csv", data=roster_csv(24))
    members = {m.number: m for m in Member.objects.filter(election=election)}
    for i, (number, name) in enumerate(CANDIDATES.items(), start=1):
        Applicant.objects.create(election=election, number=number, name=name, member=members[f"{i:04d}"])
    meeting = Meeting.objects.create(election=election, title="清泉镇党员大会")
    users = []
    for username, number, role in (
        ("teller1", "0010", OfficerRole.TELLER),
        ("teller2", "0011", OfficerRole.TELLER),
        ("teller3", "0012", OfficerRole.TELLER),
        ("jp1", "0013", OfficerRole.SCRUTINEER),
    ):
        user = make_user(username, "teller", election=election)
        Officer.objects.create(
            meeting=meeting, member=members[number], role=role, user=user, approved_at=timezone.now()
        )
        users.append(user)
    rnd = Round.objects.create(
        meeting=meeting,
        order=1,
        key="r1-member",
        position=election.positions.get(kind="member"),
        seats=2,
        candidates=list(CANDIDATES),
        present=16,
    )
    actions.do_record_issue(qingquan_staff, round=rnd, count=16)
    Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.CLOSED)
    rnd.refresh_from_db()
    return Setup(election, qingquan_staff, rnd, *users)


_SCANS: dict[tuple[str, ...], list[tuple[bytes, SheetTruth]]] = {}


def scans(rnd: Round, count: int = SHEETS) -> list[tuple[bytes, SheetTruth]]:
    """The seeded synthetic set for ``rnd``'s printed ballot: the last sheet belongs to another round."""
    expected = selectors.expected_ballot(rnd)
    key = (*expected.key, *expected.candidate_ids, str(count))
    if key not in _SCANS:
        synth = Synth(expected, seed=SEED, mix=HARD)
        other = Synth(demo_expected(expected.key[0], "r2-secretary", candidates=3, seats=1), seed=SEED)
        foreign_jpg, foreign = other.sheet(0)
        foreign.expect = "refused"  # for this round it is a foreign sheet
        _SCANS[key] = [synth.sheet(i) for i in range(count - 1)] + [(foreign_jpg, foreign)]
    return _SCANS[key]


def uploads(items: list[tuple[bytes, SheetTruth]], prefix: str = "sheet") -> list[Upload]:
    return [Upload(f"{prefix}-{i:02d}.jpg", jpg) for i, (jpg, _t) in enumerate(items)]


def teller_view(truth: SheetTruth, candidates: list[str]) -> tuple[dict[str, str], list[str]]:
    """What a careful teller decides looking at the sheet: each row's marked box, and the write-in's name."""
    choices: dict[str, str] = {}
    for index, number in enumerate(candidates):
        marked = [b.choice for b in truth.boxes if b.row == index and b.marked]
        choices[number] = "none" if not marked else marked[0] if len(marked) == 1 else "unclear"
    return choices, [WRITE_IN] * len(truth.write_in_rows)


def true_marks(truth: SheetTruth, candidates: list[str]) -> dict[str, Any]:
    choices, write_ins = teller_view(truth, candidates)
    return selectors.choices_to_marks(choices, write_ins)


def adjudicate_all(s: Setup, pairs: list[tuple[ScannedSheet, SheetTruth]], *tellers: Any) -> None:
    for sheet, truth in pairs:
        choices, write_ins = teller_view(truth, s.round.candidates)
        for teller in tellers or (s.t1, s.t2):
            actions.do_adjudicate(teller, sheet=sheet, choices=choices, write_ins=write_ins)


def core_count(s: Setup, ballots: list[dict[str, Any]]) -> Any:
    """The core's count of the ground-truth ballots: what the round's tally must equal."""
    ctx = selectors.write_in_context(s.round)
    spec = selectors.round_spec(s.round)
    attendance = Attendance(expected=0, present=16, issued=16, collected=len(ballots))
    entries = [(selectors.to_ballot(m, spec, ctx), 1) for m in ballots]
    return tally_round(spec, entries, attendance, selectors.election_settings(s.election), ctx.eligible)


def hand_enter(s: Setup, ballots: list[dict[str, Any]], tellers: tuple[Any, ...] = ()) -> None:
    for teller in tellers or (s.t1, s.t2):
        sheet = actions.do_start_sheet(teller, round=s.round, mode=SheetMode.BALLOTS)
        for marks in ballots:
            actions.do_add_ballot(teller, sheet=sheet, marks=marks)
        actions.do_submit_sheet(teller, sheet=sheet, collected=len(ballots))


# --- the synthetic set ---------------------------------------------------------------------------


def test_the_synthetic_set_covers_rotation_upside_down_doubtful_marks_write_ins_and_a_foreign_sheet(
    setup: Setup,
) -> None:
    truths = [t for _jpg, t in scans(setup.round)]
    assert sum(t.upside_down for t in truths) >= 2
    assert all(abs(t.rotation_deg) <= 3 for t in truths) and any(abs(t.rotation_deg) > 1 for t in truths)
    assert any(t.doubtful for t in truths)  # faint / erased / a dot in a box
    assert any(t.write_in_rows for t in truths)
    assert [t.expect for t in truths].count("refused") == 1 and truths[-1].round_key == "r2-secretary"


# --- upload --------------------------------------------------------------------------------------


def test_upload_reads_clean_sheets_as_their_ground_truth_sends_doubtful_ones_to_tellers_and_refuses_a_foreign_one(
    setup: Setup,
) -> None:
    items = scans(setup.round)
    result = actions.do_upload_scans(setup.t1, round=setup.round, files=uploads(items))
    assert len(result.sheets) == SHEETS
    counts = {status: 0 for status in ScanStatus.values}
    for sheet, (_jpg, truth) in zip(result.sheets, items, strict=True):
        counts[sheet.status] += 1
        if truth.expect == "refused":
            assert sheet.status == ScanStatus.REFUSED and sheet.marks is None
            reason = sheet.reading["reasons"][0]
            assert reason["code"] == "foreign"
            assert "r2-secretary 轮，不是本次读取的选举" in reason["zh"] and "r1-member 轮，拒收" in reason["zh"]
            assert sheet.source == "第 12 个文件（sheet-11.jpg）"  # a refused sheet says where to find it
        elif truth.expect == "adjudicate":  # two marks in a row, or a write-in: never guessed
            assert sheet.status == ScanStatus.ADJUDICATE and sheet.marks is None
        elif sheet.status == ScanStatus.READ:
            assert sheet.marks == true_marks(truth, setup.round.candidates)  # read clean = the truth, exactly
            assert truth.ballot is not None
        else:
            assert truth.doubtful and sheet.status == ScanStatus.ADJUDICATE  # only a doubtful box may go to tellers
        if sheet.status != ScanStatus.READ:
            assert sheet.source == "" or sheet.status == ScanStatus.REFUSED
        assert bytes(sheet.image)[:3] == b"\xff\xd8\xff"  # the annotated page (JPEG) is kept for the record
    summary = selectors.scan_summary(setup.round)
    assert (summary.read, summary.unresolved, summary.refused) == (
        counts["read"],
        counts["adjudicate"],
        counts["refused"],
    )
    assert summary.refused == 1 and summary.unresolved >= 3 and summary.read >= 5
    # The batch says who uploaded what, with counts per file; one audit entry for the upload.
    batch = ScanBatch.objects.get(round=setup.round)
    assert batch.uploaded_by == setup.t1 and len(batch.files) == SHEETS
    assert (batch.sheets_read, batch.sheets_adjudicate, batch.sheets_refused) == (
        counts["read"],
        counts["adjudicate"],
        counts["refused"],
    )
    entry = AuditEntry.objects.get(action="tally.upload_scans")
    assert entry.data["read"] == counts["read"] and entry.data["refused"] == 1
    # No scan order is kept: ids are random and the stored order is by id (S1).
    ids = list(ScannedSheet.objects.filter(round=setup.round).values_list("pk", flat=True))
    assert ids == sorted(ids) and [s.pk for s in result.sheets] != ids
    assert all(len(i) == 32 for i in ids)


def test_a_multi_page_pdf_and_a_png_are_read_page_by_page(setup: Setup) -> None:
    from PIL import Image

    items = scans(setup.round)[:4]
    images = [Image.open(io.BytesIO(jpg)) for jpg, _t in items[:3]]
    pdf = io.BytesIO()
    images[0].save(pdf, format="PDF", save_all=True, append_images=images[1:], resolution=200.0)
    png = io.BytesIO()
    Image.open(io.BytesIO(items[3][0])).save(png, format="PNG")
    result = actions.do_upload_scans(
        setup.staff, round=setup.round, files=[Upload("box-1.pdf", pdf.getvalue()), Upload("last.png", png.getvalue())]
    )
    assert [p.where for p in result.pages] == [
        "第 1 个文件（box-1.pdf）第 1 页",
        "第 1 个文件（box-1.pdf）第 2 页",
        "第 1 个文件（box-1.pdf）第 3 页",
        "第 2 个文件（last.png）",
    ]
    for sheet, (_jpg, truth) in zip(result.sheets, items, strict=True):
        assert sheet.status != ScanStatus.REFUSED
        if sheet.status == ScanStatus.READ:
            assert sheet.marks == true_marks(truth, setup.round.candidates)
    assert [f["pages"] for f in result.batch.files] == [3, 1]


def test_the_same_file_uploaded_twice_is_refused_and_nothing_of_that_upload_is_stored(setup: Setup) -> None:
    items = scans(setup.round)
    actions.do_upload_scans(setup.t1, round=setup.round, files=uploads(items[:3]))
    with pytest.raises(ValidationError, match="同一份扫描不能重复上传计票，本次上传未保存任何选票") as exc:
        actions.do_upload_scans(setup.t2, round=setup.round, files=uploads(items[2:5], prefix="again"))
    assert (
        "第 1 个文件（again-00.jpg）与 " in exc.value.messages[0]
        and "上传的“sheet-02.jpg”是同一个文件" in exc.value.messages[0]
    )
    with pytest.raises(ValidationError, match=r"第 2 个文件（b\.jpg）与第 1 个文件（a\.jpg）是同一个文件"):
        actions.do_upload_scans(
            setup.t2, round=setup.round, files=[Upload("a.jpg", items[5][0]), Upload("b.jpg", items[5][0])]
        )
    assert ScannedSheet.objects.filter(round=setup.round).count() == 3
    assert ScanBatch.objects.filter(round=setup.round).count() == 1


def test_files_that_are_not_scans_are_refused_naming_the_file(setup: Setup) -> None:
    jpg = scans(setup.round)[0][0]
    with pytest.raises(ValidationError, match=r"第 2 个文件（notes.txt）不是 JPEG、PNG 图像或 PDF 文件"):
        actions.do_upload_scans(
            setup.t1, round=setup.round, files=[Upload("a.jpg", jpg), Upload("notes.txt", b"hello")]
        )
    with pytest.raises(ValidationError, match=r"第 1 个文件（empty.jpg）是空文件"):
        actions.do_upload_scans(setup.t1, round=setup.round, files=[Upload("empty.jpg", b"")])
    with pytest.raises(ValidationError, match=r"第 1 个文件（broken.pdf）无法作为 PDF 读取"):
        actions.do_upload_scans(setup.t1, round=setup.round, files=[Upload("broken.pdf", b"%PDF-1.4 not really")])
    with pytest.raises(ValidationError, match="请选择要上传的扫描文件"):
        actions.do_upload_scans(setup.t1, round=setup.round, files=[])
    assert not ScannedSheet.objects.exists()


def test_only_tellers_and_staff_upload_and_only_while_the_round_is_counted(setup: Setup, lingshan_staff: Any) -> None:
    jpg = scans(setup.round)[0][0]
    with pytest.raises(PermissionDenied):
        actions.do_upload_scans(lingshan_staff, round=setup.round, files=[Upload("a.jpg", jpg)])
    with pytest.raises(PermissionDenied):
        actions.do_upload_scans(setup.scrutineer, round=setup.round, files=[Upload("a.jpg", jpg)])
    Round.objects.filter(pk=setup.round.pk).update(status=RoundStatus.OPEN)
    setup.round.refresh_from_db()
    with pytest.raises(ValidationError, match="只有投票结束、计票结果确认之前才能录入计票"):
        actions.do_upload_scans(setup.t1, round=setup.round, files=[Upload("a.jpg", jpg)])


# --- adjudication --------------------------------------------------------------------------------


def _uploaded(s: Setup) -> list[tuple[ScannedSheet, SheetTruth]]:
    items = scans(s.round)
    result = actions.do_upload_scans(s.t1, round=s.round, files=uploads(items))
    return [(sheet, truth) for sheet, (_j, truth) in zip(result.sheets, items, strict=True)]


def test_a_doubtful_sheet_needs_two_different_tellers_who_agree(setup: Setup) -> None:
    pairs = [(sh, t) for sh, t in _uploaded(setup) if sh.status == ScanStatus.ADJUDICATE]
    sheet, truth = pairs[0]
    choices, write_ins = teller_view(truth, setup.round.candidates)
    rows = selectors.sheet_rows(sheet, setup.round)
    assert any(r.doubtful for r in rows)  # the screen highlights the rows the scanner doubted

    actions.do_adjudicate(setup.t1, sheet=sheet, choices=choices, write_ins=write_ins)
    actions.do_adjudicate(setup.t1, sheet=sheet, choices=choices, write_ins=write_ins)  # the same teller again
    sheet.refresh_from_db()
    assert sheet.unresolved and Adjudication.objects.filter(sheet=sheet).count() == 1
    with pytest.raises(PermissionDenied):  # a scrutineer is not a teller
        actions.do_adjudicate(setup.scrutineer, sheet=sheet, choices=choices, write_ins=write_ins)
    with pytest.raises(PermissionDenied):  # nor is the working group
        actions.do_adjudicate(setup.staff, sheet=sheet, choices=choices, write_ins=write_ins)

    actions.do_adjudicate(setup.t2, sheet=sheet, choices=choices, write_ins=write_ins)
    sheet.refresh_from_db()
    assert not sheet.unresolved and sheet.marks == true_marks(truth, setup.round.candidates)
    entries = AuditEntry.objects.filter(action="tally.adjudicate_scan", object_id=sheet.pk).order_by("seq")
    assert [e.data["resolved"] for e in entries] == [False, False, True]
    assert [e.data["revised"] for e in entries] == [False, True, False]


def test_a_decision_must_name_every_candidate_and_a_write_in_must_be_a_member(setup: Setup) -> None:
    sheet = next(sh for sh, _t in _uploaded(setup) if sh.status == ScanStatus.ADJUDICATE)
    with pytest.raises(ValidationError, match="请为 赵一鸣 选择一项裁定"):
        actions.do_adjudicate(setup.t1, sheet=sheet, choices={"a01": "for", "a02": "none", "a03": "none"})
    with pytest.raises(ValidationError, match="李青 的裁定“maybe”无法识别"):
        actions.do_adjudicate(
            setup.t1, sheet=sheet, choices={"a01": "for", "a02": "maybe", "a03": "none", "a04": "none"}
        )
    with pytest.raises(ValidationError, match="另选他人“9999”不是名册中的党员编号"):
        actions.do_adjudicate(
            setup.t1,
            sheet=sheet,
            choices={"a01": "against", "a02": "none", "a03": "none", "a04": "none"},
            write_ins=["9999"],
        )
    assert not Adjudication.objects.exists()


def test_tellers_who_differ_are_shown_side_by_side_until_one_revises(setup: Setup) -> None:
    sheet, truth = next((sh, t) for sh, t in _uploaded(setup) if sh.status == ScanStatus.ADJUDICATE)
    choices, write_ins = teller_view(truth, setup.round.candidates)
    wrong = {**choices, "a01": "unclear" if choices["a01"] != "unclear" else "for"}
    actions.do_adjudicate(setup.t1, sheet=sheet, choices=choices, write_ins=write_ins)
    actions.do_adjudicate(setup.t2, sheet=sheet, choices=wrong, write_ins=write_ins)
    sheet.refresh_from_db()
    assert sheet.unresolved
    shown = selectors.decisions(sheet, setup.round)
    assert [d.teller for d in shown] == ["teller1", "teller2"]
    assert shown[0].choices["a01"] != shown[1].choices["a01"] and shown[0].zh != shown[1].zh
    # The second teller looks again and revises: now they agree.
    actions.do_adjudicate(setup.t2, sheet=sheet, choices=choices, write_ins=write_ins)
    sheet.refresh_from_db()
    assert sheet.marks == true_marks(truth, setup.round.candidates)
    # The 弃权 box and no mark at all are the same abstention: tellers who differ only there agree.
    other = next(sh for sh, _t in _uploaded_more(setup) if sh.status == ScanStatus.ADJUDICATE)
    base = {c: "none" for c in setup.round.candidates} | {"a01": "for"}
    actions.do_adjudicate(setup.t1, sheet=other, choices=base)
    actions.do_adjudicate(setup.t3, sheet=other, choices=base | {"a02": "abstain"})
    other.refresh_from_db()
    assert other.marks == {"for": ["a01"]}


def _uploaded_more(s: Setup) -> list[tuple[ScannedSheet, SheetTruth]]:
    """Another seed's sheets (different images), for a second upload in the same test."""
    expected = selectors.expected_ballot(s.round)
    synth = Synth(expected, seed=SEED + 1, mix=Mix(p_double=0.5, p_upside_down=0))
    items = [synth.sheet(i) for i in range(3)]
    result = actions.do_upload_scans(s.t2, round=s.round, files=uploads(items, prefix="more"))
    return [(sheet, truth) for sheet, (_j, truth) in zip(result.sheets, items, strict=True)]


def test_a_scrutineer_may_send_a_clean_sheet_to_the_tellers(setup: Setup) -> None:
    sheet, truth = next((sh, t) for sh, t in _uploaded(setup) if sh.status == ScanStatus.READ)
    with pytest.raises(PermissionDenied):
        actions.do_challenge_sheet(setup.staff, sheet=sheet, reason="看看")
    actions.do_challenge_sheet(setup.scrutineer, sheet=sheet, reason="第 2 行像是擦过")
    sheet.refresh_from_db()
    assert sheet.status == ScanStatus.ADJUDICATE and sheet.unresolved and sheet.challenged_by == setup.scrutineer
    assert AuditEntry.objects.get(action="tally.challenge_scan").data["read_as"] == true_marks(
        truth, setup.round.candidates
    )
    with pytest.raises(ValidationError, match="只有扫描已读取（未送裁定）的选票可以提出异议"):
        actions.do_challenge_sheet(setup.t2, sheet=sheet)
    adjudicate_all(setup, [(sheet, truth)])
    sheet.refresh_from_db()
    assert sheet.marks == true_marks(truth, setup.round.candidates)


# --- the round's count ---------------------------------------------------------------------------


def test_the_rounds_count_combines_scanned_and_hand_entered_ballots_and_equals_the_ground_truth(
    setup: Setup,
) -> None:
    from zhixuan.web.elections.scenario_export import election_scenario
    from zhixuan.web.meeting import actions as meeting_actions

    pairs = _uploaded(setup)
    candidates = setup.round.candidates
    # Two ballots jammed in the scanner are entered by hand by both tellers (not scanned).
    by_hand = [{"for": ["a01", "a02"]}, {"against": ["a03"], "for": ["a04"]}]
    hand_enter(setup, by_hand)

    pending = [(sh, t) for sh, t in pairs if sh.status == ScanStatus.ADJUDICATE]
    state = selectors.paper_state(setup.round)
    assert not state.ready and state.scan is not None and state.scan.unresolved == len(pending)
    assert f"还有 {len(pending)} 张扫描选票须两名计票人裁定" in state.problems[0].zh
    with pytest.raises(ValidationError, match=f"还有 {len(pending)} 张扫描选票须两名计票人裁定"):
        actions.do_agree_sheets(setup.staff, round=setup.round)
    with pytest.raises(ValidationError, match=f"还有 {len(pending)} 张扫描选票须两名计票人裁定"):
        meeting_actions.do_request_step(setup.staff, rnd=setup.round, step="accept")

    adjudicate_all(setup, pending[:1], setup.t1, setup.t3)  # any two different tellers
    adjudicate_all(setup, pending[1:])
    state = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert state.ready and state.scan is not None and state.scan.unresolved == 0

    truth = [true_marks(t, candidates) for _sh, t in pairs if t.expect != "refused"] + by_hand
    expected = core_count(setup, truth)
    tally = state.tally
    assert tally is not None
    # M6: collected = scanned ballots counted + hand-entered = 11 + 2 ≤ 16 issued; valid + invalid = collected.
    assert (tally.issued, tally.collected) == (16, 13) and tally.valid + tally.invalid == 13
    assert (tally.valid, tally.invalid) == (expected.valid, expected.invalid)
    assert {c: (n.for_, n.against, n.abstain) for c, n in tally.counts.items()} == {
        c: (n.for_, n.against, n.abstain) for c, n in expected.counts.items()
    }
    assert dict(tally.write_ins) == dict(expected.write_ins)
    assert state.decisions[0].code == "round_valid"
    assert AuditEntry.objects.get(action="tally.agree_sheets").data["scanned"] == 11

    # Once the count is agreed nothing scanned changes any more.
    with pytest.raises(ValidationError, match="本轮纸质票计票结果已确认一致，不能再更改扫描选票"):
        actions.do_upload_scans(setup.t1, round=setup.round, files=uploads(_more_sheets(setup), prefix="late"))
    with pytest.raises(ValidationError, match="已确认一致"):
        choices, write_ins = teller_view(pending[0][1], candidates)
        actions.do_adjudicate(setup.t2, sheet=pending[0][0], choices=choices, write_ins=write_ins)

    # The scenario export (and so the result report and `zhixuan run`) counts the scanned ballots too.
    Round.objects.filter(pk=setup.round.pk).update(status=RoundStatus.ACCEPTED)
    doc = election_scenario(setup.election)
    exported = doc["meeting"]["rounds"][0]["ballots"]
    assert sum(b.get("count", 1) for b in exported) == 13
    key = selectors.ballot_key
    assert sorted(key(b) for b in exported) == sorted(key(b) for b in truth)


def _more_sheets(s: Setup) -> list[tuple[bytes, SheetTruth]]:
    synth = Synth(selectors.expected_ballot(s.round), seed=SEED + 2)
    return [synth.sheet(0)]


def test_collected_over_issued_voids_the_round_with_scans_counted(setup: Setup) -> None:
    """M6 holds over scanned + hand-entered ballots together: 11 scanned + 6 by hand = 17 > 16 issued."""
    pairs = _uploaded(setup)
    adjudicate_all(setup, [(sh, t) for sh, t in pairs if sh.status == ScanStatus.ADJUDICATE])
    hand_enter(setup, [{"for": ["a01"]}] * 6)
    state = actions.do_agree_sheets(setup.staff, round=setup.round)
    assert state.tally is not None and state.tally.collected == 17
    assert state.void and state.decisions[0].code == "round_void"


def test_a_teller_cannot_enter_totals_once_the_round_has_scans(setup: Setup) -> None:
    actions.do_upload_scans(setup.t1, round=setup.round, files=uploads(scans(setup.round)[:1]))
    with pytest.raises(ValidationError, match="本轮有扫描选票，汇总数无法与扫描选票合并计票"):
        actions.do_start_sheet(setup.t1, round=setup.round, mode=SheetMode.TOTALS)


def test_no_scan_upload_before_paper_ballots_are_issued(setup: Setup) -> None:
    from zhixuan.web.tally.models import BallotIssue

    BallotIssue.objects.filter(round=setup.round).delete()
    with pytest.raises(ValidationError, match="本轮没有登记发出纸质选票"):
        actions.do_upload_scans(setup.t1, round=setup.round, files=uploads(scans(setup.round)[:1]))


# --- pages ---------------------------------------------------------------------------------------


def test_upload_page_shows_each_file_and_page_and_images_are_for_officers_and_staff_only(
    client: Any, setup: Setup, lingshan_staff: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    items = scans(setup.round)[-3:]  # two of this round, then the foreign one
    url = reverse("tally:scans", args=[setup.election.pk, setup.round.pk])
    client.force_login(setup.t1)
    files = [SimpleUploadedFile(f"s{i}.jpg", jpg, content_type="image/jpeg") for i, (jpg, _t) in enumerate(items)]
    page = client.post(url, {"files": files})
    assert page.status_code == 200
    text = page.content.decode()
    assert "第 3 个文件（s2.jpg）" in text and "不是本次读取的选举" in text  # the refused sheet, with its reason
    assert "已上传 3 张" in text
    again = client.post(url, {"files": [SimpleUploadedFile("s0.jpg", items[0][0], content_type="image/jpeg")]})
    assert again.status_code == 422 and "同一份扫描不能重复上传计票" in again.content.decode()

    sheet = ScannedSheet.objects.exclude(status=ScanStatus.REFUSED).first()
    assert sheet is not None
    screen = client.get(reverse("tally:scan_sheet", args=[setup.election.pk, setup.round.pk, sheet.pk]))
    assert screen.status_code == 200 and 'id="sheet-image"' in screen.content.decode()
    image_url = reverse("tally:scan_image", args=[setup.election.pk, setup.round.pk, sheet.pk])
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg" and image.content[:3] == b"\xff\xd8\xff"
    strip = client.get(image_url + "?row=0")
    assert strip.status_code == 200 and len(strip.content) < len(image.content)

    client.force_login(setup.scrutineer)
    assert client.get(image_url).status_code == 200
    client.force_login(lingshan_staff)  # another township's staff: the election does not exist for them
    assert client.get(image_url).status_code == 404
    client.logout()
    assert client.get(image_url).status_code == 302  # to the login page, never the image


def test_a_third_teller_who_reads_otherwise_does_not_undo_two_who_agree(setup: Setup) -> None:
    sheet, truth = next((sh, t) for sh, t in _uploaded(setup) if sh.status == ScanStatus.ADJUDICATE)
    choices, write_ins = teller_view(truth, setup.round.candidates)
    actions.do_adjudicate(setup.t1, sheet=sheet, choices=choices, write_ins=write_ins)
    actions.do_adjudicate(setup.t2, sheet=sheet, choices=choices, write_ins=write_ins)
    actions.do_adjudicate(setup.t3, sheet=sheet, choices={**choices, "a04": "unclear"}, write_ins=write_ins)
    sheet.refresh_from_db()
    assert sheet.marks == true_marks(truth, setup.round.candidates)
    # But if one of the two revises to the third's reading, that pair decides instead.
    actions.do_adjudicate(setup.t2, sheet=sheet, choices={**choices, "a04": "unclear"}, write_ins=write_ins)
    sheet.refresh_from_db()
    assert sheet.marks is not None and sheet.marks.get("unclear", []).count("a04") == 1


def test_scan_pages_in_english(client: Any, setup: Setup) -> None:
    from django.urls import reverse

    items = scans(setup.round)
    result = actions.do_upload_scans(setup.t1, round=setup.round, files=uploads([*items[:4], items[-1]]))
    client.force_login(setup.t1)
    url = reverse("tally:scans", args=[setup.election.pk, setup.round.pk])
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert 'lang="en"' in page and "Scanned ballots" in page and "Upload and read" in page
    assert "this sheet belongs to election" in page  # the reader's reason, in English
    assert "扫描选票" not in page
    sheet = next(s for s in result.sheets if s.status == ScanStatus.ADJUDICATE)
    screen = client.get(reverse("tally:scan_sheet", args=[setup.election.pk, setup.round.pk, sheet.pk])).content
    assert "No mark" in screen.decode() and "Abstain box" in screen.decode()
