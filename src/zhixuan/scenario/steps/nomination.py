"""Registration, nomination and review: N2 (routes, signatures), N3 (positions), N4 (review), L1 (speech order)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhixuan.rules.lot import LotError, draw
from zhixuan.rules.nomination import (
    EDUCATION_ZH,
    ApplicantFacts,
    Application,
    Condition,
    Education,
    JointNomination,
    Objection,
    Qualifications,
    Route,
    RouteEntry,
    apply_objections,
    check_application,
    check_joint_nominations,
    nomination_records,
    review_qualification,
)
from zhixuan.scenario.context import RunContext, file_error
from zhixuan.scenario.report import Section, Table

_RELAXED = {
    "min_party_years": Condition.PARTY_YEARS,
    "max_age": Condition.AGE,
    "min_education": Condition.EDUCATION,
    "identities": Condition.IDENTITY,
}


def run_nomination(ctx: RunContext) -> None:
    applicants = ctx.doc.get("applicants", [])
    if not applicants:
        return
    for app in applicants:
        ctx.names[app["id"]] = app["name"]
        if "member" in app:
            ctx.applicant_member[app["id"]] = app["member"]

    section = Section("nomination", "报名、推荐与资格审查", "Registration, nomination and review")
    accepted: dict[str, tuple[str, ...]] = {}
    for app in applicants:
        result = check_application(Application(app["id"], tuple(app["positions"])), ctx.settings, ctx.text_names())
        accepted[app["id"]] = result.accepted
        section.decisions.extend(result.decisions)

    entries, joint = _routes(applicants, accepted)
    recommenders = ctx.rights | {r["id"] for r in ctx.doc["roster"].get("public_reps", [])}
    for result in check_joint_nominations(joint, recommenders, ctx.settings, ctx.text_names()):
        section.decisions.extend(result.decisions)
        entries.append(result.route_entry())
    records = nomination_records(entries, ctx.text_names())
    section.decisions.extend(r.decision for r in records)
    nominated = [(r.nominee, r.position) for r in records if r.nominated]

    reviews = [_review(ctx, i, pid) for i, pid in _indexed(applicants, nominated)]
    objections = [
        Objection(o["applicant"], o["position"], True, o.get("reason", ""), "资格审查 / review", stage="review")
        for o in ctx.doc.get("review", {}).get("decisions", [])
        if not o["qualified"]
    ]
    objections += [
        Objection(o["applicant"], o["position"], o["upheld"], o["reason"], o.get("by", ""))
        for o in ctx.doc.get("review", {}).get("objections", [])
    ]
    try:
        reviews = list(apply_objections(reviews, objections, ctx.text_names()))
    except ValueError as exc:
        raise file_error(("review",), f"审查记录无效：{exc}", f"invalid review record: {exc}") from exc
    for review in reviews:
        section.decisions.extend(review.decisions)

    for pos in ctx.doc["positions"]:
        ctx.nominees[pos["id"]] = [r.applicant for r in reviews if r.position == pos["id"] and r.qualified]
    section.tables.append(
        Table(
            [("职位", "position"), ("资格审查合格", "qualified"), ("不合格", "not qualified")],
            [
                [
                    pos["name"],
                    "、".join(ctx.name(i) for i in ctx.nominees[pos["id"]]),
                    "、".join(ctx.name(r.applicant) for r in reviews if r.position == pos["id"] and not r.qualified),
                ]
                for pos in ctx.doc["positions"]
            ],
        )
    )
    ctx.report.sections.append(section)
    ctx.report.outcome["qualified"] = {p: list(ids) for p, ids in ctx.nominees.items()}
    _speech_lot(ctx)


def _routes(
    applicants: list[Mapping[str, Any]], accepted: Mapping[str, tuple[str, ...]]
) -> tuple[list[RouteEntry], list[JointNomination]]:
    entries: list[RouteEntry] = []
    joint: list[JointNomination] = []
    for app in applicants:
        for route in app["routes"]:
            if route["type"] == "joint":
                if route["position"] in accepted[app["id"]]:
                    joint.append(JointNomination(app["id"], route["position"], tuple(route["signatures"])))
                continue
            kind = Route(route["type"])
            for position in accepted[app["id"]]:
                entries.append(RouteEntry(app["id"], position, kind, by=route.get("by", "")))
    return entries, joint


def _indexed(applicants: list[Mapping[str, Any]], nominated: list[tuple[str, str]]) -> list[tuple[int, str]]:
    index = {a["id"]: i for i, a in enumerate(applicants)}
    return [(index[a], p) for a, p in nominated]


def _review(ctx: RunContext, index: int, position_id: str) -> Any:
    app = ctx.doc["applicants"][index]
    pos_index = next(i for i, p in enumerate(ctx.doc["positions"]) if p["id"] == position_id)
    cond = ctx.doc["positions"][pos_index].get("conditions", {})
    facts = app.get("facts", {})
    needed = {
        "min_party_years": "party_years",
        "max_age": "age",
        "min_education": "education",
        "identities": "identity",
    }
    for condition, fact in needed.items():
        if condition in cond and condition not in cond.get("relaxed", []) and fact not in facts:
            raise file_error(
                ("applicants", index, "facts", fact),
                f"缺少资格审查所需的 {fact}（职位 {position_id} 设有 {condition}，N4）",
                f"missing {fact}, needed by position {position_id}'s condition {condition} (N4)",
            )
    member_id = app.get("member")
    status = ctx.members[member_id].status if member_id else None
    qualifications = Qualifications(
        position=position_id,
        min_party_years=cond.get("min_party_years"),
        max_age=cond.get("max_age"),
        min_education=_education(cond["min_education"], ("positions", pos_index, "conditions", "min_education"))
        if "min_education" in cond
        else None,
        identities=frozenset(cond["identities"]) if "identities" in cond else None,
        relaxed=frozenset(_RELAXED[c] for c in cond.get("relaxed", [])),
    )
    applicant_facts = ApplicantFacts(
        applicant=app["id"],
        name=app["name"],
        status=status,
        # A fact no condition asks for is never compared; the neutral value only fills the record.
        party_years=facts.get("party_years", 0),
        age=facts.get("age", 0),
        education=_education(facts["education"], ("applicants", index, "facts", "education"))
        if "education" in facts
        else Education.PRIMARY,
        identity=facts.get("identity", ""),
    )
    return review_qualification(applicant_facts, qualifications, ctx.text_names())


# Everyday spellings staff use beside the formal level names.
_EDUCATION_ALIASES = {
    "高中": Education.SENIOR_SECONDARY,
    "中专": Education.SENIOR_SECONDARY,
    "本科": Education.BACHELOR,
}


def _education(value: str, path: tuple[str | int, ...]) -> Education:
    if value in _EDUCATION_ALIASES:
        return _EDUCATION_ALIASES[value]
    for level in Education:
        if value in (level.name.lower(), EDUCATION_ZH[level]):
            return level
    allowed = "、".join(EDUCATION_ZH.values())
    raise file_error(path, f"学历 {value!r} 无法识别，应为 {allowed}", f"unknown education level {value!r}")


def _speech_lot(ctx: RunContext) -> None:
    """L1: the speech order of everyone qualified, drawn by the commit–reveal lot."""
    lot = ctx.doc.get("speech_lot")
    speakers = sorted({i for ids in ctx.nominees.values() for i in ids})
    if not lot or not speakers:
        return
    label = lot.get("label", f"{ctx.doc['election']['id']} 演讲顺序 / speech order")
    try:
        result = draw(speakers, bytes.fromhex(lot["secret"]), lot["entropy"], label, names=ctx.names)
    except LotError as exc:
        raise file_error(("speech_lot",), f"抽签无法进行：{exc}", f"the lot cannot be drawn: {exc}") from exc
    section = Section("speech_lot", "演讲顺序抽签", "Speech order by lot")
    section.facts["承诺值 / commitment (SHA-256)"] = result.commitment
    section.facts["公开随机数 / public entropy"] = result.entropy
    section.tables.append(
        Table(
            [("顺序", "order"), ("姓名", "name"), ("编号", "id")],
            [[n, ctx.name(i), i] for n, i in enumerate(result.order, 1)],
        )
    )
    section.decisions.append(result.decision)
    ctx.report.sections.append(section)
    ctx.report.outcome["speech_order"] = list(result.order)
