"""State changes of the recall (A3): one transaction and one audit entry each (S2).

Signatures are checked by the core against the members with voting rights (P1, one per member);
the meeting's quorum by M1; the scrutineers by M2. Bad input raises ``ValidationError`` with a
specific Chinese message and stores nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import Election
from zhixuan.web.elections.outcomes import election_outcome
from zhixuan.web.evoting.actions import (
    CODE_LENGTH,
    CastRefused,
    clean_marks,
    format_code,
    format_receipt,
    fresh_code,
    new_receipt,
    normalise_code,
    receipt_hash,
    rewrite_shuffled,
)
from zhixuan.web.evoting.actions import code_hash as voting_code_hash
from zhixuan.web.meeting.models import CheckInMethod
from zhixuan.web.recall import selectors
from zhixuan.web.recall.models import (
    CheckIn,
    CodeSlip,
    CodeUse,
    CountStage,
    ElectronicBallot,
    Petition,
    Signature,
    TellerCount,
    VotingCode,
)
from zhixuan.web.roster.models import Member

_SPLIT = re.compile(r"[\s,，、;；]+")
VOTE_FIELDS = ("issued", "yes", "no", "abstain", "invalid")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().select_related("election").get(pk=petition.pk)


def _numbers(text: str) -> list[tuple[int, str]]:
    """(line, number) for every number in ``text``: one or more per line, separated by spaces or commas."""
    out = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        out.extend((line_no, n) for n in _SPLIT.split(line.strip()) if n)
    return out


def _zh(decision: Any) -> str:
    return str(decision.en if translation_is_en() else decision.zh)


def translation_is_en() -> bool:
    from django.utils.translation import get_language

    return get_language() == "en"


def _audit(petition: Petition, actor: Any, action: str, data: dict[str, Any]) -> None:
    append_entry(
        chain=petition.election.audit_chain,
        actor=actor,
        action=action,
        obj=petition,
        data={"leader": petition.leader, **data},
    )


# --- the petition ---------------------------------------------------------------------------------


def do_open_petition(actor: Any, *, election: Election, leader: str, reason: str = "") -> Petition:
    """A petition to recall an elected leader (A3); only the core's elected leaders can be named."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        settings = selectors.election_settings(election)
        if not settings.recall_enabled:
            raise ValidationError(_("本选举所用程序不设罢免，不能发起罢免 (A3)"))
        leaders = {ld.number: ld for ld in selectors.elected_leaders(election, election_outcome(election))}
        found = leaders.get(leader)
        if found is None:
            raise ValidationError(_("%(leader)s 不是本次选举产生的当选人，不能对其发起罢免 (A3)") % {"leader": leader})
        pending = Petition.objects.filter(election=election, leader=leader, vote_accepted_at=None)
        if pending.exists():
            raise ValidationError(_("对 %(name)s 的罢免联名尚未表决，不能重复发起 (A3)") % {"name": found.name})
        petition = Petition.objects.create(
            election=election,
            leader=found.number,
            leader_name=found.name,
            position_kind=found.position_kind,
            reason=reason,
            opened_by=_user(actor),
            opened_at=timezone.now(),
        )
        _audit(petition, actor, "recall.open_petition", {"position": found.position_kind, "reason": reason})
    return petition


def _require_collecting(petition: Petition) -> None:
    if petition.convened_at is not None:
        raise ValidationError(_("罢免表决会议已召集，联名签名已截止 (A3)"))


def do_add_signatures(actor: Any, *, petition: Petition, text: str) -> tuple[list[Signature], list[str]]:
    """Paper signatures entered by roster number (A3). Returns the stored signatures and notes.

    An unknown number or a member without voting rights (P1) rejects the whole batch, each line
    named. A member who has already signed is counted once: noted, not stored again.
    """
    with transaction.atomic():
        petition = _lock(petition)
        _require_collecting(petition)
        entries = _numbers(text)
        if not entries:
            raise ValidationError(_("请填写签名党员的名册编号，每行一个"))
        members = {m.number: m for m in Member.objects.filter(election=petition.election).select_related("excusal")}
        errors: list[str] = []
        for line_no, number in entries:
            if number not in members:
                errors.append(
                    _("第 %(line)d 行 %(number)s：名册中没有这个编号 (A3)") % {"line": line_no, "number": number}
                )
        # The core judges the whole list: earlier signatures first, then this batch in order.
        result = selectors.petition_check(petition, [n for _line, n in entries if n in members])
        ineligible = {d.subject: d for d in result.decisions if d.code == "signature_ineligible"}
        duplicate = [d for d in result.decisions if d.code == "signature_duplicate"]
        for line_no, number in entries:
            if number in ineligible:
                member = members[number]
                errors.append(
                    _("第 %(line)d 行 %(number)s %(name)s（%(status)s）：")
                    % {"line": line_no, "number": number, "name": member.name, "status": member.get_status_display()}
                    + _zh(ineligible[number])
                    + " (A3)"
                )
        if errors:
            raise ValidationError(errors)
        valid = set(result.valid) - set(selectors.signer_numbers(petition))
        notes = [f"{members[d.subject].name}（{_zh(d)}）(A3)" for d in duplicate]
        now = timezone.now()
        stored: list[Signature] = []
        for _line, number in entries:
            if number in valid:
                valid.discard(number)
                stored.append(
                    Signature.objects.create(
                        petition=petition, member=members[number], recorded_by=_user(actor), recorded_at=now
                    )
                )
        _audit(
            petition,
            actor,
            "recall.add_signatures",
            {
                "signers": [s.member.number for s in stored],
                "not_counted_again": [d.subject for d in duplicate],
                "total": petition.signatures.count(),
            },
        )
    return stored, notes


