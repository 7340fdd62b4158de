"""State changes of the paper count: one transaction and one audit entry each (S2).

Nothing here records who received or cast a ballot (S1): batches of issued ballots are counts,
and a teller's entries are the ballots' contents as read from the box, in no voter's order.
Whether a ballot or a round is valid is the core's decision (M4, M5, M6; see ``selectors``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhixuan.rules.ballots import TallyError
from zhixuan.web.accounts import selectors as access
from zhixuan.web.audit.log import append_entry
from zhixuan.web.meeting.models import Round, RoundStatus
from zhixuan.web.tally import scanning, selectors
from zhixuan.web.tally.models import (
    Adjudication,
    BallotIssue,
    PaperBallotEntry,
    PaperTotals,
    ScanBatch,
    ScannedSheet,
    ScanStatus,
    SheetMode,
    TallySheet,
)

# The most identical ballots one entry may stand for (a typo guard, far above any township).
MAX_COUNT = 100_000


def _chain(rnd: Round) -> str:
    return str(rnd.meeting.election.audit_chain)


def _locked_round(rnd: Round) -> Round:
    return Round.objects.select_for_update().select_related("meeting", "meeting__election", "position").get(pk=rnd.pk)


def _locked_sheet(sheet: TallySheet) -> TallySheet:
    return TallySheet.objects.select_for_update().select_related("round", "round__meeting").get(pk=sheet.pk)


def _check_counting(rnd: Round) -> None:
    if rnd.status != RoundStatus.CLOSED:
        raise ValidationError(
            _("本轮状态为“%(status)s”：只有投票结束、计票结果确认之前才能录入计票")
            % {"status": rnd.get_status_display()}
        )


def _check_own_open_sheet(actor: Any, sheet: TallySheet) -> None:
    if sheet.teller_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if sheet.agreed:
        raise ValidationError(_("两名计票人的录入已核对一致并确认，不能再修改"))
    _check_counting(sheet.round)


def _refusal(exc: TallyError, rnd: Round) -> ValidationError:
    """The core's reason a count does not add up, in the page's language, naming people by name."""
    decision = exc.decision
    text = decision.en if get_language() == "en" else decision.zh
    names = dict(selectors.candidate_labels(rnd))
    if decision.subject in names and text.startswith(decision.subject):
        text = names[decision.subject] + text[len(decision.subject) :]
    return ValidationError(f"{text} ({decision.rule})")


def _touch(sheet: TallySheet) -> None:
    """Any change to an entry withdraws the sheet's submission: it must be submitted again."""
    if sheet.submitted_at is not None:
        sheet.submitted_at = None
        sheet.save(update_fields=["submitted_at"])


# --- issued ballots ------------------------------------------------------------------------------


def do_record_issue(actor: Any, *, round: Round, count: int) -> BallotIssue:
    """A batch of ``count`` paper ballots handed out for ``round`` (counts only, never to whom: S1).

    ``Round.issued`` becomes the paper ballots handed out plus the meeting's active voting codes (M6).
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError(_("发出票数须为正整数"))
    if count > MAX_COUNT:
        raise ValidationError(_("一次发出 %(count)s 张不合常理，请核对") % {"count": count})
    with transaction.atomic():
        rnd = _locked_round(round)
        if rnd.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
            raise ValidationError(_("本轮投票已结束，不能再发出选票"))
        issue = BallotIssue.objects.create(
            round=rnd, count=count, recorded_by=actor if getattr(actor, "is_authenticated", False) else None
        )
        paper = selectors.paper_issued(rnd)
        rnd.issued = paper + selectors.active_codes(rnd)
        rnd.save(update_fields=["issued"])
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.record_issue",
            obj=issue,
            data={"round": rnd.key, "count": count, "paper_issued": paper, "issued": rnd.issued},
        )
    round.issued = rnd.issued
    return issue


# --- a teller's sheet ----------------------------------------------------------------------------


def do_start_sheet(actor: Any, *, round: Round, mode: str) -> TallySheet:
    """The acting teller's own sheet for ``round`` (M2: an approved teller with this account)."""
    if mode not in SheetMode.values:
        raise ValidationError(_("未知的录入方式"))
    with transaction.atomic():
        rnd = _locked_round(round)
        if selectors.teller_of(rnd.meeting, actor) is None:
            raise PermissionDenied
        _check_counting(rnd)
        if mode == SheetMode.TOTALS and rnd.electronic_ballots.exists():
            raise ValidationError(
                _("本轮有电子选票，不能按候选人汇总录入纸质票（汇总数无法与电子选票合并计票），请逐张录入")
            )
        if mode == SheetMode.TOTALS and rnd.scanned_sheets.exists():
            raise ValidationError(_("本轮有扫描选票，汇总数无法与扫描选票合并计票，请逐张录入未扫描的选票"))
        existing = TallySheet.objects.filter(round=rnd, teller=actor).first()
        if existing is not None:
            if existing.mode == mode:
                return existing
            if existing.entries.exists() or selectors.has_totals(existing):
                raise ValidationError(_("您的录入表已有数据，不能更换录入方式；请先撤销已录入的内容"))
            existing.mode = mode
            existing.save(update_fields=["mode"])
            sheet = existing
        else:
            sheet = TallySheet.objects.create(round=rnd, teller=actor, mode=mode)
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.start_sheet",
            obj=sheet,
            data={"round": rnd.key, "mode": mode},
        )
    return sheet


