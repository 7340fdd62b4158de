"""State changes of the term app: one transaction and one audit entry each (S2).

A1: the secretary's commitment is recorded item by item, published, then reviewed each year.
A2: a review session per year: leaders' reports, rater groups and weights, paper counts entered by
two tellers and agreed, one-time codes for electronic rating, and closing. Whether weights are
valid, a commitment complete, a review complete and a session's counts rateable is the rules
core's verdict (``zhixuan.rules.commitment``, ``zhixuan.rules.ratings``); the flags come from the
exported record (``term.export``).

``cast_rating`` writes no audit entry, as ``evoting`` casting does not: an entry per rating would
carry a time and a chain position for each rating and so link a rater to a rating (S1). The close
entry records each group's number of paper forms and electronic ratings.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhixuan.rules.commitment import (
    CommitmentError,
    TargetReview,
    TargetStatus,
    check_commitment,
    commitment_from_texts,
    review_commitment,
)
from zhixuan.rules.ratings import RaterGroup as CoreGroup
from zhixuan.rules.ratings import RatingError, Scale, rate_leader, validate_groups
from zhixuan.rules.settings import preset_settings
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import Election
from zhixuan.web.term import selectors
from zhixuan.web.term.models import (
    Commitment,
    CommitmentItem,
    ElectronicRating,
    ItemReview,
    ItemStatus,
    LeaderReport,
    PaperCount,
    PaperForm,
    PaperMode,
    RaterGroup,
    RatingCode,
    ReviewSession,
    SessionStatus,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES = 2000
DEFAULT_GROUPS = (("members", "党员", "1/2"), ("public_reps", "群众代表", "1/2"))


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- A1 ------------------------------------------------------------------------------------------


def do_save_commitment(actor: Any, *, election: Election, texts: Sequence[str], made_on: date | None) -> Commitment:
    """A1: record (or correct, until published) the elected secretary's targets, one text per item."""
    cleaned = [t.strip() for t in texts if t.strip()]
    if not cleaned:
        raise ValidationError(_("请至少填写一项任期目标 (A1)。"))
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        commitment = Commitment.objects.filter(election=election).first()
        if commitment is not None and commitment.published_at is not None:
            raise ValidationError(_("任期目标承诺已公开，不能再修改条目 (A1)。"))
        leader = selectors.secretary(election)
        if leader is None:
            raise ValidationError(_("本次选举尚未选出党委书记，不能录入任期目标承诺 (A1)。"))
        check_commitment(commitment_from_texts(leader.name, cleaned))
        if commitment is None:
            commitment = Commitment.objects.create(election=election, leader=leader.number, leader_name=leader.name)
        commitment.leader, commitment.leader_name, commitment.made_on = leader.number, leader.name, made_on
        commitment.save()
        commitment.items.all().delete()
        for n, text in enumerate(cleaned, start=1):
            CommitmentItem.objects.create(commitment=commitment, key=f"t{n}", order=n, text=text)
        append_entry(
            chain=election.audit_chain,
            actor=_actor(actor),
            action="term.save_commitment",
            obj=commitment,
            data={"leader": leader.number, "items": len(cleaned)},
        )
    return commitment


def do_publish_commitment(actor: Any, *, commitment: Commitment) -> Commitment:
    """A1: publish the commitment on the public board; its items are fixed from now on."""
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.published_at is not None:
            raise ValidationError(_("任期目标承诺已经公开。"))
        texts = [i.text for i in commitment.items.order_by("order")]
        try:
            decision = check_commitment(commitment_from_texts(commitment.leader_name, texts))
        except CommitmentError as exc:
            raise ValidationError(_("任期目标承诺不完整，不能公开：%(why)s") % {"why": exc}) from exc
        commitment.published_at = timezone.now()
        commitment.save(update_fields=["published_at"])
        append_entry(
            chain=commitment.election.audit_chain,
            actor=_actor(actor),
            action="term.publish_commitment",
            obj=commitment,
            data={"leader": commitment.leader, "items": len(texts), "a1": decision.code},
        )
    return commitment