def do_sign_online(actor: Any, *, petition: Petition, identity: Any) -> Signature:
    """A member signs the petition from their own account, once (A3, P1)."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_collecting(petition)
        if identity is None or identity.election_id != petition.election_id or identity.member is None:
            raise ValidationError(_("您的账号没有关联本次选举名册中的党员，不能签名 (A3)"))
        member = Member.objects.select_related("excusal").get(pk=identity.member_id)
        result = selectors.petition_check(petition, [member.number])
        for decision in result.decisions:
            if decision.subject == member.number and decision.code in ("signature_ineligible", "signature_duplicate"):
                raise ValidationError(_zh(decision) + " (A3)")
        signature = Signature.objects.create(
            petition=petition, member=member, online=True, recorded_by=_user(actor), recorded_at=timezone.now()
        )
        _audit(
            petition,
            actor,
            "recall.sign_online",
            {"signer": member.number, "total": petition.signatures.count()},
        )
    return signature


# --- the recall meeting ---------------------------------------------------------------------------


def do_convene(actor: Any, *, petition: Petition, held_on: date | None, place: str) -> Petition:
    """Convene the recall meeting: only when the petition holds by the core's A3 check."""
    with transaction.atomic():
        petition = _lock(petition)
        if petition.convened_at is not None:
            raise ValidationError(_("罢免表决会议已经召集"))
        result = selectors.petition_check(petition)
        if not result.passed:
            raise ValidationError(_zh(result.decisions[-1]) + " (A3)")
        petition.convened_at = timezone.now()
        petition.held_on = held_on
        petition.place = place
        petition.save(update_fields=["convened_at", "held_on", "place"])
        _audit(
            petition,
            actor,
            "recall.convene",
            {"valid": len(result.valid), "required": result.required, "held_on": str(held_on or ""), "place": place},
        )
    return petition


def _require_meeting(petition: Petition) -> None:
    if petition.convened_at is None:
        raise ValidationError(_("联名未达到要求或尚未召集罢免表决会议 (A3)"))


def do_check_in(actor: Any, *, petition: Petition, text: str, method: str = CheckInMethod.NUMBER) -> list[CheckIn]:
    """Members arriving at the recall meeting, by roster number as typed, scanned from the QR code of the
    member card or picked from a roster search (the meeting's ways); any bad line rejects the batch."""
    if method not in CheckInMethod.values:
        raise ValidationError(_("签到方式无效"))
    with transaction.atomic():
        petition = _lock(petition)
        _require_meeting(petition)
        if petition.by_accepted_at is not None:
            raise ValidationError(_("补选结果已确认，会议签到已结束"))
        entries = _numbers(text)
        if not entries:
            raise ValidationError(_("请填写到会党员的名册编号，每行一个"))
        members = {m.number: m for m in Member.objects.filter(election=petition.election)}
        here = set(selectors.present_numbers(petition))
        left = {c.member.number: c for c in petition.check_ins.exclude(checked_out_at=None).select_related("member")}
        errors: list[str] = []
        seen: dict[str, int] = {}
        for line_no, number in entries:
            if number not in members:
                errors.append(
                    _("第 %(line)d 行 %(number)s：名册中没有这个编号 (M1)") % {"line": line_no, "number": number}
                )
            elif number in here:
                errors.append(
                    _("第 %(line)d 行 %(number)s %(name)s：已经签到")
                    % {"line": line_no, "number": number, "name": members[number].name}
                )
            elif number in seen:
                errors.append(
                    _("第 %(line)d 行 %(number)s：与第 %(first)d 行重复")
                    % {"line": line_no, "number": number, "first": seen[number]}
                )
            seen.setdefault(number, line_no)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        rows = []
        for _line, n in entries:
            row = left.get(n)
            if row is None:  # first arrival
                row = CheckIn.objects.create(
                    petition=petition, member=members[n], method=method, recorded_by=_user(actor), checked_in_at=now
                )
            else:  # back in the hall after a check-out: the same row, present again
                row.method, row.checked_in_at, row.checked_out_at, row.recorded_by = method, now, None, _user(actor)
                row.save(update_fields=["method", "checked_in_at", "checked_out_at", "recorded_by"])
            rows.append(row)
        quorum = selectors.quorum(petition)
        _audit(
            petition,
            actor,
            "recall.check_in",
            {
                "members": [n for _line, n in entries],
                "returning": [n for _line, n in entries if n in left],
                "method": method,
                "present": quorum.facts["present"],
                "quorum": quorum.code,
            },
        )
    return rows