def clean_marks(
    rnd: Round,
    *,
    for_: Sequence[str] = (),
    against: Sequence[str] = (),
    unclear: Sequence[str] = (),
    write_ins: Sequence[str] = (),
) -> dict[str, Any]:
    """A ballot in the scenario's form, or ``ValidationError`` naming the bad mark."""
    names = dict(selectors.candidate_labels(rnd))
    seen: dict[str, str] = {}
    marks: dict[str, Any] = {}
    for key, label, numbers in (("for", _("赞成"), for_), ("against", _("不赞成"), against), ("unclear", "?", unclear)):
        kept = []
        for number in numbers:
            number = str(number).strip()
            if number not in names:
                raise ValidationError(_("%(number)s 不是本轮候选人") % {"number": number})
            if number in seen:
                raise ValidationError(_("%(name)s 在同一张选票上只能有一个标记") % {"name": names[number]})
            seen[number] = label
            kept.append(number)
        if kept:
            marks[key] = [c for c in rnd.candidates if c in kept]
    written = [w.strip() for w in write_ins if w.strip()]
    if written:
        if rnd.kind == "revote":
            raise ValidationError(_("并列重新投票只在并列者中投票，不能另选他人 (M8)"))
        ctx_members = selectors.write_in_context(rnd).members
        for number in written:
            if number not in ctx_members:
                raise ValidationError(
                    _("另选他人“%(number)s”不是名册中的党员编号；如所写之人不在名册中，该另选不计 (M5)，无需录入")
                    % {"number": number}
                )
        if len(set(written)) != len(written):
            raise ValidationError(_("同一人在一张选票上另选了两次，只录入一次"))
        marks["write_ins"] = [{"name": n, "for": True} for n in written]
    return marks


def do_add_ballot(actor: Any, *, sheet: TallySheet, marks: Mapping[str, Any], count: int = 1) -> PaperBallotEntry:
    """One paper ballot as read (or ``count`` identical ones) onto the teller's own sheet."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError(_("相同选票张数须为正整数"))
    if count > MAX_COUNT:
        raise ValidationError(_("相同选票 %(count)s 张不合常理，请核对") % {"count": count})
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _check_own_open_sheet(actor, sheet)
        if sheet.mode != SheetMode.BALLOTS:
            raise ValidationError(_("这份录入表按候选人汇总录入，不能逐张录入"))
        marks = clean_marks(
            sheet.round,
            for_=marks.get("for", []),
            against=marks.get("against", []),
            unclear=marks.get("unclear", []),
            write_ins=[str(w["name"]) for w in marks.get("write_ins", []) if w.get("for", True)],
        )
        entry = PaperBallotEntry.objects.create(sheet=sheet, marks=marks, count=count)
        _touch(sheet)
        append_entry(
            chain=_chain(sheet.round),
            actor=actor,
            action="tally.add_ballot",
            obj=sheet,
            data={"round": sheet.round.key, "marks": dict(marks), "count": count},
        )
    return entry


def do_remove_entry(actor: Any, *, sheet: TallySheet, entry_id: int | None = None) -> PaperBallotEntry | None:
    """Undo: remove one entry of the teller's own sheet (the last one when ``entry_id`` is None)."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _check_own_open_sheet(actor, sheet)
        found = sheet.entries.order_by("-pk")
        if entry_id is not None:
            found = found.filter(pk=entry_id)
        entry = found.first()
        if entry is None:
            raise ValidationError(_("没有可撤销的录入"))
        removed = {"marks": dict(entry.marks), "count": entry.count}
        entry.delete()
        _touch(sheet)
        append_entry(
            chain=_chain(sheet.round),
            actor=actor,
            action="tally.remove_ballot",
            obj=sheet,
            data={"round": sheet.round.key, **removed},
        )
    return entry