def do_review_commitment(
    actor: Any, *, commitment: Commitment, year: int, statuses: Mapping[str, tuple[str, str]]
) -> list[ItemReview]:
    """A1 yearly review: a status for every item (``statuses[key] = (status, note)``); abandoning needs a reason."""
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.published_at is None:
            raise ValidationError(_("任期目标承诺公开后才能进行年度评议 (A1)。"))
        first = commitment.published_at.astimezone(timezone.get_current_timezone()).year
        if year < first or year > timezone.localdate().year + 1:
            raise ValidationError(
                _("评议年度 %(year)s 无效：应不早于承诺公开的 %(first)s 年，且不晚于明年。")
                % {"year": year, "first": first}
            )
        items = list(commitment.items.order_by("order"))
        problems = []
        for n, item in enumerate(items, start=1):
            status, note = statuses.get(item.key, ("", ""))
            if status not in ItemStatus.values:
                problems.append(_("第 %(n)s 项「%(text)s」未选择完成情况") % {"n": n, "text": item.text})
            elif status == ItemStatus.ABANDONED and not note.strip():
                problems.append(_("第 %(n)s 项「%(text)s」标为已放弃，必须写明理由") % {"n": n, "text": item.text})
        if problems:
            raise ValidationError(
                _("%(year)s 年度评议未保存：%(list)s (A1)。") % {"year": year, "list": "；".join(problems)}
            )
        reviews = {i.key: TargetReview(TargetStatus(statuses[i.key][0]), statuses[i.key][1].strip()) for i in items}
        commitment_value = commitment_from_texts(commitment.leader_name, [i.text for i in items])
        by_number = {str(n): reviews[i.key] for n, i in enumerate(items, start=1)}
        try:
            result = review_commitment(commitment_value, year, by_number)
        except CommitmentError as exc:
            raise ValidationError(_("年度评议不完整：%(why)s") % {"why": exc}) from exc
        ItemReview.objects.filter(item__commitment=commitment, year=year).delete()
        saved = [
            ItemReview.objects.create(item=i, year=year, status=reviews[i.key].status, note=reviews[i.key].note)
            for i in items
        ]
        append_entry(
            chain=commitment.election.audit_chain,
            actor=_actor(actor),
            action="term.review_commitment",
            obj=commitment,
            data={"year": year, **{s.value: n for s, n in result.counts.items()}},
        )
    return saved


# --- A2: sessions --------------------------------------------------------------------------------


def do_create_session(
    actor: Any, *, election: Election, year: int, held_on: date | None, satisfaction: bool, competence: bool
) -> ReviewSession:
    """A2: the township's review of the elected team for ``year``, with default groups members / public reps."""
    if not (satisfaction or competence):
        raise ValidationError(_("请至少选择一种测评量表 (A2)。"))
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if ReviewSession.objects.filter(election=election, year=year).exists():
            raise ValidationError(_("%(year)s 年度的述职测评已经建立。") % {"year": year})
        leaders = selectors.elected_leaders(election)
        if not leaders:
            raise ValidationError(_("本次选举尚无当选的领导班子成员，不能建立年度测评 (A2)。"))
        session = ReviewSession.objects.create(
            election=election, year=year, held_on=held_on, satisfaction=satisfaction, competence=competence
        )
        for n, leader in enumerate(leaders, start=1):
            LeaderReport.objects.create(
                session=session, leader=leader.number, name=leader.name, position=leader.position, order=n
            )
        for n, (key, name, weight) in enumerate(DEFAULT_GROUPS, start=1):
            RaterGroup.objects.create(session=session, key=key, name=name, weight=weight, order=n)
        append_entry(
            chain=election.audit_chain,
            actor=_actor(actor),
            action="term.create_session",
            obj=session,
            data={"year": year, "leaders": [x.number for x in leaders], "scales": session.scales},
        )
    return session