CHECK_OUT_METHODS = (*CheckInMethod.values, "list")


def do_check_out(
    actor: Any,
    *,
    petition: Petition,
    number: str,
    method: str = CheckInMethod.NUMBER,
    code: str = "",
    slip_not_returned: bool = False,
) -> CheckIn:
    """A member leaves the hall (M1): by membership number, the member card's QR code or from the list.

    Nothing records which code a member got (S1), so, as at the members' meeting, the slip handed back
    names it: staff type or scan the code on the returned slip and it is deactivated in the same step;
    ballots it already cast stay. A member who holds a slip must hand it back, or staff say that it was
    not handed back (its code then stays usable, and the member gets no second code, M6). Stages already
    opened keep the members present at their opening; the departure counts from the next stage on.
    """
    if method not in CHECK_OUT_METHODS:
        raise ValidationError(_("签退方式无效"))
    with transaction.atomic():
        petition = _lock(petition)
        _require_meeting(petition)
        if petition.by_accepted_at is not None:
            raise ValidationError(_("补选结果已确认，会议签到已结束"))
        number = number.strip()
        if not number:
            raise ValidationError(_("请输入党员编号或扫描党员证二维码"))
        member = Member.objects.filter(election=petition.election, number=number).first()
        if member is None:
            raise ValidationError(_("名册中没有编号为 %(number)s 的党员") % {"number": number})
        row = CheckIn.objects.select_for_update().filter(petition=petition, member=member).first()
        who = {"name": member.name, "number": member.number}
        if row is None:
            raise ValidationError(_("%(name)s（%(number)s）没有签到，无需签退") % who)
        if row.checked_out_at is not None:
            raise ValidationError(
                _("%(name)s（%(number)s）已于 %(time)s 签退")
                % {**who, "time": timezone.localtime(row.checked_out_at).strftime("%H:%M")}
            )
        returned = code.strip()
        if returned and row.slip != CodeSlip.HELD:
            raise ValidationError(
                _("%(name)s（%(number)s）没有未交回的投票码条，交回的投票码不是其投票码，请核对 (S1)") % who
            )
        if row.slip == CodeSlip.HELD and not returned and not slip_not_returned:
            raise ValidationError(
                _(
                    "%(name)s（%(number)s）领取了投票码：请输入或扫描交回的投票码条上的投票码，使其作废；"
                    "投票码条未交回的，请勾选“投票码条未交回” (S1)"
                )
                % who
            )
        if returned:
            _deactivate(petition, returned)
            row.slip = CodeSlip.RETURNED
        row.checked_out_at = timezone.now()
        row.save(update_fields=["checked_out_at", "slip"])
        quorum = selectors.quorum(petition)
        _audit(
            petition,
            actor,
            "recall.check_out",
            {
                "member": member.number,
                "method": method,
                "code_returned": bool(returned),
                "slip_not_returned": row.slip == CodeSlip.HELD,
                "present": quorum.facts["present"],
                "quorum": quorum.code,
                "codes": selectors.codes_issued(petition),
            },
        )
    return row


def _deactivate(petition: Petition, code: str) -> None:
    """Deactivate the code on a slip handed back (``evoting.actions.do_deactivate_code``'s checks)."""
    raw = normalise_code(code)
    if len(raw) != CODE_LENGTH:
        raise ValidationError(
            _("投票码应为 %(n)s 位字母或数字，输入的是 %(got)s 位。") % {"n": CODE_LENGTH, "got": len(raw)}
        )
    voting = VotingCode.objects.select_for_update().filter(petition=petition, code_hash=voting_code_hash(raw)).first()
    if voting is None:
        raise ValidationError(_("本次罢免表决会议没有发放过投票码 %(code)s，请核对。") % {"code": format_code(raw)})
    if not voting.active:
        raise ValidationError(_("投票码 %(code)s 已经收回。") % {"code": format_code(raw)})
    voting.active = False
    voting.save(update_fields=["active"])


