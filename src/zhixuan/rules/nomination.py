"""Nomination: routes and joint-nomination signatures (N2), applications (N3), qualification review (N4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum

from zhixuan.rules.decision import Decision, Fact, Names, display_name
from zhixuan.rules.people import STATUS_ZH, MemberStatus
from zhixuan.rules.settings import Settings


class Route(StrEnum):
    SELF = "self"
    JOINT = "joint"
    ORGANISATION = "organisation"


ROUTE_ZH: dict[Route, str] = {Route.SELF: "自荐", Route.JOINT: "联名推荐", Route.ORGANISATION: "组织推荐"}


# --- N2: joint nominations -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JointNomination:
    """A joint nomination of ``nominee`` for ``position``; ``signatures`` in the order they were given."""

    nominee: str
    position: str
    signatures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class JointNominationResult:
    """The checked nomination: which signatures count and why the others do not.

    ``decisions`` holds one decision per invalid signature, then the overall decision (last).
    """

    nomination: JointNomination
    valid_signatures: tuple[str, ...]
    unlisted: tuple[str, ...]
    duplicates: tuple[str, ...]
    valid: bool
    decisions: tuple[Decision, ...]

    @property
    def decision(self) -> Decision:
        return self.decisions[-1]

    def route_entry(self) -> RouteEntry:
        n = self.nomination
        return RouteEntry(n.nominee, n.position, Route.JOINT, f"{len(self.valid_signatures)}", self.valid)


def check_joint_nominations(
    nominations: Sequence[JointNomination],
    roster: Iterable[str],
    settings: Settings,
    names: Names | None = None,
) -> tuple[JointNominationResult, ...]:
    """N2: check every joint nomination of one election together.

    A signatory must be on ``roster`` (people allowed to recommend) and signs at most once per
    position across all nominations: the first signature in the given order counts, later ones for
    the same position are invalid. A nomination stands with at least
    ``settings.joint_nomination_min`` valid signatures.
    """
    minimum = settings.joint_nomination_min
    allowed = set(roster)
    # position -> signatory -> nominee whose nomination holds the counted signature
    signed: dict[str, dict[str, str]] = {}
    results: list[JointNominationResult] = []
    for nomination in nominations:
        seen = signed.setdefault(nomination.position, {})
        nominee = display_name(nomination.nominee, names)
        position = display_name(nomination.position, names)
        valid: list[str] = []
        unlisted: list[str] = []
        duplicates: list[str] = []
        decisions: list[Decision] = []
        for signatory in nomination.signatures:
            who = display_name(signatory, names)
            if signatory not in allowed:
                unlisted.append(signatory)
                decisions.append(
                    Decision(
                        rule="N2",
                        code="signature_unlisted",
                        subject=signatory,
                        zh=f"联名推荐 {nominee}（{position}）：{who} 不在推荐人名册中，签名无效",
                        en=f"joint nomination of {nominee} ({position}): "
                        f"{who} is not on the roster of recommenders; signature invalid",
                        facts={"nominee": nomination.nominee, "position": nomination.position},
                    )
                )
            elif signatory in seen:
                duplicates.append(signatory)
                first = display_name(seen[signatory], names)
                decisions.append(
                    Decision(
                        rule="N2",
                        code="signature_duplicate",
                        subject=signatory,
                        zh=f"联名推荐 {nominee}（{position}）：{who} 已为该职位联名推荐 {first}，"
                        "同一职位只能签名一次，此签名无效",
                        en=f"joint nomination of {nominee} ({position}): "
                        f"{who} already signed for this position (nominating {first}); signature invalid",
                        facts={
                            "nominee": nomination.nominee,
                            "position": nomination.position,
                            "first_signed_for": seen[signatory],
                        },
                    )
                )
            else:
                seen[signatory] = nomination.nominee
                valid.append(signatory)
        stands = len(valid) >= minimum
        facts: dict[str, Fact] = {
            "nominee": nomination.nominee,
            "position": nomination.position,
            "signatures": len(nomination.signatures),
            "valid": len(valid),
            "unlisted": len(unlisted),
            "duplicates": len(duplicates),
            "minimum": minimum,
        }
        detail_zh = f"（签名 {len(nomination.signatures)} 个，不在名册 {len(unlisted)} 个，重复 {len(duplicates)} 个）"
        detail_en = (
            f" ({len(nomination.signatures)} signatures, {len(unlisted)} not on the roster, "
            f"{len(duplicates)} duplicates)"
        )
        if stands:
            overall = Decision(
                rule="N2",
                code="joint_nomination_valid",
                subject=nomination.nominee,
                zh=f"联名推荐 {nominee} 任 {position}：有效联名 {len(valid)} 人 ≥ {minimum} 人" + detail_zh,
                en=f"joint nomination of {nominee} for {position}: {len(valid)} valid signatories ≥ {minimum}"
                + detail_en,
                facts=facts,
            )
        else:
            overall = Decision(
                rule="N2",
                code="joint_nomination_invalid",
                subject=nomination.nominee,
                zh=f"联名推荐 {nominee} 任 {position} 不成立：有效联名 {len(valid)} 人 < {minimum} 人" + detail_zh,
                en=f"joint nomination of {nominee} for {position} fails: {len(valid)} valid signatories < {minimum}"
                + detail_en,
                facts=facts,
            )
        decisions.append(overall)
        results.append(
            JointNominationResult(
                nomination=nomination,
                valid_signatures=tuple(valid),
                unlisted=tuple(unlisted),
                duplicates=tuple(duplicates),
                valid=stands,
                decisions=tuple(decisions),
            )
        )
    return tuple(results)


# --- N2: routes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteEntry:
    """One way ``nominee`` reached ``position``.

    ``by`` says who: the nominee for self-nomination, the organisation's name, or for a joint
    nomination the number of valid signatories. ``valid`` is False for a failed joint nomination.
    """

    nominee: str
    position: str
    route: Route
    by: str = ""
    valid: bool = True


@dataclass(frozen=True, slots=True)
class NominationRecord:
    """All routes by which one nominee reached one position; the record keeps every one (N2)."""

    nominee: str
    position: str
    routes: tuple[RouteEntry, ...]
    nominated: bool
    decision: Decision


def _route_text(entry: RouteEntry) -> tuple[str, str]:
    if entry.route is Route.JOINT:
        zh, en = f"{ROUTE_ZH[entry.route]}（有效联名 {entry.by} 人）", f"joint ({entry.by} valid signatories)"
    elif entry.route is Route.ORGANISATION and entry.by:
        zh, en = f"{ROUTE_ZH[entry.route]}（{entry.by}）", f"organisation ({entry.by})"
    else:
        zh, en = ROUTE_ZH[entry.route], entry.route.value
    if not entry.valid:
        zh, en = zh + "〔不成立〕", en + " [failed]"
    return zh, en


def nomination_records(entries: Iterable[RouteEntry], names: Names | None = None) -> tuple[NominationRecord, ...]:
    """N2: group route entries per (nominee, position), in order of first appearance.

    A nominee is nominated when at least one route is valid; failed routes stay on the record.
    """
    grouped: dict[tuple[str, str], list[RouteEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.nominee, entry.position), []).append(entry)
    records: list[NominationRecord] = []
    for (nominee, position), routes in grouped.items():
        nominated = any(r.valid for r in routes)
        texts = [_route_text(r) for r in routes]
        zh_routes = "、".join(t[0] for t in texts)
        en_routes = ", ".join(t[1] for t in texts)
        who = display_name(nominee, names)
        facts: dict[str, Fact] = {
            "nominee": nominee,
            "position": position,
            "routes": tuple(r.route.value for r in routes if r.valid),
            "failed_routes": tuple(r.route.value for r in routes if not r.valid),
        }
        if nominated:
            decision = Decision(
                rule="N2",
                code="nominated",
                subject=nominee,
                zh=f"{who} 经 {zh_routes} 成为 {display_name(position, names)} 提名人选",
                en=f"{who} nominated for {display_name(position, names)} by {en_routes}",
                facts=facts,
            )
        else:
            decision = Decision(
                rule="N2",
                code="not_nominated",
                subject=nominee,
                zh=f"{who} 未成为 {display_name(position, names)} 提名人选：{zh_routes}",
                en=f"{who} not nominated for {display_name(position, names)}: {en_routes}",
                facts=facts,
            )
        records.append(NominationRecord(nominee, position, tuple(routes), nominated, decision))
    return tuple(records)


# --- N3: applications ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Application:
    """The positions an applicant applies for, most preferred first."""

    applicant: str
    positions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApplicationResult:
    applicant: str
    accepted: tuple[str, ...]
    refused: tuple[str, ...]
    decisions: tuple[Decision, ...]

    def preference(self, position: str) -> int:
        """1 for the most preferred accepted position, 2 for the next, ..."""
        return self.accepted.index(position) + 1


def check_application(application: Application, settings: Settings, names: Names | None = None) -> ApplicationResult:
    """N3: keep the first ``settings.max_positions_per_applicant`` distinct positions in preference
    order; refuse the rest."""
    max_positions = settings.max_positions_per_applicant
    who = display_name(application.applicant, names)
    accepted: list[str] = []
    refused: list[str] = []
    decisions: list[Decision] = []
    for rank, position in enumerate(application.positions, start=1):
        where = display_name(position, names)
        facts: dict[str, Fact] = {"position": position, "preference": rank, "max_positions": max_positions}
        if position in accepted:
            refused.append(position)
            decisions.append(
                Decision(
                    rule="N3",
                    code="application_duplicate",
                    subject=application.applicant,
                    zh=f"{who}：第 {rank} 志愿 {where} 与前面的志愿重复，不予受理",
                    en=f"{who}: preference {rank} ({where}) repeats an earlier one; refused",
                    facts=facts,
                )
            )
        elif len(accepted) >= max_positions:
            refused.append(position)
            decisions.append(
                Decision(
                    rule="N3",
                    code="application_over_limit",
                    subject=application.applicant,
                    zh=f"{who}：第 {rank} 志愿 {where} 超过每人最多报名 {max_positions} 个职位的限制，不予受理",
                    en=f"{who}: preference {rank} ({where}) "
                    f"exceeds the limit of {max_positions} positions per applicant; refused",
                    facts=facts,
                )
            )
        else:
            accepted.append(position)
    shown = [display_name(p, names) for p in accepted]
    decisions.append(
        Decision(
            rule="N3",
            code="application_accepted" if accepted else "application_refused",
            subject=application.applicant,
            zh=f"{who}：受理 {len(accepted)} 个职位（按志愿顺序：{'、'.join(shown) or '无'}）",
            en=f"{who}: {len(accepted)} positions accepted in order of preference: {', '.join(shown) or 'none'}",
            facts={
                "accepted": tuple(accepted),
                "refused": tuple(refused),
                "max_positions": max_positions,
            },
        )
    )
    return ApplicationResult(application.applicant, tuple(accepted), tuple(refused), tuple(decisions))


# --- N4: qualification review ----------------------------------------------------------------


class Education(IntEnum):
    """Education levels in increasing order, so conditions compare with ``>=``."""

    PRIMARY = 1
    JUNIOR_SECONDARY = 2
    SENIOR_SECONDARY = 3
    JUNIOR_COLLEGE = 4
    BACHELOR = 5
    POSTGRADUATE = 6


EDUCATION_ZH: dict[Education, str] = {
    Education.PRIMARY: "小学",
    Education.JUNIOR_SECONDARY: "初中",
    Education.SENIOR_SECONDARY: "高中（中专）",
    Education.JUNIOR_COLLEGE: "大专",
    Education.BACHELOR: "大学本科",
    Education.POSTGRADUATE: "研究生",
}


class Condition(StrEnum):
    PARTY_STANDING = "party_standing"
    PARTY_YEARS = "party_years"
    AGE = "age"
    EDUCATION = "education"
    IDENTITY = "identity"


CONDITION_ZH: dict[Condition, str] = {
    Condition.PARTY_STANDING: "党员身份",
    Condition.PARTY_YEARS: "党龄",
    Condition.AGE: "年龄",
    Condition.EDUCATION: "学历",
    Condition.IDENTITY: "身份",
}


@dataclass(frozen=True, slots=True)
class Qualifications:
    """Conditions for one position; ``None`` means no such condition.

    ``relaxed`` lists conditions the procedure waives (S3: 打破身份、年龄、学历限制); party standing
    (P1) can never be relaxed.
    """

    position: str
    min_party_years: int | None = None
    max_age: int | None = None
    min_education: Education | None = None
    identities: frozenset[str] | None = None
    relaxed: frozenset[Condition] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if Condition.PARTY_STANDING in self.relaxed:
            raise ValueError("party standing (P1) cannot be relaxed")


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    """What the review needs, computed by the caller as of the review date (the core has no clock).

    ``status`` is None for a non-member.
    """

    applicant: str
    name: str
    status: MemberStatus | None
    party_years: int
    age: int
    education: Education
    identity: str


@dataclass(frozen=True, slots=True)
class Review:
    """Review outcome for one applicant and position; a not-qualified outcome has written reasons."""

    applicant: str
    position: str
    qualified: bool
    reasons: tuple[str, ...]
    decisions: tuple[Decision, ...]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def _failures(facts: ApplicantFacts, q: Qualifications) -> list[tuple[Condition, str, str]]:
    """Conditions (except P1) the applicant does not meet, with zh / en text."""
    out: list[tuple[Condition, str, str]] = []
    if q.min_party_years is not None and facts.party_years < q.min_party_years:
        out.append(
            (
                Condition.PARTY_YEARS,
                f"党龄 {facts.party_years} 年，不满 {q.min_party_years} 年",
                f"{facts.party_years} years of membership, fewer than {q.min_party_years}",
            )
        )
    if q.max_age is not None and facts.age > q.max_age:
        out.append(
            (
                Condition.AGE,
                f"年龄 {facts.age} 岁，超过 {q.max_age} 岁",
                f"aged {facts.age}, over {q.max_age}",
            )
        )
    if q.min_education is not None and facts.education < q.min_education:
        out.append(
            (
                Condition.EDUCATION,
                f"学历 {EDUCATION_ZH[facts.education]}，低于 {EDUCATION_ZH[q.min_education]}",
                f"education {facts.education.name.lower()}, below {q.min_education.name.lower()}",
            )
        )
    if q.identities is not None and facts.identity not in q.identities:
        allowed = "、".join(sorted(q.identities))
        out.append(
            (
                Condition.IDENTITY,
                f"身份「{facts.identity}」不在「{allowed}」之列",
                f"identity {facts.identity!r} is not one of {', '.join(sorted(q.identities))}",
            )
        )
    return out


def review_qualification(facts: ApplicantFacts, conditions: Qualifications, names: Names | None = None) -> Review:
    """N4: review one applicant against one position's conditions."""
    position = conditions.position
    where = display_name(position, names)
    base = {"applicant": facts.applicant, "position": position}
    decisions: list[Decision] = []
    reasons: list[str] = []

    if facts.status is not MemberStatus.FULL:
        standing = "非中共党员" if facts.status is None else STATUS_ZH[facts.status]
        reason = f"{standing}，无被选举权（P1）"
        reasons.append(reason)
        decisions.append(
            Decision(
                rule="N4",
                code="condition_failed",
                subject=facts.applicant,
                zh=f"{facts.name}（{where}）：{reason}",
                en=f"{facts.name} ({where}): not a full member with intact rights (P1); cannot stand",
                facts={**base, "condition": Condition.PARTY_STANDING.value, "status": str(facts.status)},
            )
        )

    relaxed_used: list[str] = []
    for condition, zh, en in _failures(facts, conditions):
        if condition in conditions.relaxed:
            relaxed_used.append(CONDITION_ZH[condition])
            decisions.append(
                Decision(
                    rule="N4",
                    code="condition_relaxed",
                    subject=facts.applicant,
                    zh=f"{facts.name}（{where}）：{zh}，但本次选举已放宽{CONDITION_ZH[condition]}条件",
                    en=f"{facts.name} ({where}): {en}, but the procedure relaxes this condition",
                    facts={**base, "condition": condition.value},
                )
            )
        else:
            reasons.append(zh)
            decisions.append(
                Decision(
                    rule="N4",
                    code="condition_failed",
                    subject=facts.applicant,
                    zh=f"{facts.name}（{where}）：{zh}",
                    en=f"{facts.name} ({where}): {en}",
                    facts={**base, "condition": condition.value},
                )
            )

    qualified = not reasons
    if qualified:
        note = f"（{'、'.join(relaxed_used)}条件已放宽）" if relaxed_used else ""
        decisions.append(
            Decision(
                rule="N4",
                code="qualified",
                subject=facts.applicant,
                zh=f"{facts.name} 符合 {where} 职位资格条件{note}",
                en=f"{facts.name} qualifies for {where}",
                facts={**base, "relaxed": tuple(relaxed_used)},
            )
        )
    else:
        decisions.append(
            Decision(
                rule="N4",
                code="not_qualified",
                subject=facts.applicant,
                zh=f"{facts.name} 不符合 {where} 职位资格条件：{'；'.join(reasons)}",
                en=f"{facts.name} does not qualify for {where}",
                facts={**base, "reasons": tuple(reasons)},
            )
        )
    return Review(facts.applicant, position, qualified, tuple(reasons), tuple(decisions))


