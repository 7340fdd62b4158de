"""State changes of the recommendation stages: one transaction and one audit entry each (S2).

Weights are checked by the core (R1, R2); lots are drawn by the core (L1) from a secret made here
(the core has no randomness); scores, validity and selection are left to the core when the
election's record runs (``elections.outcomes``). Ballots are stored without voter, code or time (S1).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhixuan.rules import lot as lots
from zhixuan.rules import people
from zhixuan.rules.recommendation import check_weights
from zhixuan.rules.stage_presets import MEMBERS, PUBLIC, STAGE_PRESETS
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import Election, Position
from zhixuan.web.recommendation import selectors
from zhixuan.web.recommendation.models import (
    BallotSource,
    CheckIn,
    GroupTotal,
    Lot,
    LotPurpose,
    RecommendationBallot,
    RecommendationStage,
    StageGroup,
    StageStatus,
    VotingCode,
)
from zhixuan.web.roster.models import Member, PublicRep
from zhixuan.web.roster.selectors import to_rules_member

# Codes are read off paper: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- set-up -----------------------------------------------------------------------------------


def do_create_stages(actor: Any, *, election: Election) -> list[RecommendationStage]:
    """Create the election's stages and groups from its procedure preset (rules.md §9)."""
    presets = STAGE_PRESETS.get(election.preset, ())
    if not presets:
        raise ValidationError(_("该选举程序没有推荐环节。"))
    with transaction.atomic():
        if RecommendationStage.objects.filter(election=election).exists():
            raise ValidationError(_("推荐环节已经设置。"))
        stages = []
        for order, preset in enumerate(presets, start=1):
            stage = RecommendationStage.objects.create(
                election=election, key=preset.key, name=preset.name, weight=preset.weight, order=order
            )
            for g_order, group in enumerate(preset.groups, start=1):
                StageGroup.objects.create(
                    stage=stage, key=group.key, name=group.name, weight=group.weight, order=g_order
                )
            stages.append(stage)
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="recommendation.create_stages",
            obj=election,
            data={
                "preset": election.preset,
                "stages": [
                    {"key": p.key, "weight": p.weight, "groups": {g.key: g.weight for g in p.groups}} for p in presets
                ],
            },
        )
    return stages


@dataclass(frozen=True)
class GroupInput:
    pk: int
    name: str
    weight: str


@dataclass(frozen=True)
class StageInput:
    pk: int
    name: str
    weight: str
    speech_seconds: int
    groups: Sequence[GroupInput]


def parse_weight(text: str, where: str) -> Fraction:
    """An exact weight such as ``7/10``, ``1`` or ``0.3``; a clear error naming ``where`` otherwise."""
    raw = (text or "").strip().replace(" ", "").replace("／", "/")
    try:
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            _("%(where)s：权重“%(value)s”不是有效的分数，请写成 7/10 这样的形式 (R1)") % {"where": where, "value": text}
        ) from None
    if value < 0:
        raise ValidationError(_("%(where)s：权重不能为负数 (R1)") % {"where": where})
    return value


def _weight_text(value: Fraction) -> str:
    return str(value)