def do_set_totals(
    actor: Any,
    *,
    sheet: TallySheet,
    collected: int,
    valid: int,
    invalid: int,
    candidates: Mapping[str, Mapping[str, int]],
) -> PaperTotals:
    """Per-candidate totals of a totals-mode sheet, checked by the core to add up (M5, M6)."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _check_own_open_sheet(actor, sheet)
        if sheet.mode != SheetMode.TOTALS:
            raise ValidationError(_("这份录入表为逐张录入，不能填写汇总数"))
        rnd = sheet.round
        if rnd.electronic_ballots.exists():
            raise ValidationError(_("本轮有电子选票，不能按候选人汇总录入纸质票，请逐张录入"))
        if rnd.scanned_sheets.exists():
            raise ValidationError(_("本轮有扫描选票，汇总数无法与扫描选票合并计票，请逐张录入未扫描的选票"))
        clean = {c: {k: int(candidates[c][k]) for k in ("for", "against", "abstain")} for c in rnd.candidates}
        totals, _created = PaperTotals.objects.update_or_create(
            sheet=sheet, defaults={"valid": valid, "invalid": invalid, "candidates": clean}
        )
        sheet.collected = collected
        sheet.save(update_fields=["collected"])
        try:
            selectors.sheet_tally(sheet, rnd)
        except TallyError as exc:
            raise _refusal(exc, rnd) from exc
        _touch(sheet)
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.set_totals",
            obj=sheet,
            data={"round": rnd.key, "collected": collected, "valid": valid, "invalid": invalid, "candidates": clean},
        )
    return totals


def do_submit_sheet(actor: Any, *, sheet: TallySheet, collected: int) -> TallySheet:
    """The teller's sheet is complete: the ballots entered must add up to ``collected`` (M6)."""
    if isinstance(collected, bool) or not isinstance(collected, int) or collected < 0:
        raise ValidationError(_("收回票数须为非负整数"))
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _check_own_open_sheet(actor, sheet)
        rnd = sheet.round
        if sheet.mode == SheetMode.TOTALS and not selectors.has_totals(sheet):
            raise ValidationError(_("请先填写各候选人的汇总票数"))
        sheet.collected = collected
        try:
            # The core's M6 check: valid + invalid (every ballot entered) = collected.
            selectors.sheet_tally(sheet, rnd, collected=collected)
        except TallyError as exc:
            raise _refusal(exc, rnd) from exc
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["collected", "submitted_at"])
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.submit_sheet",
            obj=sheet,
            data={"round": rnd.key, "collected": collected, "entered": selectors.entered_count(sheet)},
        )
    return sheet