def do_set_officers(actor: Any, *, petition: Petition, scrutineers: str, tellers: str) -> Petition:
    """Scrutineers and tellers approved by the meeting (M2): members with rights, not the leader or a candidate."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_meeting(petition)
        if petition.vote_accepted_at is not None:
            raise ValidationError(_("罢免表决结果已确认，不能再更换监票人、计票人"))
        chosen = {"scrutineers": [n for _l, n in _numbers(scrutineers)], "tellers": [n for _l, n in _numbers(tellers)]}
        if not chosen["scrutineers"]:
            raise ValidationError(_("请填写至少一名监票人的名册编号 (M2)"))
        errors: list[str] = []
        for key, label in (("scrutineers", _("监票人")), ("tellers", _("计票人"))):
            for decision in selectors.officer_checks(petition, chosen[key]):
                if decision.code != "scrutineer_eligible":
                    errors.append(f"{label} {_zh(decision)} ({decision.rule})")
        both = set(chosen["scrutineers"]) & set(chosen["tellers"])
        if both:
            errors.append(_("%(who)s 不能同时担任监票人和计票人 (M2)") % {"who": "、".join(sorted(both))})
        if errors:
            raise ValidationError(errors)
        petition.scrutineers = chosen["scrutineers"]
        petition.tellers = chosen["tellers"]
        petition.save(update_fields=["scrutineers", "tellers"])
        _audit(petition, actor, "recall.set_officers", chosen)
    return petition


def _eligible_present(petition: Petition) -> int:
    return int(selectors.quorum(petition).facts["present"])  # type: ignore[call-overload]


def _check_vote_counts(petition: Petition, data: dict[str, int]) -> None:
    errors = []
    for key in VOTE_FIELDS:
        if not isinstance(data.get(key), int) or data[key] < 0:
            errors.append(_("%(field)s 须为不小于 0 的整数") % {"field": key})
    if errors:
        raise ValidationError(errors)
    _check_issued(petition, CountStage.VOTE, data["issued"])
    collected = data["yes"] + data["no"] + data["abstain"] + data["invalid"]
    if collected > data["issued"]:
        raise ValidationError(
            _("收回票数 %(collected)d 多于发出票数 %(issued)d（赞成罢免+不赞成+弃权+无效），本次表决无效 (M6)")
            % {"collected": collected, "issued": data["issued"]}
        )


def _check_issued(petition: Petition, stage: str, paper: int) -> None:
    """M6: paper ballots handed out and, when the stage is voted electronically too, the voting codes
    that could vote in it: together at most one per member present when the stage was opened."""
    present = selectors.eligible_count(petition, selectors.stage_present(petition, stage) or [])
    codes = selectors.stage_codes(petition, stage)
    if paper + codes <= present:
        return
    if codes:
        raise ValidationError(
            _(
                "发出纸质票 %(issued)d 张 + 电子投票码 %(codes)d 个，多于到会有表决权党员 %(present)d 人，"
                "每人只发一张票 (M6)"
            )
            % {"issued": paper, "codes": codes, "present": present}
        )
    raise ValidationError(
        _("发出票数 %(issued)d 多于到会有表决权党员 %(present)d 人，每人只发一张票 (M6)")
        % {"issued": paper, "present": present}
    )


def _require_stage_open(petition: Petition, stage: str) -> None:
    """Ballots are counted only for a stage a scrutineer opened: its present and quorum are fixed then (M1)."""
    if selectors.stage_present(petition, stage) is None:
        raise ValidationError(
            _("%(stage)s尚未开始：须由监票人宣布开始表决，记录此时的实到会人数 (M1, S3)")
            % {"stage": selectors.stage_label(stage)}
        )


def _require_teller(actor: Any, petition: Petition) -> None:
    if not selectors.can_count(actor, petition.election):
        raise ValidationError(_("只有计票人或选举工作组可以录入计票结果 (M2)"))


def do_enter_vote_count(actor: Any, *, petition: Petition, data: dict[str, int]) -> TellerCount:
    """One teller's count of the recall ballots: 赞成罢免 / 不赞成 / 弃权 / 无效 (M1, M6)."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_meeting(petition)
        _require_teller(actor, petition)
        if petition.vote_accepted_at is not None:
            raise ValidationError(_("罢免表决结果已确认，不能再修改"))
        _require_stage_open(petition, CountStage.VOTE)
        data = {k: data.get(k) for k in VOTE_FIELDS}  # type: ignore[misc]
        _check_vote_counts(petition, data)  # type: ignore[arg-type]
        row, _created = TellerCount.objects.update_or_create(
            petition=petition,
            stage=CountStage.VOTE,
            teller=actor,
            defaults={"data": data, "entered_at": timezone.now()},
        )
        _audit(petition, actor, "recall.enter_vote_count", {"counts": data})
    return row