@dataclass(frozen=True, slots=True)
class Objection:
    """An objection raised during the notice (公示) window, with the review body's finding."""

    applicant: str
    position: str
    upheld: bool
    reason: str
    raised_by: str = ""
    # "review": the working group's own finding before the notice; "notice": raised during it.
    stage: str = "notice"


def apply_objections(
    reviews: Sequence[Review], objections: Iterable[Objection], names: Names | None = None
) -> tuple[Review, ...]:
    """N4: an upheld objection disqualifies with its written reason; a dismissed one is recorded."""
    index = {(r.applicant, r.position): i for i, r in enumerate(reviews)}
    updated = list(reviews)
    for objection in objections:
        key = (objection.applicant, objection.position)
        if key not in index:
            raise ValueError(f"objection against {key} which was not reviewed")
        if objection.upheld and not objection.reason.strip():
            raise ValueError("an upheld objection needs a written reason")
        review = updated[index[key]]
        who = display_name(objection.applicant, names)
        where = display_name(objection.position, names)
        facts = {
            "applicant": objection.applicant,
            "position": objection.position,
            "raised_by": objection.raised_by,
            "reason": objection.reason,
        }
        if objection.upheld and objection.stage == "review":
            reason = f"资格审查不合格：{objection.reason}"
            decision = Decision(
                rule="N4",
                code="review_not_qualified",
                subject=objection.applicant,
                zh=f"{who}（{where}）{reason}",
                en=f"{who} ({where}): not qualified on review ({objection.reason})",
                facts=facts,
            )
            updated[index[key]] = replace(
                review,
                qualified=False,
                reasons=(*review.reasons, reason),
                decisions=(*review.decisions, decision),
            )
        elif objection.upheld:
            reason = f"异议成立：{objection.reason}"
            decision = Decision(
                rule="N4",
                code="objection_upheld",
                subject=objection.applicant,
                zh=f"{who}（{where}）公示期间{reason}，取消资格",
                en=f"{who} ({where}): objection upheld ({objection.reason}); disqualified",
                facts=facts,
            )
            updated[index[key]] = replace(
                review,
                qualified=False,
                reasons=(*review.reasons, reason),
                decisions=(*review.decisions, decision),
            )
        else:
            decision = Decision(
                rule="N4",
                code="objection_dismissed",
                subject=objection.applicant,
                zh=f"{who}（{where}）公示期间异议经核查不成立，资格审查结论不变",
                en=f"{who} ({where}): objection dismissed; review outcome unchanged",
                facts=facts,
            )
            updated[index[key]] = replace(review, decisions=(*review.decisions, decision))
    return tuple(updated)