@dataclass(frozen=True)
class GroupInput:
    key: str
    name: str
    weight: str


def parse_weight(text: str) -> Fraction:
    text = text.strip().replace("／", "/")
    if not text or "." in text:
        raise ValueError(text)
    return Fraction(text)


def do_set_groups(actor: Any, *, session: ReviewSession, groups: Sequence[GroupInput]) -> list[RaterGroup]:
    """A2: the rater groups and their weights, all at once; the core checks they sum to exactly 1."""
    with transaction.atomic():
        session = ReviewSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.SETUP:
            raise ValidationError(_("测评已开始，不能再修改测评组和权重。"))
        problems: list[str] = []
        core: list[CoreGroup] = []
        for n, g in enumerate(groups, start=1):
            if not g.name.strip():
                problems.append(_("第 %(n)s 行未填写测评组名称") % {"n": n})
                continue
            try:
                weight = parse_weight(g.weight)
            except (ValueError, ZeroDivisionError):
                problems.append(
                    _("第 %(n)s 行「%(name)s」的权重“%(w)s”不是分数，请写成 1/2、3/10 这样的精确分数")
                    % {"n": n, "name": g.name, "w": g.weight}
                )
                continue
            core.append(CoreGroup(g.name.strip(), weight))
        names = [g.name for g in core]
        if len(set(names)) != len(names):
            problems.append(_("测评组名称不能重复"))
        if not problems:
            try:
                validate_groups(core)
            except RatingError:
                total = sum((g.weight for g in core), Fraction(0))
                if any(g.weight <= 0 for g in core):
                    problems.append(_("每个测评组的权重都必须大于 0"))
                else:
                    problems.append(
                        _("各测评组权重之和必须恰好为 1，现在是 %(total)s")
                        % {"total": f"{total.numerator}/{total.denominator}" if total.denominator != 1 else total}
                    )
        if problems:
            raise ValidationError(_("测评组未保存：%(list)s (A2)。") % {"list": "；".join(problems)})
        old = {g.key: g for g in session.groups.all()}
        keep = []
        for n, (g, c) in enumerate(zip(groups, core, strict=True), start=1):
            key = g.key.strip() or f"g{n}"
            row = old.pop(key, None) or RaterGroup(session=session, key=key)
            row.name, row.weight, row.order = c.name, g.weight.strip().replace("／", "/"), n
            row.save()
            keep.append(row)
        for row in old.values():
            row.delete()
        append_entry(
            chain=session.election.audit_chain,
            actor=_actor(actor),
            action="term.set_groups",
            obj=session,
            data={"year": session.year, "groups": {g.key: [g.name, g.weight] for g in keep}},
        )
    return keep


def do_save_report(actor: Any, *, report: LeaderReport, text: str, attachment: UploadedFile | None) -> LeaderReport:
    """A2: a leader's annual report (述职): the text and, optionally, an attached file."""
    with transaction.atomic():
        report = LeaderReport.objects.select_for_update().select_related("session__election").get(pk=report.pk)
        if report.session.status == SessionStatus.CLOSED:
            raise ValidationError(_("本年度测评已结束，述职报告不能再修改。"))
        report.text = text.strip()
        if attachment is not None:
            report.attachment.save(attachment.name or "report", attachment, save=False)
        report.save()
        append_entry(
            chain=report.session.election.audit_chain,
            actor=_actor(actor),
            action="term.save_report",
            obj=report,
            data={
                "year": report.session.year,
                "leader": report.leader,
                "chars": len(report.text),
                "attachment": report.attachment.name or "",
            },
        )
    return report


def do_open_session(actor: Any, *, session: ReviewSession) -> ReviewSession:
    with transaction.atomic():
        session = ReviewSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.SETUP:
            raise ValidationError(_("测评已经开始。"))
        groups = list(session.groups.all())
        try:
            validate_groups([CoreGroup(g.name, parse_weight(g.weight)) for g in groups])
        except (RatingError, ValueError) as exc:
            raise ValidationError(_("测评组权重无效，不能开始测评：%(why)s (A2)。") % {"why": exc}) from exc
        session.status = SessionStatus.OPEN
        session.save(update_fields=["status"])
        append_entry(
            chain=session.election.audit_chain,
            actor=_actor(actor),
            action="term.open_session",
            obj=session,
            data={"year": session.year, "groups": {g.key: g.weight for g in groups}},
        )
    return session