def _require_scrutineer(actor: Any, petition: Petition, stage: str) -> None:
    if not selectors.is_scrutineer(actor, petition.election):
        raise ValidationError(_("计票结果须由监票人确认 (S3)"))
    if any(c.teller_id == actor.pk for c in selectors.counts(petition, stage)):
        raise ValidationError(_("录入计票结果的人不能自己确认，须由另一名监票人确认 (S3)"))


def do_accept_vote(actor: Any, *, petition: Petition) -> Petition:
    """A scrutineer confirms the tellers' agreed count (S3); the core then decides A3 on the record."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_meeting(petition)
        if petition.vote_accepted_at is not None:
            raise ValidationError(_("罢免表决结果已经确认"))
        _require_scrutineer(actor, petition, CountStage.VOTE)
        _require_voting_closed(petition, CountStage.VOTE)
        paper = selectors.agreed(petition, CountStage.VOTE)
        if paper is None:
            raise ValidationError(_("两名计票人的录入尚不一致，不能确认 (S3)"))
        data = selectors.combined_vote_counts(petition, paper)
        petition.vote_present = selectors.stage_present(petition, CountStage.VOTE)
        petition.vote_counts = data
        petition.vote_accepted_by = actor
        petition.vote_accepted_at = timezone.now()
        petition.save(update_fields=["vote_present", "vote_counts", "vote_accepted_by", "vote_accepted_at"])
        _audit(
            petition,
            actor,
            "recall.accept_vote",
            {"counts": data, "present": len(petition.vote_present), "expected": selectors.expected(petition.election)},
        )
    return petition


# --- the by-election ------------------------------------------------------------------------------


def _require_recalled(petition: Petition) -> None:
    decision = selectors.vote_decision(petition, election_outcome(petition.election))
    if decision is None or decision.code != "recalled":
        raise ValidationError(_("只有罢免通过、职位出缺时才进行补选 (A3)"))
    if petition.by_accepted_at is not None:
        raise ValidationError(_("补选结果已经确认"))


def do_set_by_candidates(actor: Any, *, petition: Petition, text: str) -> Petition:
    """The by-election's candidates by roster number: members with voting rights (P1), not officers (M2)."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_recalled(petition)
        if selectors.counts(petition, CountStage.BY_ELECTION):
            raise ValidationError(_("补选已开始计票，不能再更改候选人"))
        if selectors.stage_present(petition, CountStage.BY_ELECTION) is not None:
            raise ValidationError(_("补选已开始表决，不能再更改候选人"))
        entries = _numbers(text)
        if not entries:
            raise ValidationError(_("请填写补选候选人的名册编号，每行一个"))
        members = {m.number: m for m in Member.objects.filter(election=petition.election).select_related("excusal")}
        officers = set(petition.scrutineers) | set(petition.tellers)
        errors: list[str] = []
        seen: set[str] = set()
        for line_no, number in entries:
            member = members.get(number)
            where = _("第 %(line)d 行 %(number)s：") % {"line": line_no, "number": number}
            if member is None:
                errors.append(where + _("名册中没有这个编号"))
            elif not selectors.has_rights(member):
                errors.append(
                    where
                    + _("%(name)s 为%(status)s，没有被选举权 (P1)")
                    % {"name": member.name, "status": member.get_status_display()}
                )
            elif number in officers:
                errors.append(
                    where + _("%(name)s 是本次会议的监票人或计票人，不能作为候选人 (M2)") % {"name": member.name}
                )
            elif number in seen:
                errors.append(where + _("重复"))
            seen.add(number)
        if errors:
            raise ValidationError(errors)
        petition.by_candidates = [n for _l, n in entries]
        petition.save(update_fields=["by_candidates"])
        _audit(
            petition,
            actor,
            "recall.set_by_candidates",
            {"position": petition.position_kind, "candidates": petition.by_candidates},
        )
    return petition