def do_configure_stages(actor: Any, *, election: Election, stages: Sequence[StageInput]) -> None:
    """Edit names, weights and speech time of stages still being prepared.

    R1: the group weights of each stage sum to 1; R2: the stage weights sum to 1 (checked by the core).
    """
    errors: list[str] = []
    existing = {s.pk: s for s in RecommendationStage.objects.filter(election=election).prefetch_related("groups")}
    parsed: list[tuple[RecommendationStage, StageInput, Fraction, dict[int, Fraction]]] = []
    for item in stages:
        stage = existing.get(item.pk)
        if stage is None:
            raise ValidationError(_("推荐环节不存在。"))
        if stage.status != StageStatus.PREPARING:
            errors.append(_("%(stage)s 已开始，不能再修改权重。") % {"stage": stage.name})
            continue
        if not item.name.strip():
            errors.append(_("推荐环节名称不能为空。"))
        if item.speech_seconds < 30:
            errors.append(_("%(stage)s：每人演讲时间至少 30 秒。") % {"stage": item.name or stage.name})
        groups = {g.pk: g for g in stage.groups.all()}
        weights: dict[int, Fraction] = {}
        for g in item.groups:
            if g.pk not in groups:
                raise ValidationError(_("推荐组不存在。"))
            if not g.name.strip():
                errors.append(_("%(stage)s：推荐组名称不能为空。") % {"stage": stage.name})
            try:
                weights[g.pk] = parse_weight(g.weight, f"{item.name or stage.name} · {g.name or groups[g.pk].name}")
            except ValidationError as exc:
                errors.extend(exc.messages)
        if len(weights) == len(item.groups):
            decision = check_weights({str(k): v for k, v in weights.items()}, rule="R1", what="group")
            if decision.code != "weights_valid":
                errors.append(f"{item.name or stage.name}：{decision.zh} (R1)")
        try:
            stage_weight = parse_weight(item.weight, _("%(stage)s 的环节权重") % {"stage": item.name or stage.name})
        except ValidationError as exc:
            errors.extend(exc.messages)
            stage_weight = Fraction(0)
        parsed.append((stage, item, stage_weight, weights))
    if len(existing) > 1 and len(parsed) == len(existing) and not errors:
        decision = check_weights({str(s.pk): w for s, _i, w, _g in parsed}, rule="R2", what="stage")
        if decision.code != "weights_valid":
            errors.append(_("各推荐环节的权重之和应为 100%%：%(why)s (R2)") % {"why": decision.zh})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        changes = []
        for stage, item, stage_weight, weights in parsed:
            stage.name = item.name.strip()
            stage.weight = _weight_text(stage_weight) if len(existing) > 1 else "1"
            stage.speech_seconds = item.speech_seconds
            stage.save(update_fields=["name", "weight", "speech_seconds"])
            group_changes = {}
            for g in item.groups:
                StageGroup.objects.filter(pk=g.pk, stage=stage).update(
                    name=g.name.strip(), weight=_weight_text(weights[g.pk])
                )
                group_changes[g.pk] = {"name": g.name.strip(), "weight": _weight_text(weights[g.pk])}
            keys = {gr.pk: gr.key for gr in stage.groups.all()}
            changes.append(
                {
                    "key": stage.key,
                    "name": stage.name,
                    "weight": stage.weight,
                    "speech_seconds": stage.speech_seconds,
                    "groups": {keys[pk]: v for pk, v in group_changes.items()},
                }
            )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="recommendation.configure_stages",
            obj=election,
            data={"stages": changes},
        )


def _set_status(actor: Any, stage: RecommendationStage, before: str, after: str, action: str) -> RecommendationStage:
    with transaction.atomic():
        updated = RecommendationStage.objects.filter(pk=stage.pk, status=before).update(status=after)
        if not updated:
            raise ValidationError(
                _("%(stage)s 当前状态为“%(status)s”，不能这样操作。")
                % {"stage": stage.name, "status": StageStatus(stage.status).label}
            )
        stage.status = after
        append_entry(
            chain=stage.election.audit_chain,
            actor=actor,
            action=action,
            obj=stage,
            data={"stage": stage.key, "before": before, "after": after},
        )
    return stage


def do_open_stage(actor: Any, *, stage: RecommendationStage) -> RecommendationStage:
    """preparing → open: check-in, speeches and ballots may start."""
    groups = list(stage.groups.all())
    decision = check_weights({g.key: Fraction(g.weight) for g in groups}, rule="R1", what="group")
    if decision.code != "weights_valid":
        raise ValidationError(f"{stage.name}：{decision.zh} (R1)")
    return _set_status(actor, stage, StageStatus.PREPARING, StageStatus.OPEN, "recommendation.open_stage")


def do_close_stage(actor: Any, *, stage: RecommendationStage) -> RecommendationStage:
    """open → closed: no more check-ins or ballots; unused codes become worthless."""
    return _set_status(actor, stage, StageStatus.OPEN, StageStatus.CLOSED, "recommendation.close_stage")


# --- check-in ---------------------------------------------------------------------------------