def do_agree_sheets(actor: Any, *, round: Round) -> selectors.PaperState:
    """Two tellers' submitted sheets match: mark one ``agreed`` as the round's paper count.

    The sheets hold the paper ballots entered by hand (those not scanned); the round's count is that
    sheet plus the scanned ballots counted plus the electronic ones. Refused while any scanned sheet
    awaits adjudication (how many is named) and while the sheets differ (the differences are named).
    A round that collected more than it issued is still agreed — the count is what it is — and the
    core's M6 decision declares it void, so the meeting must vote again (``PaperState.void``).
    """
    with transaction.atomic():
        rnd = _locked_round(round)
        _check_counting(rnd)
        found = list(TallySheet.objects.select_for_update().filter(round=rnd).order_by("pk"))
        if any(s.agreed for s in found):
            raise ValidationError(_("本轮纸质票已确认一致"))
        scan = selectors.scan_summary(rnd)
        if scan.unresolved:
            raise ValidationError(
                _("还有 %(n)s 张扫描选票须两名计票人裁定，裁定前不能确认计票结果") % {"n": scan.unresolved}
            )
        submitted = [s for s in found if s.submitted_at is not None]
        if len(submitted) < 2:
            raise ValidationError(_("须有两名计票人分别录入并提交，目前已提交 %(n)s 份") % {"n": len(submitted)})
        if any(s.mode == SheetMode.TOTALS for s in submitted) and rnd.electronic_ballots.exists():
            raise ValidationError(_("本轮有电子选票，按候选人汇总的录入无法与电子选票合并计票，请改为逐张录入"))
        if any(s.mode == SheetMode.TOTALS for s in submitted) and scan.sheets:
            raise ValidationError(_("本轮有扫描选票，按候选人汇总的录入无法与扫描选票合并计票，请改为逐张录入"))
        ctx = selectors.write_in_context(rnd, elected=selectors.elected_so_far(rnd.meeting.election))
        first, second = submitted[0], submitted[1]
        comparison = selectors.compare(first, second, rnd, ctx=ctx)
        for other in submitted[2:]:
            if comparison.same:
                comparison = selectors.compare(first, other, rnd, ctx=ctx)
        if not comparison.same:
            lines = [
                f"{d.zh}：{' / '.join('—' if v is None else str(v) for v in d.values)}" for d in comparison.differences
            ]
            lines += [p.zh for p in comparison.problems]
            raise ValidationError(_("两名计票人的录入不一致：%(lines)s") % {"lines": "；".join(lines)})
        # Ballot by ballot is the richer record (S4): prefer it as the round's paper count.
        chosen = next((s for s in submitted if s.mode == SheetMode.BALLOTS), first)
        extra = selectors.counted_extra(rnd)  # scanned ballots counted + electronic ballots
        try:
            tally = selectors.sheet_tally(chosen, rnd, ctx=ctx, electronic=extra)
        except TallyError as exc:
            raise _refusal(exc, rnd) from exc
        chosen.agreed = True
        chosen.save(update_fields=["agreed"])
        validity = tally.decisions[0]
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.agree_sheets",
            obj=chosen,
            data={
                "round": rnd.key,
                "sheets": [s.pk for s in submitted],
                "issued": tally.issued,
                "scanned": scan.counted,
                "collected": tally.collected,
                "valid": tally.valid,
                "invalid": tally.invalid,
                "void": tally.void,
                "m6": validity.code,
            },
        )
    return selectors.paper_state(rnd, ctx=ctx)


# --- scanned ballots -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadResult:
    """What an upload stored, and how each sheet read (for the summary shown once, right after it)."""

    batch: ScanBatch
    pages: list[scanning.Page]
    sheets: list[ScannedSheet]  # in the order of ``pages``; not stored in that order (random ids)


def may_upload(actor: Any, rnd: Round) -> bool:
    """Tellers (M2) and the staff running the election may upload scans."""
    return selectors.teller_of(rnd.meeting, actor) is not None or access.can_run_election(actor, rnd.meeting.election)


def _check_scan_open(rnd: Round) -> None:
    """Scans may be added or adjudicated while the round is counted and its paper count is not agreed."""
    _check_counting(rnd)
    if TallySheet.objects.filter(round=rnd, agreed=True).exists():
        raise ValidationError(_("本轮纸质票计票结果已确认一致，不能再更改扫描选票"))


def _check_no_totals(rnd: Round) -> None:
    if TallySheet.objects.filter(round=rnd, mode=SheetMode.TOTALS).exists():
        raise ValidationError(
            _("本轮已有计票人按候选人汇总录入，汇总数无法与扫描选票合并计票；请该计票人改为逐张录入后再上传")
        )


def _duplicates(rnd: Round, infos: Sequence[scanning.FileInfo], pages: Sequence[scanning.Page] = ()) -> list[str]:
    """Why an upload repeats images already stored (or repeats itself): one line per repeated file or page."""
    problems: list[str] = []
    seen_files: dict[str, str] = {}
    for batch in ScanBatch.objects.filter(round=rnd).select_related("uploaded_by"):
        when = timezone.localtime(batch.uploaded_at).strftime("%H:%M")
        who = batch.uploaded_by.first_name or batch.uploaded_by.get_username()
        for f in batch.files:
            seen_files[str(f["sha256"])] = _("%(when)s 由 %(who)s 上传的“%(name)s”") % {
                "when": when,
                "who": who,
                "name": f["name"],
            }
    this_upload: dict[str, str] = {}
    for info in infos:
        label = _("第 %(i)s 个文件（%(name)s）") % {"i": info.index, "name": info.name}
        if info.sha256 in seen_files:
            problems.append(
                _("%(file)s与 %(earlier)s是同一个文件") % {"file": label, "earlier": seen_files[info.sha256]}
            )
        elif info.sha256 in this_upload:
            problems.append(_("%(file)s与%(other)s是同一个文件") % {"file": label, "other": this_upload[info.sha256]})
        this_upload.setdefault(info.sha256, label)
    if problems:
        return problems
    stored = selectors.known_hashes(rnd, [p.sha256 for p in pages])
    seen_pages: dict[str, str] = {}
    for page in pages:
        if page.sha256 in stored:
            problems.append(_("%(page)s 的图像已经上传过") % {"page": page.where})
        elif page.sha256 in seen_pages:
            problems.append(
                _("%(page)s与%(other)s的图像完全相同") % {"page": page.where, "other": seen_pages[page.sha256]}
            )
        seen_pages.setdefault(page.sha256, page.where)
    return problems