def do_enter_by_count(actor: Any, *, petition: Petition, data: dict[str, Any]) -> TellerCount:
    """One teller's per-candidate totals of the by-election's paper ballots (M4-M6)."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_recalled(petition)
        _require_teller(actor, petition)
        if not petition.by_candidates:
            raise ValidationError(_("请先确定补选候选人"))
        _require_stage_open(petition, CountStage.BY_ELECTION)
        errors: list[str] = []
        issued, valid, invalid = data.get("issued"), data.get("valid"), data.get("invalid")
        for label, value in ((_("发出票数"), issued), (_("有效票"), valid), (_("无效票"), invalid)):
            if not isinstance(value, int) or value < 0:
                errors.append(_("%(field)s 须为不小于 0 的整数") % {"field": label})
        candidates: dict[str, dict[str, int]] = {}
        names = dict(Member.objects.filter(election=petition.election).values_list("number", "name"))
        for number in petition.by_candidates:
            row = data.get("candidates", {}).get(number, {})
            marks = {k: row.get(k) for k in ("for", "against", "abstain")}
            if any(not isinstance(v, int) or v < 0 for v in marks.values()):
                errors.append(
                    _("%(name)s：赞成、不赞成、弃权须为不小于 0 的整数") % {"name": names.get(number, number)}
                )
            elif isinstance(valid, int) and sum(marks.values()) != valid:  # type: ignore[arg-type]
                errors.append(
                    _("%(name)s：赞成 %(f)d + 不赞成 %(a)d + 弃权 %(b)d ≠ 有效票 %(valid)d (M5)")
                    % {
                        "name": names.get(number, number),
                        "f": marks["for"],
                        "a": marks["against"],
                        "b": marks["abstain"],
                        "valid": valid,
                    }
                )
            candidates[number] = marks  # type: ignore[assignment]
        if not errors:
            try:
                _check_issued(petition, CountStage.BY_ELECTION, issued)  # type: ignore[arg-type]
            except ValidationError as exc:
                errors.extend(exc.messages)
            if errors:
                pass
            elif valid + invalid > issued:  # type: ignore[operator]
                errors.append(
                    _("收回票数 %(collected)d 多于发出票数 %(issued)d，本轮选举无效，须重新投票 (M6)")
                    % {"collected": valid + invalid, "issued": issued}  # type: ignore[operator]
                )
        if errors:
            raise ValidationError(errors)
        clean = {"issued": issued, "valid": valid, "invalid": invalid, "candidates": candidates}
        row, _created = TellerCount.objects.update_or_create(
            petition=petition,
            stage=CountStage.BY_ELECTION,
            teller=actor,
            defaults={"data": clean, "entered_at": timezone.now()},
        )
        _audit(petition, actor, "recall.enter_by_count", {"counts": clean})
    return row


def do_accept_by_election(actor: Any, *, petition: Petition) -> Petition:
    """A scrutineer confirms the by-election's agreed count (S3); the core decides it by M1, M5-M9."""
    with transaction.atomic():
        petition = _lock(petition)
        _require_recalled(petition)
        _require_scrutineer(actor, petition, CountStage.BY_ELECTION)
        _require_voting_closed(petition, CountStage.BY_ELECTION)
        paper = selectors.agreed(petition, CountStage.BY_ELECTION)
        if paper is None:
            raise ValidationError(_("两名计票人的录入尚不一致，不能确认 (S3)"))
        data = selectors.combined_by_counts(petition, paper)
        petition.by_present = selectors.stage_present(petition, CountStage.BY_ELECTION)
        petition.by_counts = data
        petition.by_accepted_by = actor
        petition.by_accepted_at = timezone.now()
        petition.save(update_fields=["by_present", "by_counts", "by_accepted_by", "by_accepted_at"])
        _audit(petition, actor, "recall.accept_by_election", {"counts": data, "present": len(petition.by_present)})
    return petition


# --- electronic voting at the recall meeting (S1) ---------------------------------------------------
#
# The members' meeting's way (``evoting``): a one-time code printed on the check-in slip, its keyed hash
# stored and nothing linking it to the member; a code votes once per stage (``CodeUse`` unique on
# (code, stage)); the ballot has a random key and no time, code or member; the voter keeps a receipt
# whose hash the public board looks up. A scrutineer opens and closes each stage's electronic voting
# (S3); closing rewrites the stage's ballots and code uses in a random order. Casting writes no audit
# entry (see ``evoting.actions``); issuing a code, opening and closing do, with counts only.

VOTE_CHOICES = ("yes", "no", "abstain")