def do_check_in(
    actor: Any,
    *,
    stage: RecommendationStage,
    group: StageGroup,
    member: Member | None = None,
    public_rep: PublicRep | None = None,
    other_name: str = "",
) -> CheckIn:
    """Check one participant into ``group``: members with rights (P1) into the members' group, public
    reps (P4) into the public group, named persons into any other group; each person once per stage."""
    if group.stage_id != stage.pk:
        raise ValidationError(_("推荐组不属于该环节。"))
    if stage.status == StageStatus.CLOSED:
        raise ValidationError(_("%(stage)s 已结束，不能再签到。") % {"stage": stage.name})
    other_name = other_name.strip()
    if group.key == MEMBERS:
        if member is None or member.election_id != stage.election_id:
            raise ValidationError(_("“%(group)s”组只能由名册中的党员签到。") % {"group": group.name})
        decision = people.voting_rights(to_rules_member(member))
        if decision.code != "has_rights":
            raise ValidationError(f"{decision.zh} (P1)")
        who = {"member": member.number}
        label = f"{member.number} {member.name}"
    elif group.key == PUBLIC:
        if public_rep is None or public_rep.election_id != stage.election_id:
            raise ValidationError(_("“%(group)s”组只能由名册中的群众代表签到 (P4)。") % {"group": group.name})
        who = {"public_rep": public_rep.number}
        label = f"{public_rep.number} {public_rep.name}"
    else:
        if member is not None or public_rep is not None or not other_name:
            raise ValidationError(_("“%(group)s”组请填写参加人员姓名。") % {"group": group.name})
        who = {"name": other_name}
        label = other_name
    with transaction.atomic():
        clash = CheckIn.objects.filter(stage=stage)
        if member is not None:
            clash = clash.filter(member=member)
        elif public_rep is not None:
            clash = clash.filter(public_rep=public_rep)
        else:
            clash = clash.filter(member=None, public_rep=None, other_name=other_name)
        earlier = clash.select_related("group").first()
        if earlier is not None:
            raise ValidationError(
                _("%(who)s 已在本环节“%(group)s”组签到，每人只能签到一次。")
                % {"who": label, "group": earlier.group.name}
            )
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    stage=stage,
                    group=group,
                    member=member if group.key == MEMBERS else None,
                    public_rep=public_rep if group.key == PUBLIC else None,
                    other_name=other_name if group.key not in (MEMBERS, PUBLIC) else "",
                    recorded_by=_user(actor),
                )
        except IntegrityError:
            raise ValidationError(_("%(who)s 已在本环节签到，每人只能签到一次。") % {"who": label}) from None
        append_entry(
            chain=stage.election.audit_chain,
            actor=actor,
            action="recommendation.check_in",
            obj=checkin,
            data={"stage": stage.key, "group": group.key, **who},
        )
    return checkin


# --- lots (L1) --------------------------------------------------------------------------------


def _lot_label(election: Election, purpose: str) -> str:
    # The label is hashed into the draw (L1), so it names the election as people read it.
    if purpose == LotPurpose.SPEECH:
        return f"{election.title} 演讲顺序抽签"
    return f"{election.title} 截止线并列抽签"


def do_commit_lot(actor: Any, *, election: Election, purpose: str) -> Lot:
    """Make a fresh secret (from the OS) and publish only its SHA-256 commitment (L1)."""
    if purpose not in LotPurpose.values:
        raise ValidationError(_("未知的抽签用途。"))
    if purpose == LotPurpose.SPEECH and not selectors.speakers(election):
        raise ValidationError(_("还没有资格审查合格的提名人选，无法抽签 (R6)。"))
    if purpose == LotPurpose.SELECTION and selectors.selection_lot_needed(election) is None:
        raise ValidationError(_("确定初步候选人时没有需要抽签的截止线并列 (R3)。"))
    secret = secrets.token_bytes(32)
    with transaction.atomic():
        if Lot.objects.filter(election=election, purpose=purpose).exists():
            raise ValidationError(_("该抽签的承诺值已经公布，不能重新生成。"))
        lot = Lot.objects.create(
            election=election,
            purpose=purpose,
            label=_lot_label(election, purpose),
            secret=secret.hex(),
            commitment=lots.commitment(secret),
            committed_at=timezone.now(),
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="recommendation.commit_lot",
            obj=lot,
            data={"purpose": purpose, "label": lot.label, "commitment": lot.commitment},
        )
    return lot


