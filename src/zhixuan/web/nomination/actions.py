"""State changes of registration, nomination and review: one transaction and one audit entry each (S2).

What holds is decided by the rules core: N3 by ``check_application``, N2 signatures against the roster
of recommenders (P1) and once per position, N4 by the run of the election's record. Bad input raises
``ValidationError`` with a specific Chinese message and stores nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhixuan.rules.stroke_order import MissingStrokeData, StrokeOrderError, name_key
from zhixuan.strokes import stroke_table
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import Election, Position
from zhixuan.web.nomination import selectors
from zhixuan.web.nomination.models import (
    Applicant,
    ApplicantPosition,
    ApplicantSource,
    NominationRoute,
    Objection,
    ReviewDecision,
    ReviewNotice,
    RouteKind,
    Signature,
    SignatureSource,
)
from zhixuan.web.roster.models import Member, PublicRep

NOTICE_DAYS = 5


@dataclass(frozen=True)
class ApplicantInput:
    """What an application form carries; ``positions`` are position kinds, most preferred first."""

    name: str
    positions: list[str]
    gender: str = ""
    member_number: str = ""
    age: int | None = None
    party_years: int | None = None
    education: str = ""
    identity: str = ""
    current_post: str = ""
    phone: str = ""
    statement: str = ""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


def _require_open(election: Election) -> None:
    if election.announced_at is None:
        raise ValidationError(_("公告发布前不能报名或提名 (N1)"))
    if selectors.notice(election) is not None:
        raise ValidationError(_("资格审查结果已公示，报名和提名已截止 (N4)"))


def _decision_text(decision: Any) -> str:
    body = decision.en if get_language() == "en" else decision.zh
    return f"{body} ({decision.rule})"


def _check_application(election: Election, data: ApplicantInput) -> tuple[Member | None, list[Position]]:
    """Field checks, the roster link and N3 by the core; raises with every problem named."""
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors.setdefault("name", []).append(_("请填写姓名"))
    else:
        try:
            name_key(data.name.strip(), stroke_table())
        except MissingStrokeData as exc:
            # Every list of names is ordered by surname strokes (C4): a name must be orderable.
            errors.setdefault("name", []).append(
                _("姓名中的「%(char)s」无法按姓氏笔画排序，请填写规范汉字姓名 (C4)") % {"char": exc.char}
            )
        except StrokeOrderError:
            errors.setdefault("name", []).append(_("请填写姓名"))
    member = None
    number = data.member_number.strip()
    if number:
        member = selectors.roster_member(election, number)
        if member is None:
            errors.setdefault("member_number", []).append(_("名册中没有编号为 %(number)s 的党员") % {"number": number})
        elif member.name != data.name.strip():
            errors.setdefault("member_number", []).append(
                _("党员编号 %(number)s 在名册中对应 %(roster)s，与填写的姓名 %(name)s 不一致")
                % {"number": number, "roster": member.name, "name": data.name.strip()}
            )
        else:
            taken = Applicant.objects.filter(election=election, member=member, withdrawn_at=None).first()
            if taken is not None:
                errors.setdefault("member_number", []).append(
                    _("党员 %(name)s 已报名（报名编号 %(number)s），不能重复报名")
                    % {"name": member.name, "number": taken.number}
                )
    by_kind = {p.kind: p for p in selectors.positions(election)}
    unknown = [k for k in data.positions if k not in by_kind]
    if unknown:
        errors.setdefault("positions", []).append(_("本次选举没有职位 %(kind)s") % {"kind": "、".join(unknown)})
    elif not data.positions:
        errors.setdefault("positions", []).append(_("请至少选择一个报名职位 (N3)"))
    else:
        result = selectors.application_check(election, data.name.strip(), data.positions)
        if result.refused:
            refused = [d for d in result.decisions if d.code in ("application_duplicate", "application_over_limit")]
            errors.setdefault("positions", []).extend(_decision_text(d) for d in refused)
    if data.education and data.education not in dict(selectors.EDUCATION_CHOICES):
        errors.setdefault("education", []).append(
            _("学历应为 %(levels)s 之一") % {"levels": "、".join(dict(selectors.EDUCATION_CHOICES))}
        )
    if errors:
        raise ValidationError(errors)
    return member, [by_kind[k] for k in data.positions]


def _create_applicant(
    actor: Any, election: Election, data: ApplicantInput, source: str
) -> tuple[Applicant, list[Position]]:
    member, wanted = _check_application(election, data)
    applicant = Applicant(
        election=election,
        number=selectors.next_number(election),
        name=data.name.strip(),
        member=member,
        gender=data.gender,
        age=data.age,
        party_years=data.party_years,
        education=data.education,
        identity=data.identity.strip(),
        current_post=data.current_post.strip(),
        phone=data.phone.strip(),
        statement=data.statement.strip(),
        source=source,
    )
    applicant.full_clean(exclude=["election", "member"])
    applicant.save()
    ApplicantPosition.objects.bulk_create(
        ApplicantPosition(applicant=applicant, position=p, preference=i) for i, p in enumerate(wanted, start=1)
    )
    return applicant, wanted


def _applicant_data(applicant: Applicant, wanted: list[Position]) -> dict[str, Any]:
    return {
        "number": applicant.number,
        "name": applicant.name,
        "member": applicant.member.number if applicant.member else None,
        "positions": [p.kind for p in wanted],
        "source": applicant.source,
    }


def do_submit_application(actor: Any, *, election: Election, data: ApplicantInput) -> Applicant:
    """The public portal: an application for 1–2 positions (N3) with a self-nomination route (N2)."""
    with transaction.atomic():
        election = _lock(election)
        _require_open(election)
        applicant, wanted = _create_applicant(actor, election, data, ApplicantSource.PORTAL)
        NominationRoute.objects.create(applicant=applicant, kind=RouteKind.SELF)
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.submit_application",
            obj=applicant,
            data={**_applicant_data(applicant, wanted), "routes": [RouteKind.SELF.value]},
        )
    return applicant


def do_add_applicant(actor: Any, *, election: Election, data: ApplicantInput, route: str, by: str = "") -> Applicant:
    """Staff entry of a paper application or nomination, with its first route (N2).

    A joint route is opened for the first-preference position; signatures are entered afterwards.
    """
    with transaction.atomic():
        election = _lock(election)
        _require_open(election)
        if route not in RouteKind.values:
            raise ValidationError({"route": [_("请选择提名方式 (N2)")]})
        if route == RouteKind.ORGANISATION and not by.strip():
            raise ValidationError({"by": [_("组织推荐须填写推荐组织名称 (N2)")]})
        applicant, wanted = _create_applicant(actor, election, data, ApplicantSource.STAFF)
        NominationRoute.objects.create(
            applicant=applicant,
            kind=route,
            position=wanted[0] if route == RouteKind.JOINT else None,
            by=by.strip() if route == RouteKind.ORGANISATION else "",
            recorded_by=_user(actor),
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.add_applicant",
            obj=applicant,
            data={**_applicant_data(applicant, wanted), "routes": [route], "by": by.strip()},
        )
    return applicant


def do_add_route(
    actor: Any, *, applicant: Applicant, kind: str, position: Position | None = None, by: str = ""
) -> NominationRoute:
    """Another route for an applicant (N2): an organisation nomination, or a joint one for a position applied for."""
    with transaction.atomic():
        election = _lock(applicant.election)
        _require_open(election)
        applicant = Applicant.objects.get(pk=applicant.pk)
        if applicant.withdrawn_at is not None:
            raise ValidationError(_("%(name)s 已退出，不能再添加提名") % {"name": applicant.name})
        existing = NominationRoute.objects.filter(applicant=applicant)
        if kind == RouteKind.ORGANISATION:
            by = by.strip()
            if not by:
                raise ValidationError({"by": [_("组织推荐须填写推荐组织名称 (N2)")]})
            if existing.filter(kind=kind, by=by).exists():
                raise ValidationError({"by": [_("%(by)s 已推荐过 %(name)s") % {"by": by, "name": applicant.name}]})
            position = None
        elif kind == RouteKind.JOINT:
            if position is None or not applicant.positions.filter(position=position).exists():
                raise ValidationError(
                    {"position": [_("联名推荐须针对 %(name)s 报名的职位 (N2, N3)") % {"name": applicant.name}]}
                )
            if existing.filter(kind=kind, position=position).exists():
                raise ValidationError(
                    {"position": [_("%(name)s 在该职位已有联名推荐，请在其中录入签名") % {"name": applicant.name}]}
                )
            by = ""
        elif kind == RouteKind.SELF:
            if existing.filter(kind=kind).exists():
                raise ValidationError(_("%(name)s 已有个人自荐") % {"name": applicant.name})
            position, by = None, ""
        else:
            raise ValidationError({"kind": [_("请选择提名方式 (N2)")]})
        route = NominationRoute.objects.create(
            applicant=applicant, kind=kind, position=position, by=by, recorded_by=_user(actor)
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.add_route",
            obj=route,
            data={
                "applicant": applicant.number,
                "kind": kind,
                "position": position.kind if position else None,
                "by": by,
            },
        )
    return route


# --- N2: signatures ----------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，、;；]+")


def _signer(election: Election, number: str) -> tuple[Member | None, PublicRep | None]:
    member = Member.objects.filter(election=election, number=number).select_related("excusal").first()
    if member is not None:
        return member, None
    return None, PublicRep.objects.filter(election=election, number=number).first()


def _signer_problem(
    route: NominationRoute, member: Member | None, public_rep: PublicRep | None, number: str
) -> str | None:
    """Why this signer cannot sign ``route`` (N2, P1), or None."""
    if member is None and public_rep is None:
        return _("名册中没有编号 %(number)s（须为党员或群众代表）(N2)") % {"number": number}
    if member is not None and not selectors.has_rights(member):
        return _("%(name)s（%(number)s）为%(status)s，没有推荐权，不能联名 (P1)") % {
            "name": member.name,
            "number": number,
            "status": member.get_status_display(),
        }
    signed = selectors.signed_positions(route.applicant.election, member=member, public_rep=public_rep)
    earlier = signed.get(route.position_id)  # type: ignore[arg-type]
    if earlier is not None:
        who = member.name if member is not None else public_rep.name  # type: ignore[union-attr]
        return _("%(who)s（%(number)s）已为该职位联名推荐 %(nominee)s，同一职位只能签名一次 (N2)") % {
            "who": who,
            "number": number,
            "nominee": earlier.route.applicant.name,
        }
    return None


def _joint_route(route: NominationRoute) -> NominationRoute:
    route = NominationRoute.objects.select_related("applicant__election", "position").get(pk=route.pk)
    if route.kind != RouteKind.JOINT or route.position is None:
        raise ValidationError(_("只有联名推荐需要签名 (N2)"))
    if route.applicant.withdrawn_at is not None:
        raise ValidationError(_("%(name)s 已退出，不能再签名") % {"name": route.applicant.name})
    return route


def do_add_signatures(actor: Any, *, route: NominationRoute, text: str) -> list[Signature]:
    """Paper signatures entered by roster number, one or more per line (N2).

    Every line is checked first: unknown number, no voting rights (P1), already signed for this
    position, repeated in the batch. Any bad line rejects the whole batch, each line named.
    """
    with transaction.atomic():
        election = _lock(route.applicant.election)
        _require_open(election)
        route = _joint_route(route)
        errors: list[str] = []
        accepted: list[tuple[str, Member | None, PublicRep | None]] = []
        seen: dict[str, int] = {}
        for line_no, line in enumerate(text.splitlines(), start=1):
            for number in (n for n in _SPLIT.split(line.strip()) if n):
                if number in seen:
                    errors.append(
                        _("第 %(line)d 行 %(number)s：与第 %(first)d 行重复 (N2)")
                        % {"line": line_no, "number": number, "first": seen[number]}
                    )
                    continue
                seen[number] = line_no
                member, public_rep = _signer(election, number)
                problem = _signer_problem(route, member, public_rep, number)
                if problem:
                    errors.append(_("第 %(line)d 行 %(number)s：") % {"line": line_no, "number": number} + problem)
                else:
                    accepted.append((number, member, public_rep))
        if not seen:
            raise ValidationError(_("请填写签名人的名册编号，每行一个"))
        if errors:
            raise ValidationError(errors)
        signatures = [
            Signature.objects.create(
                route=route, member=m, public_rep=r, source=SignatureSource.PAPER, recorded_by=_user(actor)
            )
            for _n, m, r in accepted
        ]
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.add_signatures",
            obj=route,
            data={
                "applicant": route.applicant.number,
                "position": route.position.kind,  # type: ignore[union-attr]
                "signers": [n for n, _m, _r in accepted],
                "total": route.signatures.count(),
            },
        )
    return signatures


def do_sign_online(actor: Any, *, route: NominationRoute, identity: Any) -> Signature:
    """A member (or public rep) signs a joint nomination from their own account, once per position (N2)."""
    with transaction.atomic():
        election = _lock(route.applicant.election)
        _require_open(election)
        route = _joint_route(route)
        if identity is None or identity.election_id != election.pk:
            raise ValidationError(_("您的账号没有关联本次选举名册中的党员或群众代表，不能签名 (N2)"))
        member, public_rep = identity.member, identity.public_rep
        if member is not None:
            member = Member.objects.select_related("excusal").get(pk=member.pk)
            public_rep = None
        number = member.number if member is not None else public_rep.number
        problem = _signer_problem(route, member, public_rep, number)
        if problem:
            raise ValidationError(problem)
        signature = Signature.objects.create(
            route=route, member=member, public_rep=public_rep, source=SignatureSource.ONLINE, recorded_by=_user(actor)
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.sign_online",
            obj=route,
            data={
                "applicant": route.applicant.number,
                "position": route.position.kind,  # type: ignore[union-attr]
                "signer": number,
                "total": route.signatures.count(),
            },
        )
    return signature


def do_withdraw_applicant(actor: Any, *, applicant: Applicant, reason: str = "") -> Applicant:
    """The applicant leaves the race; the record keeps them, the export no longer lists them."""
    with transaction.atomic():
        election = _lock(applicant.election)
        _require_open(election)
        applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
        if applicant.withdrawn_at is not None:
            raise ValidationError(_("%(name)s 已退出") % {"name": applicant.name})
        applicant.withdrawn_at = timezone.now()
        applicant.save(update_fields=["withdrawn_at"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.withdraw_applicant",
            obj=applicant,
            data={"number": applicant.number, "name": applicant.name, "reason": reason.strip()},
        )
    return applicant


# --- N4: review, notice, objections ------------------------------------------------------------


def do_record_review(
    actor: Any, *, applicant: Applicant, position: Position, qualified: bool, reason: str = ""
) -> ReviewDecision:
    """The working group's decision for one applicant and position (N4).

    Not qualified needs a written reason. Qualified cannot overrule the core's automatic check:
    an applicant failing a condition that the procedure does not relax stays not qualified.
    """
    reason = reason.strip()
    with transaction.atomic():
        election = _lock(applicant.election)
        if selectors.notice(election) is not None:
            raise ValidationError(_("审查结果已公示，不能再修改；请通过异议处理 (N4)"))
        if applicant.withdrawn_at is not None:
            raise ValidationError(_("%(name)s 已退出") % {"name": applicant.name})
        if not applicant.positions.filter(position=position).exists():
            raise ValidationError(_("%(name)s 没有报名该职位") % {"name": applicant.name})
        if not qualified and not reason:
            raise ValidationError({"reason": [_("认定不合格须写明理由 (N4)")]})
        if qualified:
            row = next(
                (
                    r
                    for r in selectors.review_state(election).rows
                    if r.applicant.pk == applicant.pk and r.position.pk == position.pk
                ),
                None,
            )
            if row is not None and row.automatic_ok is False:
                failed = [_decision_text(d) for d in row.automatic if d.code == "condition_failed"]
                raise ValidationError(
                    [_("%(name)s 不符合资格条件，不能认定为合格：") % {"name": applicant.name}, *failed]
                )
        review, _created = ReviewDecision.objects.update_or_create(
            applicant=applicant,
            position=position,
            defaults={"qualified": qualified, "reason": reason, "decided_by": _user(actor)},
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.record_review",
            obj=review,
            data={
                "applicant": applicant.number,
                "position": position.kind,
                "qualified": qualified,
                "reason": reason,
            },
        )
    return review


def do_publish_notice(actor: Any, *, election: Election, days: int = NOTICE_DAYS) -> ReviewNotice:
    """Publish the qualified list (公示) with an objection window (N4); registration closes.

    Every nominated applicant × position needs the working group's decision first. The content is
    the core's outcome ``qualified`` at this moment, frozen.
    """
    if days < 1:
        raise ValidationError({"days": [_("公示期至少 1 天 (N4)")]})
    with transaction.atomic():
        election = _lock(election)
        if election.announced_at is None:
            raise ValidationError(_("公告发布前不能公示 (N1)"))
        if selectors.notice(election) is not None:
            raise ValidationError(_("审查结果已经公示"))
        state = selectors.review_state(election)
        if state.problems:
            raise ValidationError([f"{p.path}: {p.zh}" for p in state.problems])
        if state.pending:
            raise ValidationError(
                [_("以下人选尚未作出审查结论 (N4)：")]
                + [f"{r.applicant.number} {r.applicant.name}（{r.position.get_kind_display()}）" for r in state.pending]
            )
        if not any(state.qualified.values()):
            raise ValidationError(_("没有资格审查合格的人选，无法公示 (N4)"))
        names = {a.number: a.name for a in selectors.applicants(election)}
        now = timezone.now()
        content = {
            "positions": [
                {
                    "kind": p.kind,
                    "title": str(p.get_kind_display()),
                    "seats": p.seats,
                    "qualified": [{"number": n, "name": names.get(n, n)} for n in state.qualified.get(p.kind, [])],
                }
                for p in selectors.positions(election)
            ],
        }
        review_notice = ReviewNotice.objects.create(
            election=election,
            published_at=now,
            objections_until=now + timedelta(days=days),
            content=content,
            published_by=_user(actor),
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.publish_notice",
            obj=review_notice,
            data={
                "objections_until": review_notice.objections_until.isoformat(),
                "qualified": {p["kind"]: [q["number"] for q in p["qualified"]] for p in content["positions"]},
            },
        )
    return review_notice


def do_file_objection(
    actor: Any, *, election: Election, applicant_number: str, position_kind: str, reason: str, by: str = ""
) -> Objection:
    """Anyone may object to a listed nominee during the notice window (N4); a reason is required."""
    reason = reason.strip()
    with transaction.atomic():
        election = _lock(election)
        review_notice = selectors.notice(election)
        if review_notice is None:
            raise ValidationError(_("审查结果尚未公示"))
        if not selectors.notice_open(review_notice):
            raise ValidationError(_("公示期已结束，不再受理异议 (N4)"))
        listed = {(q["number"], p["kind"]) for p in review_notice.content.get("positions", []) for q in p["qualified"]}
        if (applicant_number, position_kind) not in listed:
            raise ValidationError({"nominee": [_("请选择公示名单中的人选")]})
        if not reason:
            raise ValidationError({"reason": [_("请写明反映的问题 (N4)")]})
        objection = Objection.objects.create(
            applicant=Applicant.objects.get(election=election, number=applicant_number),
            position=Position.objects.get(election=election, kind=position_kind),
            by=by.strip()[:200],
            reason=reason,
        )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.file_objection",
            obj=objection,
            data={"applicant": applicant_number, "position": position_kind, "by": objection.by, "reason": reason},
        )
    return objection


def do_decide_objection(actor: Any, *, objection: Objection, upheld: bool, outcome: str) -> Objection:
    """Record the finding on an objection with its written conclusion; upheld disqualifies (N4)."""
    outcome = outcome.strip()
    with transaction.atomic():
        election = _lock(objection.applicant.election)
        objection = Objection.objects.select_for_update().select_related("applicant", "position").get(pk=objection.pk)
        if objection.upheld is not None:
            raise ValidationError(_("该异议已有核查结论"))
        if not outcome:
            raise ValidationError({"outcome": [_("请写明核查结论 (N4)")]})
        objection.upheld = upheld
        objection.outcome = outcome
        objection.decided_by = _user(actor)
        objection.decided_at = timezone.now()
        objection.save(update_fields=["upheld", "outcome", "decided_by", "decided_at"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="nomination.decide_objection",
            obj=objection,
            data={
                "applicant": objection.applicant.number,
                "position": objection.position.kind,
                "upheld": upheld,
                "outcome": outcome,
            },
        )
    return objection