def do_issue_code(actor: Any, *, petition: Petition, member_number: str) -> str:
    """A voting code for a member just checked in, returned formatted to print on the slip, once.

    Only members present with voting rights receive one (P1, M6), one slip at a time: a member who
    checked out and came back gets a new code only if the old slip was handed back (and its code
    deactivated), and not while electronic voting is open — the old code may have voted in it. A member
    who arrived after the open stage began is not present for it (M1) and waits until it closes. The
    check-in row notes that the member holds a slip, never which code (S1).
    """
    with transaction.atomic():
        petition = _lock(petition)
        _require_meeting(petition)
        if petition.by_accepted_at is not None:
            raise ValidationError(_("补选结果已确认，不能再发放投票码"))
        row = (
            CheckIn.objects.select_for_update(of=("self",))
            .filter(petition=petition, member__number=member_number, checked_out_at=None)
            .select_related("member__excusal")
            .first()
        )
        if row is None:
            raise ValidationError(_("%(number)s 尚未签到或已签退，不能领取投票码") % {"number": member_number})
        member = row.member
        who = {"name": member.name, "number": member.number}
        if not selectors.has_rights(member):
            raise ValidationError(
                _("%(name)s 为%(status)s，没有表决权，不发投票码 (P1)")
                % {"name": member.name, "status": member.get_status_display()}
            )
        if row.slip == CodeSlip.HELD:
            raise ValidationError(_("%(name)s（%(number)s）已领取投票码，原投票码条交回并作废后才能补发 (M6)") % who)
        stage = selectors.stage_in_progress(petition)
        if stage is not None and row.slip == CodeSlip.RETURNED:
            raise ValidationError(
                _("%(name)s（%(number)s）交回的投票码可能已在%(stage)s中投票：待这项表决结束后才能领取新投票码 (M6)")
                % {**who, "stage": selectors.stage_label(stage)}
            )
        if stage is not None and member.number not in (selectors.stage_present(petition, stage) or []):
            raise ValidationError(
                _("%(name)s（%(number)s）在%(stage)s开始后到会，不参加这项表决：待这项表决结束后再领取投票码 (M1)")
                % {**who, "stage": selectors.stage_label(stage)}
            )
        if selectors.codes_issued(petition) >= _eligible_present(petition):
            raise ValidationError(_("投票码已与到会有表决权党员人数相同，不能再发放 (M6)"))
        code, digest = fresh_code()
        VotingCode.objects.create(petition=petition, code_hash=digest)
        row.slip = CodeSlip.HELD
        row.save(update_fields=["slip"])
        _audit(petition, actor, "recall.issue_code", {"codes": selectors.codes_issued(petition)})
    return format_code(code)


def _require_voting_closed(petition: Petition, stage: str) -> None:
    if petition.evoting.get(stage) == "open":
        raise ValidationError(_("电子投票尚未结束，请监票人先结束电子投票 (S3)"))


def _stage_accepted(petition: Petition, stage: str) -> bool:
    return (petition.vote_accepted_at if stage == CountStage.VOTE else petition.by_accepted_at) is not None


def _stage_ready(actor: Any, petition: Petition, stage: str) -> None:
    """What opening a stage or its electronic voting needs: a scrutineer (S3), the officers (M2) and,
    for the by-election, a recalled seat and its candidates."""
    if stage not in CountStage.values:
        raise ValidationError(_("表决事项无效"))
    _require_meeting(petition)
    if not selectors.is_scrutineer(actor, petition.election):
        raise ValidationError(_("开始表决和开始、结束电子投票须由监票人确认 (S3)"))
    if not petition.scrutineers:
        raise ValidationError(_("请先经大会通过监票人、计票人 (M2)"))
    if stage == CountStage.BY_ELECTION:
        _require_recalled(petition)
        if not petition.by_candidates:
            raise ValidationError(_("请先确定补选候选人"))
    elif petition.vote_accepted_at is not None:
        raise ValidationError(_("罢免表决结果已经确认"))


def _open_stage(petition: Petition, stage: str) -> dict[str, Any]:
    """Snapshot the members in the hall as the stage's present (M1); refused below quorum, which the
    core decides on that snapshot. Returns the facts for the audit entry. The caller saves ``stages``."""
    present = selectors.present_numbers(petition)
    petition.stages = {**petition.stages, stage: {"present": present}}
    decision = selectors.stage_quorum(petition, stage)
    assert decision is not None
    if decision.code != "quorum_met":
        raise ValidationError(_zh(decision) + f" ({decision.rule})")
    return {
        "present": int(decision.facts["present"]),  # type: ignore[call-overload]
        "expected": selectors.expected(petition.election),
        "m1": decision.code,
        "members": present,
    }


def do_open_stage(actor: Any, *, petition: Petition, stage: str) -> Petition:
    """A scrutineer announces a stage's vote (S3): the members present now are its present, its quorum
    is checked by the core on them (M1) and its ballots are bounded by them (M6), whoever leaves or
    arrives later. Opening its electronic voting does the same when the stage is not yet open."""
    with transaction.atomic():
        petition = _lock(petition)
        _stage_ready(actor, petition, stage)
        if selectors.stage_present(petition, stage) is not None:
            raise ValidationError(_("%(stage)s已经开始") % {"stage": selectors.stage_label(stage)})
        facts = _open_stage(petition, stage)
        petition.save(update_fields=["stages"])
        _audit(petition, actor, "recall.open_stage", {"stage": stage, **facts})
    return petition