def _refuse_duplicates(problems: Sequence[str]) -> None:
    if problems:
        raise ValidationError(
            _("同一份扫描不能重复上传计票，本次上传未保存任何选票：%(lines)s") % {"lines": "；".join(problems)}
        )


def _scanned_marks(ballot: Mapping[str, Any], candidates: Sequence[str]) -> dict[str, Any]:
    """A clean reading in the scenario's form as the tellers' entries store it (ballot order, no empty keys)."""
    marks: dict[str, Any] = {}
    for key in ("for", "against", "unclear"):
        chosen = {str(c) for c in ballot.get(key, [])}
        if chosen:
            marks[key] = [c for c in candidates if c in chosen]
    return marks


def do_upload_scans(actor: Any, *, round: Round, files: Sequence[scanning.Upload]) -> UploadResult:
    """Read and store scanned sheets of ``round`` (JPEG/PNG images or multi-page PDFs).

    A sheet read clean is counted with the ballot it shows; a doubtful one waits for two tellers; a
    refused one (another election or round, no registration marks, no QR code) is kept with the reason
    and not counted — if it is a real ballot, the tellers enter it by hand. The same image uploaded
    twice is refused, and then nothing of the upload is stored.
    """
    rnd = Round.objects.select_related("meeting", "meeting__election", "meeting__election__township", "position").get(
        pk=round.pk
    )
    if not may_upload(actor, rnd):
        raise PermissionDenied
    _check_scan_open(rnd)
    _check_no_totals(rnd)
    if selectors.paper_issued(rnd) == 0:
        raise ValidationError(_("本轮没有登记发出纸质选票，不能上传扫描选票"))
    infos = scanning.check_files(files)
    _refuse_duplicates(_duplicates(rnd, infos))
    infos, pages = scanning.read_files(files, selectors.expected_ballot(rnd))  # slow: outside the transaction
    with transaction.atomic():
        rnd = _locked_round(rnd)
        _check_scan_open(rnd)
        _check_no_totals(rnd)
        _refuse_duplicates(_duplicates(rnd, infos, pages))
        per_file = {
            i.index: {"name": i.name, "sha256": i.sha256, "pages": i.pages, "read": 0, "adjudicate": 0, "refused": 0}
            for i in infos
        }
        for page in pages:
            per_file[page.file_index][page.reading.status] += 1
        batch = ScanBatch.objects.create(
            round=rnd,
            uploaded_by=actor,
            files=list(per_file.values()),
            sheets_read=sum(1 for p in pages if p.reading.status == "read"),
            sheets_adjudicate=sum(1 for p in pages if p.reading.status == "adjudicate"),
            sheets_refused=sum(1 for p in pages if p.reading.status == "refused"),
        )
        sheets = [
            ScannedSheet(
                round=rnd,
                batch=batch,
                status=page.reading.status,
                reading=page.reading.to_json(),
                marks=(
                    _scanned_marks(page.reading.ballot, rnd.candidates)
                    if page.reading.status == "read" and page.reading.ballot is not None
                    else None
                ),
                image=page.image,
                sha256=page.sha256,
                source=page.where if page.reading.status == "refused" else "",
            )
            for page in pages
        ]
        try:
            with transaction.atomic():
                ScannedSheet.objects.bulk_create(
                    sorted(sheets, key=lambda s: s.pk)
                )  # stored in id order, not scan order
        except IntegrityError:
            raise ValidationError(_("同一份扫描不能重复上传计票：另一次上传刚刚保存了相同的图像")) from None
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.upload_scans",
            obj=batch,
            data={
                "round": rnd.key,
                "files": batch.files,
                "read": batch.sheets_read,
                "adjudicate": batch.sheets_adjudicate,
                "refused": batch.sheets_refused,
            },
        )
    return UploadResult(batch, pages, sheets)