# --- A2: paper forms, two tellers ----------------------------------------------------------------


def _check_open(session: ReviewSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise ValidationError(_("测评未在进行中（%(status)s）。") % {"status": session.get_status_display()})


def do_save_paper_count(
    actor: Any, *, group: RaterGroup, collected: int, counts: Mapping[str, Any], submit: bool
) -> PaperCount:
    """One teller's own entry of a group's paper forms; submitted entries are compared, never merged."""
    with transaction.atomic():
        group = RaterGroup.objects.select_for_update().select_related("session__election").get(pk=group.pk)
        _check_open(group.session)
        if selectors.agreed_paper(group) is not None:
            raise ValidationError(_("%(group)s 的纸质测评表已核对一致，不能再修改。") % {"group": group.name})
        entry, _created = PaperCount.objects.get_or_create(group=group, teller=actor)
        if entry.submitted_at is not None:
            raise ValidationError(_("您已提交本组的录入，不能再修改。"))
        if entry.mode == PaperMode.FORMS:
            raise ValidationError(_("您正在逐张录入本组的测评表，不能再填写汇总数。"))
        clean = selectors.empty_counts(group.session)
        for leader, scales in clean.items():
            for scale, grades in scales.items():
                for grade in grades:
                    value = counts.get(leader, {}).get(scale, {}).get(grade, 0)
                    grades[grade] = int(value)
        per_leader = [sum(g.values()) for scales in clean.values() for g in scales.values()]
        over = [n for n in per_leader if n > collected]
        if over:
            raise ValidationError(
                _("某一栏的票数（%(n)s）超过收回的测评表张数（%(c)s），请核对。") % {"n": max(over), "c": collected}
            )
        entry.collected, entry.counts = collected, clean
        if submit:
            entry.submitted_at = timezone.now()
        entry.save()
        append_entry(
            chain=group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.submit_paper" if submit else "term.save_paper",
            obj=entry,
            data={"year": group.session.year, "group": group.key, "collected": collected},
        )
    return entry


def do_agree_paper(actor: Any, *, group: RaterGroup) -> PaperCount:
    """Two tellers' submitted entries of a group agree cell by cell: the counts are used (like the tally, M6)."""
    with transaction.atomic():
        group = RaterGroup.objects.select_for_update().select_related("session__election").get(pk=group.pk)
        _check_open(group.session)
        entries = list(PaperCount.objects.select_for_update().filter(group=group).order_by("pk"))
        if any(e.agreed for e in entries):
            raise ValidationError(_("%(group)s 的纸质测评表已核对一致。") % {"group": group.name})
        submitted = [e for e in entries if e.submitted_at is not None]
        if len(submitted) < 2:
            raise ValidationError(_("须有两名计票人分别录入并提交，目前已提交 %(n)s 份 (A2)。") % {"n": len(submitted)})
        differences = selectors.compare_entries(submitted[0], submitted[1], group.session)
        if differences:
            lines = "；".join(f"{d.what}：{d.first} / {d.second}" for d in differences)
            raise ValidationError(_("两名计票人的录入不一致：%(lines)s") % {"lines": lines})
        chosen = submitted[0]
        chosen.agreed = True
        chosen.save(update_fields=["agreed"])
        append_entry(
            chain=group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.agree_paper",
            obj=chosen,
            data={
                "year": group.session.year,
                "group": group.key,
                "entries": [e.pk for e in submitted],
                "collected": chosen.collected,
            },
        )
    return chosen


# --- A2: paper forms one by one (like the meeting's tally: each teller on their own entry) -------

MAX_IDENTICAL = 10_000  # the most identical forms one line may stand for (a typo guard)


def _own_forms_entry(actor: Any, group: RaterGroup) -> PaperCount:
    """The acting teller's entry of ``group`` in forms mode, locked; refused once the group is agreed."""
    group = RaterGroup.objects.select_for_update().select_related("session__election").get(pk=group.pk)
    _check_open(group.session)
    if selectors.agreed_paper(group) is not None:
        raise ValidationError(_("%(group)s 的纸质测评表已核对一致，不能再修改。") % {"group": group.name})
    entry = PaperCount.objects.select_for_update().filter(group=group, teller=actor).first()
    if entry is None or entry.mode != PaperMode.FORMS:
        raise ValidationError(_("请先选择“逐张录入”。"))
    entry.group = group
    return entry


def _recount(entry: PaperCount) -> None:
    """Counts and forms entered follow the forms; any change withdraws a submission (submit again)."""
    entry.collected, entry.counts = selectors.form_counts(entry.forms.all(), entry.group.session)
    entry.submitted_at = None
    entry.save(update_fields=["collected", "counts", "submitted_at"])


def clean_form(session: ReviewSession, marks: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """A form in the stored shape; a leader or grade not on this session's form is refused by name."""
    leaders = {x.leader: x.name for x in session.leaders.all()}
    clean: dict[str, dict[str, str]] = {}
    for leader, scales in marks.items():
        if leader not in leaders:
            raise ValidationError(_("%(leader)s 不在本年度的测评表上。") % {"leader": leader})
        for scale, grade in scales.items():
            if not grade or grade == selectors.BLANK:
                continue
            if scale not in session.scales or grade not in selectors.SCALE_GRADES[scale]:
                raise ValidationError(
                    _("%(name)s 的测评等次“%(grade)s”不在本测评表上。") % {"name": leaders[leader], "grade": grade}
                )
            clean.setdefault(leader, {})[scale] = grade
    return clean


def do_start_forms(actor: Any, *, group: RaterGroup) -> PaperCount:
    """The acting teller enters ``group``'s paper forms one by one (instead of typing totals)."""
    with transaction.atomic():
        group = RaterGroup.objects.select_for_update().select_related("session__election").get(pk=group.pk)
        _check_open(group.session)
        if selectors.agreed_paper(group) is not None:
            raise ValidationError(_("%(group)s 的纸质测评表已核对一致，不能再修改。") % {"group": group.name})
        entry, created = PaperCount.objects.get_or_create(group=group, teller=actor, defaults={"mode": PaperMode.FORMS})
        if entry.mode == PaperMode.FORMS and not created:
            return entry
        if not created:
            if (
                entry.submitted_at is not None
                or entry.collected
                or any(n for scales in entry.counts.values() for grades in scales.values() for n in grades.values())
            ):
                raise ValidationError(_("您已填写本组的汇总数，不能再改为逐张录入。"))
            entry.mode = PaperMode.FORMS
            entry.save(update_fields=["mode"])
        append_entry(
            chain=group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.save_paper",
            obj=entry,
            data={"year": group.session.year, "group": group.key, "mode": PaperMode.FORMS},
        )
    return entry


def do_add_form(actor: Any, *, group: RaterGroup, marks: Mapping[str, Mapping[str, str]], count: int = 1) -> PaperForm:
    """One printed form as read (or ``count`` identical ones) onto the teller's own entry."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError(_("相同测评表张数须为正整数。"))
    if count > MAX_IDENTICAL:
        raise ValidationError(_("相同测评表 %(count)s 张不合常理，请核对。") % {"count": count})
    with transaction.atomic():
        entry = _own_forms_entry(actor, group)
        clean = clean_form(entry.group.session, marks)
        form = PaperForm.objects.create(entry=entry, marks=clean, count=count)
        _recount(entry)
        append_entry(
            chain=entry.group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.save_paper",
            obj=entry,
            data={"year": entry.group.session.year, "group": entry.group.key, "form": clean, "count": count},
        )
    return form


def do_remove_form(actor: Any, *, group: RaterGroup, form_id: int | None = None) -> PaperForm:
    """Undo: remove one form of the teller's own entry (the last one when ``form_id`` is None)."""
    with transaction.atomic():
        entry = _own_forms_entry(actor, group)
        found = entry.forms.order_by("-pk")
        if form_id is not None:
            found = found.filter(pk=form_id)
        form = found.first()
        if form is None:
            raise ValidationError(_("没有可撤销的测评表。"))
        removed = {"form": dict(form.marks), "count": form.count}
        form.delete()
        _recount(entry)
        append_entry(
            chain=entry.group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.save_paper",
            obj=entry,
            data={"year": entry.group.session.year, "group": entry.group.key, "removed": removed},
        )
    return form


def do_submit_forms(actor: Any, *, group: RaterGroup, collected: int) -> PaperCount:
    """The teller's forms are all entered: as many as the forms taken from the box (``collected``)."""
    if isinstance(collected, bool) or not isinstance(collected, int) or collected < 0:
        raise ValidationError(_("收回测评表张数须为不小于 0 的整数。"))
    with transaction.atomic():
        entry = _own_forms_entry(actor, group)
        entered = sum(f.count for f in entry.forms.all())
        if entered != collected:
            raise ValidationError(
                _("已录入 %(entered)s 张测评表，与收回的 %(collected)s 张不符，请核对后再提交。")
                % {"entered": entered, "collected": collected}
            )
        entry.submitted_at = timezone.now()
        entry.save(update_fields=["submitted_at"])
        append_entry(
            chain=entry.group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.submit_paper",
            obj=entry,
            data={"year": entry.group.session.year, "group": entry.group.key, "collected": collected, "mode": "forms"},
        )
    return entry


# --- A2: one-time codes ---------------------------------------------------------------------------


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    raw = normalise_code(code)
    return f"{raw[:5]}-{raw[5:]}"


def code_hash(code: str) -> str:
    """Keyed hash of a normalised code: a copy of the database alone cannot be searched for codes."""
    key = hashlib.sha256(b"zhixuan.term.code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, normalise_code(code).encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def do_issue_codes(actor: Any, *, group: RaterGroup, count: int) -> list[str]:
    """``count`` one-time rating codes for a group, returned once to print; only their hashes are kept."""
    if count < 1 or count > MAX_CODES:
        raise ValidationError(_("一次可生成 1 至 %(max)s 个测评码。") % {"max": MAX_CODES})
    with transaction.atomic():
        group = RaterGroup.objects.select_for_update().select_related("session__election").get(pk=group.pk)
        if group.session.status == SessionStatus.CLOSED:
            raise ValidationError(_("本年度测评已结束，不能再发放测评码。"))
        codes = []
        while len(codes) < count:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            digest = code_hash(code)
            if RatingCode.objects.filter(code_hash=digest).exists():
                continue
            RatingCode.objects.create(group=group, code_hash=digest)
            codes.append(format_code(code))
        append_entry(
            chain=group.session.election.audit_chain,
            actor=_actor(actor),
            action="term.issue_codes",
            obj=group,
            data={"year": group.session.year, "group": group.key, "issued": count, "total": group.codes.count()},
        )
    return codes


class RatingRefused(ValidationError):
    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def code_session(code: str) -> RatingCode:
    """The unused code's row (its group and session), or a refusal saying why."""
    raw = normalise_code(code)
    if len(raw) != CODE_LENGTH:
        raise RatingRefused(
            _("测评码应为 %(n)s 位字母或数字，输入的是 %(got)s 位。") % {"n": CODE_LENGTH, "got": len(raw)}, "bad_code"
        )
    row = RatingCode.objects.select_related("group__session__election").filter(code_hash=code_hash(raw)).first()
    if row is None:
        raise RatingRefused(_("测评码 %(code)s 无效，请核对。") % {"code": format_code(raw)}, "unknown_code")
    if row.used:
        raise RatingRefused(
            _("测评码 %(code)s 已经使用过，每个测评码只能测评一次。") % {"code": format_code(raw)}, "used"
        )
    if row.group.session.status != SessionStatus.OPEN:
        raise RatingRefused(_("本年度测评未在进行中。"), "not_open")
    return row


def cast_rating(*, code: str, marks: Mapping[str, Mapping[str, str]]) -> None:
    """Store one anonymous electronic rating and use up the code; no audit entry (see module doc, S1)."""
    with transaction.atomic():
        row = code_session(code)
        row = RatingCode.objects.select_for_update().select_related("group__session").get(pk=row.pk)
        if row.used:
            raise RatingRefused(_("测评码已经使用过，每个测评码只能测评一次。"), "used")
        session = row.group.session
        _check_open(session)
        leaders = {x.leader for x in session.leaders.all()}
        clean: dict[str, dict[str, str]] = {}
        for leader, scales in marks.items():
            if leader not in leaders:
                raise RatingRefused(_("测评表中有不属于本次测评的人员。"), "bad_rating")
            for scale, grade in scales.items():
                if scale not in session.scales or grade not in selectors.SCALE_GRADES[scale]:
                    raise RatingRefused(_("测评等次无效。"), "bad_rating")
                clean.setdefault(leader, {})[scale] = grade
        row.used = True
        row.save(update_fields=["used"])
        ElectronicRating.objects.create(group=row.group, marks=clean)


# --- A2: close --------------------------------------------------------------------------------


def do_close_session(actor: Any, *, session: ReviewSession) -> ReviewSession:
    """A2: end the rating; every group's paper forms agreed, and the core can rate every leader on every scale."""
    with transaction.atomic():
        session = ReviewSession.objects.select_for_update().select_related("election").get(pk=session.pk)
        _check_open(session)
        groups = list(session.groups.prefetch_related("paper_counts").order_by("order"))
        problems: list[str] = []
        for g in groups:
            submitted = [p for p in g.paper_counts.all() if p.submitted_at is not None]
            if any(p.submitted_at is None for p in g.paper_counts.all()) or (
                submitted and not any(p.agreed for p in submitted)
            ):
                problems.append(_("%(group)s 的纸质测评表尚未由两名计票人核对一致") % {"group": g.name})
        if problems:
            raise ValidationError(_("不能结束测评：%(list)s。") % {"list": "；".join(problems)})
        settings_ = preset_settings(session.election.preset, session.election.overrides)
        core = [CoreGroup(g.name, parse_weight(g.weight)) for g in groups]
        counts = {g.pk: selectors.group_counts(g) for g in groups}
        for leader in session.leaders.order_by("order"):
            for scale in session.scales:
                by_group = {g.name: counts[g.pk][leader.leader][scale] for g in groups}
                empty = [name for name, c in by_group.items() if sum(c.values()) == 0]
                if empty:
                    problems.append(
                        _("%(name)s 的%(scale)s测评在 %(groups)s 没有有效测评票")
                        % {"name": leader.name, "scale": selectors.SCALE_LABELS[scale], "groups": "、".join(empty)}
                    )
                    continue
                try:
                    rate_leader(leader.name, Scale(scale), core, by_group, settings_)
                except RatingError as exc:
                    problems.append(str(exc))
        if problems:
            raise ValidationError(_("不能结束测评：%(list)s (A2)。") % {"list": "；".join(problems)})
        session.status = SessionStatus.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at"])
        append_entry(
            chain=session.election.audit_chain,
            actor=_actor(actor),
            action="term.close_session",
            obj=session,
            data={
                "year": session.year,
                "groups": {
                    g.key: {
                        "paper_forms": (selectors.agreed_paper(g).collected if selectors.agreed_paper(g) else 0),
                        "electronic": ElectronicRating.objects.filter(group=g).count(),
                    }
                    for g in groups
                },
            },
        )
    return session