def do_open_voting(actor: Any, *, petition: Petition, stage: str) -> Petition:
    """A scrutineer opens a stage's electronic voting (S3), opening the stage itself first if it is not
    yet open (present and quorum at this moment, M1); one stage at a time, once."""
    with transaction.atomic():
        petition = _lock(petition)
        _stage_ready(actor, petition, stage)
        if petition.evoting.get(stage):
            label = selectors.stage_label(stage)
            raise ValidationError(_("%(stage)s的电子投票已经开始过，不能再次开始") % {"stage": label})
        if "open" in petition.evoting.values():
            raise ValidationError(_("另一项表决的电子投票正在进行"))
        facts: dict[str, Any] = {}
        if selectors.stage_present(petition, stage) is None:
            facts = {**_open_stage(petition, stage), "stage_opened": True}
        petition.evoting = {**petition.evoting, stage: "open"}
        petition.save(update_fields=["evoting", "stages"])
        present = selectors.eligible_count(petition, selectors.stage_present(petition, stage) or [])
        _audit(
            petition,
            actor,
            "recall.open_voting",
            {"stage": stage, "present": present, "codes": selectors.codes_issued(petition), **facts},
        )
    return petition


def do_close_voting(actor: Any, *, petition: Petition, stage: str) -> Petition:
    """A scrutineer closes a stage's electronic voting (S3); its ballots and code uses are rewritten in a
    random order (S1) and the audit entry records their number and a digest of their contents."""
    with transaction.atomic():
        petition = _lock(petition)
        if not selectors.is_scrutineer(actor, petition.election):
            raise ValidationError(_("开始和结束电子投票须由监票人确认 (S3)"))
        if petition.evoting.get(stage) != "open":
            raise ValidationError(_("该项表决没有正在进行的电子投票"))
        rewrite_shuffled(ElectronicBallot.objects.filter(petition=petition, stage=stage))
        rewrite_shuffled(CodeUse.objects.filter(code__petition=petition, stage=stage))
        # The stage's electronic ``issued`` is fixed now (M6): codes handed out later cannot vote in it.
        codes = selectors.live_stage_codes(petition, stage)
        petition.stages = {**petition.stages, stage: {**petition.stages.get(stage, {}), "codes": codes}}
        petition.evoting = {**petition.evoting, stage: "closed"}
        petition.save(update_fields=["evoting", "stages"])
        _audit(
            petition,
            actor,
            "recall.close_voting",
            {"stage": stage, "codes": codes, **selectors.stage_summary(petition, stage)},
        )
    return petition


def do_cast(*, code: str, stage: str, marks: dict[str, str]) -> str:
    """Store one anonymous ballot of ``code`` in the open ``stage`` and return the receipt, once (S1).

    Beside the members' meeting's ``evoting.actions.do_cast_marks``, in the ORM: a recall meeting is
    one township's members. ``marks``: for the recall vote ``{"choice": "yes" | "no" | "abstain"}``;
    for the by-election candidate number → ``for`` / ``against`` / ``abstain``. The petition row is
    locked, so a cast and the stage's closing never overlap; ``CodeUse``'s unique (code, stage) is the
    guard against a second ballot. Raises ``evoting.actions.CastRefused``.
    """
    voting = VotingCode.objects.filter(code_hash=voting_code_hash(code)).first()
    if voting is None:
        raise CastRefused(_("投票码无效，请核对投票码。"), "unknown_code")
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=voting.petition_id)
        voting = VotingCode.objects.get(pk=voting.pk)
        if not voting.active:
            raise CastRefused(_("此投票码已收回，不能投票。"), "inactive_code")
        if petition.evoting.get(stage) != "open":
            raise CastRefused(_("本轮投票未在进行中，选票没有保存。"), "round_not_open")
        ballot = recall_ballot(petition, stage, marks)
        try:
            with transaction.atomic():
                CodeUse.objects.create(code=voting, stage=stage)
        except IntegrityError:
            raise CastRefused(_("此投票码本轮已投票，每个投票码每轮只能投一次。"), "already_voted") from None
        receipt = new_receipt()
        ElectronicBallot.objects.create(
            petition=petition, stage=stage, marks=ballot, receipt_hash=receipt_hash(receipt)
        )
    return format_receipt(receipt)


def recall_ballot(petition: Petition, stage: str, marks: dict[str, str]) -> dict[str, Any]:
    """The stored form of a ballot; shape only (validity is the core's when counted, M5)."""
    if stage == CountStage.VOTE:
        choice = marks.get("choice", "abstain")
        if choice not in VOTE_CHOICES:
            raise CastRefused(_("表决意见无效。"), "bad_ballot")
        return {"choice": choice}
    return clean_marks(list(petition.by_candidates), marks)