def _locked_scan(sheet: ScannedSheet) -> ScannedSheet:
    return (
        ScannedSheet.objects.select_for_update()
        .select_related("round", "round__meeting", "round__meeting__election", "round__position")
        .get(pk=sheet.pk)
    )


def do_challenge_sheet(actor: Any, *, sheet: ScannedSheet, reason: str = "") -> ScannedSheet:
    """A scrutineer or teller sends a sheet the scanner read clean to the two tellers (adjudication)."""
    reason = reason.strip()[:300]
    with transaction.atomic():
        sheet = _locked_scan(sheet)
        rnd = sheet.round
        if selectors.approved_officer(rnd.meeting, actor) is None:
            raise PermissionDenied
        _check_scan_open(rnd)
        if sheet.status != ScanStatus.READ:
            raise ValidationError(_("只有扫描已读取（未送裁定）的选票可以提出异议送裁定"))
        before = sheet.marks
        sheet.status = ScanStatus.ADJUDICATE
        sheet.marks = None
        sheet.challenged_by = actor
        sheet.challenge_reason = reason
        sheet.save(update_fields=["status", "marks", "challenged_by", "challenge_reason"])
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.challenge_scan",
            obj=sheet,
            data={"round": rnd.key, "read_as": before, "reason": reason},
        )
    return sheet


def do_adjudicate(
    actor: Any, *, sheet: ScannedSheet, choices: Mapping[str, str], write_ins: Sequence[str] = ()
) -> Adjudication:
    """An approved teller's reading of a doubtful sheet; a second teller's equal reading resolves it.

    ``choices`` names every candidate: for / against / abstain (the 弃权 box) / none (no mark) / unclear;
    ``write_ins`` are the member numbers written in with a 赞成 mark beside them (M4). A teller may revise
    their decision until the paper count is agreed; the sheet counts only while two different tellers'
    readings make the same ballot and no other pair of tellers agrees on another (``agreed_reading``).
    """
    with transaction.atomic():
        sheet = _locked_scan(sheet)
        rnd = sheet.round
        if selectors.teller_of(rnd.meeting, actor) is None:
            raise PermissionDenied
        _check_scan_open(rnd)
        if sheet.status != ScanStatus.ADJUDICATE:
            raise ValidationError(_("这张选票不在待裁定之列"))
        names = dict(selectors.candidate_labels(rnd))
        clean: dict[str, str] = {}
        for number in rnd.candidates:
            value = str(choices.get(number, "")).strip()
            if not value:
                raise ValidationError(_("请为 %(name)s 选择一项裁定") % {"name": names[number]})
            if value not in selectors.ADJUDICATION_CHOICES:
                raise ValidationError(_("%(name)s 的裁定“%(value)s”无法识别") % {"name": names[number], "value": value})
            clean[number] = value
        unknown = sorted(set(choices) - set(rnd.candidates))
        if unknown:
            raise ValidationError(_("%(number)s 不是本轮候选人") % {"number": unknown[0]})
        by = {v: [c for c in rnd.candidates if clean[c] == v] for v in ("for", "against", "unclear")}
        marks = clean_marks(rnd, for_=by["for"], against=by["against"], unclear=by["unclear"], write_ins=write_ins)
        existing = Adjudication.objects.filter(sheet=sheet, teller=actor).first()
        now = timezone.now()
        if existing is None:
            decision = Adjudication.objects.create(
                sheet=sheet, teller=actor, choices=clean, marks=marks, decided_at=now
            )
        else:
            existing.choices, existing.marks, existing.decided_at = clean, marks, now
            existing.save(update_fields=["choices", "marks", "decided_at"])
            decision = existing
        every = list(sheet.decisions.all())
        resolved = selectors.agreed_reading(every)
        sheet.marks = resolved
        sheet.save(update_fields=["marks"])
        append_entry(
            chain=_chain(rnd),
            actor=actor,
            action="tally.adjudicate_scan",
            obj=sheet,
            data={
                "round": rnd.key,
                "choices": clean,
                "marks": marks,
                "revised": existing is not None,
                "resolved": resolved is not None,
                "tellers": sorted(str(d.teller_id) for d in every),
            },
        )
    return decision