def do_draw_lot(actor: Any, *, lot: Lot, entropy: str) -> Lot:
    """Enter the public entropy read out in front of observers, draw (L1) and reveal the secret."""
    entropy = " ".join(entropy.split())
    if not entropy:
        raise ValidationError(_("请填写现场公开产生的随机数（例如掷骰子读出的数字）(L1)。"))
    if len(entropy) > 200:
        raise ValidationError(_("公开随机数最长 200 个字符。"))
    election = lot.election
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        if lot.revealed_at is not None:
            raise ValidationError(_("该抽签已经完成。"))
        secret = bytes.fromhex(lot.secret)
        if lot.purpose == LotPurpose.SPEECH:
            items = selectors.speakers(election)
            if not items:
                raise ValidationError(_("还没有资格审查合格的提名人选，无法抽签 (R6)。"))
            try:
                result = lots.draw(items, secret, entropy, lot.label, published_commitment=lot.commitment)
            except lots.LotError as exc:
                raise ValidationError(_("抽签无法进行：%(why)s (L1)") % {"why": exc}) from exc
            lot.result = list(result.order)
        else:
            if selectors.selection_lot_needed(election) is None:
                raise ValidationError(_("确定初步候选人时没有需要抽签的截止线并列 (R3)。"))
        lot.entropy = entropy
        lot.revealed_at = timezone.now()
        lot.save(update_fields=["entropy", "revealed_at", "result"])
        if lot.purpose == LotPurpose.SELECTION:
            # The runner draws one order per tied position (label "R3 <position>") from this secret.
            lot.result = selectors.selection_draws(election)
            lot.save(update_fields=["result"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="recommendation.draw_lot",
            obj=lot,
            data={
                "purpose": lot.purpose,
                "label": lot.label,
                "commitment": lot.commitment,
                "entropy": entropy,
                "secret": lot.secret,
                "result": lot.result,
            },
        )
    return lot


# --- the projector ----------------------------------------------------------------------------


def _clock_entry(actor: Any, stage: RecommendationStage, action: str, data: Mapping[str, object]) -> None:
    append_entry(chain=stage.election.audit_chain, actor=actor, action=action, obj=stage, data=dict(data))


def do_next_speaker(actor: Any, *, stage: RecommendationStage) -> RecommendationStage:
    """Move to the next speaker in the drawn order (R6); the clock waits for "start"."""
    order = selectors.speech_order(stage.election)
    if not order:
        raise ValidationError(_("演讲顺序尚未抽签确定 (R6)。"))
    with transaction.atomic():
        stage = RecommendationStage.objects.select_for_update().get(pk=stage.pk)
        numbers = [a.number for a in order]
        current = stage.current_speaker.number if stage.current_speaker else None
        index = numbers.index(current) + 1 if current in numbers else 0
        if index >= len(order):
            raise ValidationError(_("所有提名人选均已演讲完毕。"))
        stage.current_speaker = order[index]
        stage.speaker_started_at = None
        stage.clock_remaining = None
        stage.save(update_fields=["current_speaker", "speaker_started_at", "clock_remaining"])
        _clock_entry(actor, stage, "recommendation.next_speaker", {"stage": stage.key, "speaker": numbers[index]})
    return stage


def do_start_clock(actor: Any, *, stage: RecommendationStage) -> RecommendationStage:
    with transaction.atomic():
        stage = RecommendationStage.objects.select_for_update().get(pk=stage.pk)
        if stage.current_speaker_id is None:
            raise ValidationError(_("请先确定当前演讲人。"))
        if stage.speaker_started_at is not None:
            raise ValidationError(_("计时已在进行。"))
        left = stage.clock_remaining if stage.clock_remaining is not None else stage.speech_seconds
        stage.speaker_started_at = timezone.now() - timedelta(seconds=stage.speech_seconds - left)
        stage.clock_remaining = None
        stage.save(update_fields=["speaker_started_at", "clock_remaining"])
        _clock_entry(actor, stage, "recommendation.start_clock", {"stage": stage.key, "seconds_left": left})
    return stage


def do_pause_clock(actor: Any, *, stage: RecommendationStage) -> RecommendationStage:
    with transaction.atomic():
        stage = RecommendationStage.objects.select_for_update().get(pk=stage.pk)
        if stage.speaker_started_at is None:
            raise ValidationError(_("计时没有在进行。"))
        left = selectors.seconds_left(stage, timezone.now())
        stage.speaker_started_at = None
        stage.clock_remaining = left
        stage.save(update_fields=["speaker_started_at", "clock_remaining"])
        _clock_entry(actor, stage, "recommendation.pause_clock", {"stage": stage.key, "seconds_left": left})
    return stage


# --- ballots ----------------------------------------------------------------------------------


def _require_open(stage: RecommendationStage) -> None:
    if stage.status != StageStatus.OPEN:
        raise ValidationError(
            _("%(stage)s 当前状态为“%(status)s”，只有进行中的环节才能录入推荐票。")
            % {"stage": stage.name, "status": StageStatus(stage.status).label}
        )


def clean_picks(stage: RecommendationStage, picks: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Picks per position kind, each a qualified nominee of that position; sorted, duplicates dropped.

    How many were ticked is not checked here: over-recommending makes the ballot invalid for that
    position only, and the core decides that (R5).
    """
    qualified = selectors.qualified(stage.election)
    out: dict[str, list[str]] = {}
    for kind, numbers in picks.items():
        if kind not in qualified:
            raise ValidationError(_("职位“%(kind)s”不在本次推荐范围内。") % {"kind": kind})
        chosen = sorted(set(numbers))
        unknown = [n for n in chosen if n not in qualified[kind]]
        if unknown:
            raise ValidationError(_("%(numbers)s 不是该职位资格审查合格的提名人选。") % {"numbers": "、".join(unknown)})
        if chosen:
            out[kind] = chosen
    return out


def do_record_paper_ballot(
    actor: Any, *, stage: RecommendationStage, group: StageGroup, picks: Mapping[str, Sequence[str]], count: int = 1
) -> RecommendationBallot:
    """A teller enters one paper ballot (or ``count`` identical ones) as ticked (R5 is the core's)."""
    if group.stage_id != stage.pk:
        raise ValidationError(_("推荐组不属于该环节。"))
    if count < 1 or count > 100000:
        raise ValidationError(_("相同选票的张数应为 1 到 100000 之间的整数。"))
    _require_open(stage)
    cleaned = clean_picks(stage, picks)
    with transaction.atomic():
        ballot = RecommendationBallot.objects.create(
            stage=stage, group=group, picks=cleaned, count=count, source=BallotSource.PAPER
        )
        append_entry(
            chain=stage.election.audit_chain,
            actor=actor,
            action="recommendation.record_paper_ballot",
            obj=ballot,
            data={"stage": stage.key, "group": group.key, "count": count, "picks": cleaned},
        )
    return ballot


def do_delete_paper_ballot(actor: Any, *, ballot: RecommendationBallot) -> None:
    """Remove a paper ballot entered by mistake while the stage is open."""
    stage = ballot.stage
    _require_open(stage)
    if ballot.source != BallotSource.PAPER:
        raise ValidationError(_("网上推荐票不能删除。"))
    with transaction.atomic():
        data = {"stage": stage.key, "group": ballot.group.key, "count": ballot.count, "picks": ballot.picks}
        ballot.delete()
        append_entry(
            chain=stage.election.audit_chain,
            actor=actor,
            action="recommendation.delete_paper_ballot",
            obj=stage,
            data=data,
        )


def do_record_group_total(
    actor: Any,
    *,
    stage: RecommendationStage,
    group: StageGroup,
    position: Position,
    valid: int,
    votes: Mapping[str, int],
) -> GroupTotal:
    """The tellers' count of one group for one position: valid ballots and for-votes per nominee."""
    if group.stage_id != stage.pk or position.election_id != stage.election_id:
        raise ValidationError(_("推荐组或职位不属于该环节。"))
    _require_open(stage)
    if valid < 0:
        raise ValidationError(_("有效票数不能为负数。"))
    qualified = selectors.qualified(stage.election).get(position.kind, [])
    names = selectors.applicant_names(stage.election)
    cleaned: dict[str, int] = {}
    errors = []
    for number, n in votes.items():
        who = f"{number} {names.get(number, '')}".strip()
        if number not in qualified:
            errors.append(_("%(who)s 不是该职位资格审查合格的提名人选。") % {"who": who})
        elif n < 0:
            errors.append(_("%(who)s：得票数不能为负数。") % {"who": who})
        elif n > valid:
            errors.append(_("%(who)s：得票 %(n)s 超过有效票 %(valid)s (R1)。") % {"who": who, "n": n, "valid": valid})
        elif n:
            cleaned[number] = n
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        total, created = GroupTotal.objects.update_or_create(
            stage=stage, group=group, position=position, defaults={"valid": valid, "votes": cleaned}
        )
        append_entry(
            chain=stage.election.audit_chain,
            actor=actor,
            action="recommendation.record_group_total",
            obj=total,
            data={
                "stage": stage.key,
                "group": group.key,
                "position": position.kind,
                "valid": valid,
                "for": cleaned,
                "replaced": not created,
            },
        )
    return total


# --- online ballots with one-time codes -------------------------------------------------------


def code_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def do_issue_codes(actor: Any, *, stage: RecommendationStage, group: StageGroup) -> list[str]:
    """One code for each checked-in participant of ``group`` not yet given one; only hashes are stored.

    The plain codes are returned once, to be printed and handed out at the check-in desk.
    """
    if group.stage_id != stage.pk:
        raise ValidationError(_("推荐组不属于该环节。"))
    _require_open(stage)
    with transaction.atomic():
        RecommendationStage.objects.select_for_update().get(pk=stage.pk)
        checked_in = CheckIn.objects.filter(stage=stage, group=group).count()
        issued = VotingCode.objects.filter(stage=stage, group=group).count()
        missing = checked_in - issued
        if missing <= 0:
            raise ValidationError(
                _("“%(group)s”组已签到 %(n)s 人，均已发放推荐码。") % {"group": group.name, "n": checked_in}
            )
        codes: list[str] = []
        while len(codes) < missing:
            code = _new_code()
            if code not in codes:
                codes.append(code)
        VotingCode.objects.bulk_create(VotingCode(stage=stage, group=group, code_hash=code_hash(c)) for c in codes)
        append_entry(
            chain=stage.election.audit_chain,
            actor=actor,
            action="recommendation.issue_codes",
            obj=stage,
            data={"stage": stage.key, "group": group.key, "issued": len(codes), "checked_in": checked_in},
        )
    return codes


class CodeRefused(ValidationError):
    """The code is unknown, used, or its stage is not open."""


def do_cast_online(code: str, *, picks: Mapping[str, Sequence[str]]) -> None:
    """Cast the ballot of one code, once. The code is spent by a conditional UPDATE, so two concurrent
    submits give one ballot. The ballot keeps no code, voter or time (S1); identical online ballots of a
    group are stored as one row with a count, so not even the order of casting is kept."""
    digest = code_hash(code)
    voting = VotingCode.objects.filter(code_hash=digest).select_related("stage__election", "group").first()
    if voting is None:
        raise CodeRefused(_("推荐码无效，请核对后重新输入。"))
    stage = voting.stage
    if stage.status != StageStatus.OPEN:
        raise CodeRefused(_("%(stage)s 未在进行中，不能推荐。") % {"stage": stage.name})
    cleaned = clean_picks(stage, picks)
    with transaction.atomic():
        spent = VotingCode.objects.filter(pk=voting.pk, used=False).update(used=True)
        if spent != 1:
            raise CodeRefused(_("该推荐码已经使用过，每个推荐码只能投一次。"))
        if not RecommendationStage.objects.filter(pk=stage.pk, status=StageStatus.OPEN).exists():
            raise CodeRefused(_("%(stage)s 未在进行中，不能推荐。") % {"stage": stage.name})
        same = (
            RecommendationBallot.objects.select_for_update()
            .filter(stage=stage, group=voting.group, source=BallotSource.ONLINE)
            .order_by("pk")
        )
        row = next((b for b in same if b.picks == cleaned), None)
        if row is None:
            RecommendationBallot.objects.create(
                stage=stage, group=voting.group, picks=cleaned, count=1, source=BallotSource.ONLINE
            )
        else:
            RecommendationBallot.objects.filter(pk=row.pk).update(count=F("count") + 1)
        append_entry(
            chain=stage.election.audit_chain,
            actor=None,
            action="recommendation.cast_online",
            obj=stage,
            data={"stage": stage.key, "group": voting.group.key},
        )
