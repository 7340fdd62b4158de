"""A scenario file (``docs/scenario-format.md``) imported as a new election — the reverse of the export.

Two halves:

* :func:`prepare` (pure) checks the file with the scenario loader and turns it into the document the
  election will hold, in the export's own terms: position ids become position kinds (every reference
  is translated), names of positions become the app's names, ``selection.ratio`` and ``formal_count``
  become settings overrides. What the app has no place for is set aside, each with a note naming its
  path and why, so the import page can say exactly what was not imported.
* :func:`do_import_scenario` (the action) writes that document as rows: township (created if needed),
  election, positions, conditions, timeline, roster, applicants with routes and signatures, review,
  objections, lots, closed recommendation stages, inspection and the county vote — one transaction,
  one audit entry carrying the file's SHA-256.

The parts without web models yet — the members' meeting (``meeting``), ``commitment``, ``ratings`` and
``recall`` — are kept verbatim in that audit entry's data (``set_aside``): the audit chain is
append-only and hash-chained (S2), so the original inputs stay with the election, tamper-evident, and
the file's digest proves which file they came from. No file is written outside the database.

The round trip holds by construction of :func:`prepare`: exporting the imported election
(``scenario_export.election_scenario``) gives back ``Prepared.document``; the tests run both through
the rules core and compare every decision.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from zhixuan.rules.lot import commitment
from zhixuan.rules.settings import SettingsError, preset_settings
from zhixuan.scenario.errors import Problem, ScenarioError
from zhixuan.scenario.loader import load_text, validate
from zhixuan.scenario.report import RunReport
from zhixuan.scenario.runner import run_scenario
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections.models import (
    ConditionKind,
    County,
    Election,
    Position,
    PositionKind,
    QualificationCondition,
    Stage,
    StageStatus,
    Township,
    WorkTarget,
)
from zhixuan.web.elections.procedures import STAGES

# Parts of the format that have no web models yet: kept in the audit entry, not imported.
NOT_IMPORTED = {
    "meeting": ("党员大会选举轮次", "the members' meeting rounds"),
    "commitment": ("任期目标承诺", "the term-target commitment"),
    "ratings": ("年度测评", "the annual ratings"),
    "recall": ("罢免", "the recall"),
}
PARTY_STANDING_TEXT = "中共正式党员，党员权利正常"
_EXCUSAL_APPROVER_FALLBACK = "场景文件"


@dataclass(frozen=True)
class Note:
    """Something of the file that was set aside or stored differently, by path (bilingual)."""

    path: str
    zh: str
    en: str
    set_aside: bool = True  # False: imported, only renamed or re-expressed

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "zh": self.zh, "en": self.en, "set_aside": self.set_aside}


@dataclass
class Prepared:
    """The file as the election will hold it."""

    document: dict[str, Any]  # what the export of the imported election gives back
    notes: list[Note] = field(default_factory=list)
    set_aside: dict[str, Any] = field(default_factory=dict)  # top-level parts kept in the audit entry
    position_ids: dict[str, str] = field(default_factory=dict)  # file id -> kind


class ImportRefused(ScenarioError):
    """The file is valid but the app cannot hold it as it is (e.g. two positions of one kind)."""


def _kind_names() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {k: str(v) for k, v in PositionKind.choices}


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _formal_ratio(positions: list[dict[str, Any]], default: Fraction) -> Fraction | None:
    """A single ``formal_ratio`` giving every position its ``formal_count`` (C2), if there is one."""
    lo, hi = Fraction(0), None
    for pos in positions:
        keep, seats = pos["formal_count"], pos["seats"]
        # ceil(seats * r) == keep  <=>  (keep - 1) / seats < r <= keep / seats
        lo = max(lo, Fraction(keep - 1, seats))
        hi = Fraction(keep, seats) if hi is None else min(hi, Fraction(keep, seats))
    if hi is None or hi <= lo:
        return None
    return default if lo < default <= hi else hi


def prepare(source: Mapping[str, Any]) -> Prepared:
    """The validated file ``source`` as the election will hold it; raises :class:`ImportRefused`."""
    doc = copy.deepcopy(dict(source))
    out = Prepared(document=doc)
    problems: list[Problem] = []
    notes = out.notes

    for key, (zh, en) in NOT_IMPORTED.items():
        if key in doc:
            out.set_aside[key] = doc.pop(key)
            notes.append(
                Note(
                    key,
                    f"{zh}未导入：系统尚无相应记录，原文保存在导入的审计记录中",
                    f"{en} not imported: the app has no records for it yet; kept in the import's audit entry",
                )
            )

    header = doc["election"]
    if not header.get("township"):
        problems.append(Problem("election.township", "缺少乡镇名称，无法确定导入到哪个乡镇", "township missing"))
    overrides = dict(header.get("settings", {}))
    try:
        settings = preset_settings(header["preset"], overrides)
    except SettingsError as exc:
        raise ImportRefused([Problem("election.settings", f"规则设置无效：{exc}", f"invalid setting: {exc}")]) from exc

    # Positions: the app keys a position by its kind, one position per kind.
    names = _kind_names()
    ids: dict[str, str] = {}
    seen: dict[str, int] = {}
    targets: list[str] = []
    for i, pos in enumerate(doc["positions"]):
        kind = pos["kind"]
        if kind in seen:
            problems.append(
                Problem(
                    f"positions[{i}].kind",
                    f"职位类别 {kind} 与 positions[{seen[kind]}] 重复：系统中每类职位只有一个（可合并职数）",
                    f"kind {kind} repeats positions[{seen[kind]}]: the app holds one position per kind",
                )
            )
            continue
        seen[kind] = i
        ids[pos["id"]] = kind
        if pos["id"] != kind:
            notes.append(
                Note(
                    f"positions[{i}].id",
                    f"职位编号 {pos['id']} 改为职位类别 {kind}，文件中所有引用随之改写",
                    f"position id {pos['id']} becomes its kind {kind}; every reference is rewritten",
                    set_aside=False,
                )
            )
        if pos["name"] != names[kind]:
            notes.append(
                Note(
                    f"positions[{i}].name",
                    f"职位名称「{pos['name']}」按系统名称记为「{names[kind]}」",
                    f"position name {pos['name']!r} is held as {names[kind]!r}",
                    set_aside=False,
                )
            )
        pos["id"], pos["name"] = kind, names[kind]
        for text in pos.pop("work_targets", []):
            if text not in targets:
                targets.append(text)
        cond = pos.get("conditions", {})
        relaxed = cond.pop("relaxed", [])
        dropped = [c for c in relaxed if c in cond]
        for c in dropped:
            del cond[c]
        if relaxed:
            notes.append(
                Note(
                    f"positions[{i}].conditions.relaxed",
                    f"已放宽的条件 {'、'.join(relaxed)} 未导入：系统尚无“放宽”标记，这些条件不再审查（N4），"
                    "合格与否不受影响，报告中不再出现“已放宽”的说明",
                    f"relaxed conditions {', '.join(relaxed)} not imported: the app cannot mark a condition as "
                    "relaxed, so they are left out (N4); who qualifies is unchanged",
                )
            )
        if "conditions" in pos and not cond:
            del pos["conditions"]
    doc["positions"] = [p for p in doc["positions"] if p["id"] in ids.values()]
    if targets:
        for pos in doc["positions"]:
            pos["work_targets"] = list(targets)
    out.position_ids = ids

    # formal_count (C2) has no field: expressed as the formal_ratio setting when one ratio fits all.
    counted = [p for p in doc["positions"] if "formal_count" in p]
    if counted:
        ratio = _formal_ratio(counted, settings.formal_ratio)
        if ratio is not None and ratio != settings.formal_ratio:
            overrides["formal_ratio"] = _fraction_text(ratio)
        for p in counted:
            del p["formal_count"]
        path = "positions[].formal_count"
        if ratio is None:
            notes.append(
                Note(
                    path,
                    "各职位的正式候选人数（formal_count）无法用同一比例表示，未导入；按默认比例确定（C2）",
                    "formal_count per position fits no single formal_ratio; not imported, the default applies (C2)",
                )
            )
        elif ratio != settings.formal_ratio:
            notes.append(
                Note(
                    path,
                    f"各职位的正式候选人数记为设置 formal_ratio = {_fraction_text(ratio)}（C2），人数不变",
                    f"formal_count is held as the setting formal_ratio = {_fraction_text(ratio)} (C2); same counts",
                    set_aside=False,
                )
            )

    selection = doc.pop("selection", None)
    if selection is not None:
        if "ratio" in selection and selection["ratio"] != settings.selection_ratio:
            overrides["selection_ratio"] = selection["ratio"]
            notes.append(
                Note(
                    "selection.ratio",
                    f"差额比例 1:{selection['ratio']} 记为设置 selection_ratio（R3）",
                    f"ratio 1:{selection['ratio']} is held as the setting selection_ratio (R3)",
                    set_aside=False,
                )
            )
        if "lot" in selection:
            doc["selection"] = {"lot": {**selection["lot"], "label": selection["lot"].get("label", "R3")}}
    header["settings"] = overrides

    if "speech_lot" in doc:
        # The runner's default label names the file's election id; keep it so the draw is the same.
        lot = doc["speech_lot"]
        lot.setdefault("label", f"{header['id']} 演讲顺序 / speech order")

    # Roster, in the export's shape.
    members = {m["id"] for m in doc["roster"]["members"]}
    reps = {r["id"] for r in doc["roster"].get("public_reps", [])}
    for m in doc["roster"]["members"]:
        m.setdefault("status", "full")
        if not m.get("migrant", False):
            m.pop("migrant", None)
        if "excusal" in m:
            e = m["excusal"]
            m["excusal"] = {"reason": e["reason"], "approved_by": e.get("approved_by") or None}
            if e.get("note"):
                m["excusal"]["note"] = e["note"]
    doc["roster"].setdefault("public_reps", [])

    def pid(value: str) -> str:
        return ids.get(value, value)

    for i, app in enumerate(doc.get("applicants", [])):
        app.pop("statement", None)  # stored with the applicant; the export does not carry it
        wanted = [pid(p) for p in app["positions"]]
        if len(set(wanted)) != len(wanted):
            problems.append(
                Problem(f"applicants[{i}].positions", "同一职位重复填报", "the same position is listed twice")
            )
        app["positions"] = wanted
        for j, route in enumerate(app["routes"]):
            if route["type"] != "joint":
                continue
            route["position"] = pid(route["position"])
            kept: list[str] = []
            for k, signer in enumerate(route["signatures"]):
                where = f"applicants[{i}].routes[{j}].signatures[{k}]"
                if signer not in members and signer not in reps:
                    notes.append(
                        Note(
                            where,
                            f"签名人 {signer} 不在名册上，未导入（该签名本就无效，N2）",
                            f"signer {signer} is not on the roster; not imported (the signature is invalid, N2)",
                        )
                    )
                elif signer in kept:
                    notes.append(
                        Note(
                            where,
                            f"签名人 {signer} 在同一联名推荐中重复签名，重复的一次未导入（N2）",
                            f"signer {signer} signs the same nomination twice; the repeat is not imported (N2)",
                        )
                    )
                else:
                    kept.append(signer)
            route["signatures"] = kept
        facts = app.get("facts")
        if facts is not None:
            for key in ("education", "identity"):
                if key in facts and not facts[key]:
                    del facts[key]
            if not facts:
                del app["facts"]

    review = doc.get("review", {})
    pairs: set[tuple[str, str]] = set()
    for i, item in enumerate(review.get("decisions", [])):
        item["position"] = pid(item["position"])
        pair = (item["applicant"], item["position"])
        if pair in pairs:
            problems.append(
                Problem(
                    f"review.decisions[{i}]",
                    f"报名人 {pair[0]} 对职位 {pair[1]} 的审查结论重复",
                    f"a second review decision for {pair[0]} on {pair[1]}",
                )
            )
        pairs.add(pair)
        if not item.get("reason"):
            item.pop("reason", None)
    for item in review.get("objections", []):
        item["position"] = pid(item["position"])
        if not item.get("by"):
            item.pop("by", None)

    for s, stage in enumerate(doc.get("stages", [])):
        weight = str(stage.get("weight", "1")).replace(" ", "")
        if weight == "1":
            stage.pop("weight", None)
        else:
            stage["weight"] = weight
        for g in stage["groups"]:
            g["weight"] = str(g["weight"]).replace(" ", "")
        for b in stage.get("ballots", []):
            b["picks"] = {pid(p): picks for p, picks in b["picks"].items()}
            if b.get("count", 1) == 1:
                b.pop("count", None)
        seen_totals: set[tuple[str, str]] = set()
        for t, total in enumerate(stage.get("totals", [])):
            total["position"] = pid(total["position"])
            key = (total["group"], total["position"])
            if key in seen_totals:
                problems.append(
                    Problem(
                        f"stages[{s}].totals[{t}]",
                        f"参与群体 {key[0]} 在职位 {key[1]} 的计票结果重复",
                        f"a second total for group {key[0]} on {key[1]}",
                    )
                )
            seen_totals.add(key)
        for key in ("ballots", "totals"):
            if key in stage and not stage[key]:
                del stage[key]

    inspected: set[str] = set()
    for i, item in enumerate(doc.get("inspection", [])):
        if item["candidate"] in inspected:
            problems.append(
                Problem(
                    f"inspection[{i}].candidate",
                    f"候选人 {item['candidate']} 的考察结果重复",
                    f"a second inspection outcome for {item['candidate']}",
                )
            )
        inspected.add(item["candidate"])
        if not item.get("reason"):
            item.pop("reason", None)

    if problems:
        raise ImportRefused(problems)
    return out


def parse(text: str, *, filename: str = "") -> Prepared:
    """Load, validate and prepare scenario text; raises :class:`ScenarioError` listing every problem."""
    document = load_text(text, json_only=filename.lower().endswith(".json"))
    return prepare(document)


# --- writing ------------------------------------------------------------------------------------------


def _progress(preset: str, doc: Mapping[str, Any]) -> int | None:
    """Index of the timeline stage in progress, from how far the file goes; None: not announced."""
    kinds = [t.kind for t in STAGES[preset]]

    def after(kind: str) -> int:
        return min(kinds.index(kind) + 1, len(kinds) - 1) if kind in kinds else 1

    if not doc.get("applicants"):
        return None
    current = 1
    if doc.get("review"):
        current = kinds.index("review") if "review" in kinds else current
    if doc.get("speech_lot"):
        current = max(current, after("review"))
    if doc.get("stages"):
        current = max(current, kinds.index("inspection") if "inspection" in kinds else current)
    if doc.get("inspection"):
        current = max(current, after("inspection"))
    if doc.get("county_vote") and "meeting" in kinds:
        current = max(current, kinds.index("meeting"))
    return current


def _lay_out_timeline(election: Election, doc: Mapping[str, Any], current: int | None) -> None:
    templates = STAGES[election.preset]
    if "date" in doc["election"]:
        try:
            day = date.fromisoformat(str(doc["election"]["date"]))
        except ValueError:
            day = timezone.localdate()
    else:
        # Back-date the timeline so the stage in progress is today's.
        day = timezone.localdate() - timedelta(days=sum(t.days for t in templates[: current or 0]))
    stages = []
    for i, template in enumerate(templates):
        start, end = day, day + timedelta(days=template.days - 1)
        day = end + timedelta(days=1)
        status = StageStatus.PENDING
        if current is not None:
            status = StageStatus.DONE if i < current else StageStatus.CURRENT if i == current else status
        stages.append(
            Stage(
                election=election,
                order=i + 1,
                kind=template.kind,
                title=template.zh,
                title_en=template.en,
                starts_on=start,
                ends_on=end,
                status=status,
            )
        )
    Stage.objects.bulk_create(stages)


def _conditions(election: Election, doc: Mapping[str, Any], positions: Mapping[str, Position]) -> None:
    rows = [QualificationCondition(election=election, kind=ConditionKind.PARTY_STANDING, text=PARTY_STANDING_TEXT)]
    for pos in doc["positions"]:
        cond = pos.get("conditions", {})
        position = positions[pos["id"]]
        if "min_party_years" in cond:
            n = cond["min_party_years"]
            rows.append(
                QualificationCondition(
                    election=election,
                    position=position,
                    kind=ConditionKind.MIN_PARTY_YEARS,
                    text=f"党龄满 {n} 年",
                    value=n,
                )
            )
        if "max_age" in cond:
            n = cond["max_age"]
            rows.append(
                QualificationCondition(
                    election=election,
                    position=position,
                    kind=ConditionKind.MAX_AGE,
                    text=f"年龄不超过 {n} 周岁",
                    value=n,
                )
            )
        if "min_education" in cond:
            rows.append(
                QualificationCondition(
                    election=election, position=position, kind=ConditionKind.EDUCATION, text=cond["min_education"]
                )
            )
        for identity in cond.get("identities", []):
            rows.append(
                QualificationCondition(election=election, position=position, kind=ConditionKind.IDENTITY, text=identity)
            )
    for i, row in enumerate(rows, start=1):
        row.order = i
    QualificationCondition.objects.bulk_create(rows)


def _refetch(model: Any, rows: list[Any], **filters: Any) -> list[Any]:
    """``bulk_create`` sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them back otherwise."""
    if all(r.pk for r in rows):
        return rows
    return list(model.objects.filter(**filters).order_by("pk"))


def _roster(election: Election, doc: Mapping[str, Any], on: date, user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    from zhixuan.web.roster.models import Excusal, Member, PublicRep

    records = doc["roster"]["members"]
    members = Member.objects.bulk_create(
        Member(
            election=election,
            number=m["id"],
            name=m["name"],
            status=m.get("status", "full"),
            migrant=bool(m.get("migrant", False)),
        )
        for m in records
    )
    members = _refetch(Member, members, election=election)
    by_id = {m.number: m for m in members}
    excusals = []
    for m in records:
        e = m.get("excusal")
        if e is None:
            continue
        approved = bool(e.get("approved_by"))
        excusals.append(
            Excusal(
                member=by_id[m["id"]],
                reason=e["reason"],
                approved_by=e.get("approved_by") or "",
                approved_on=on if approved else None,
                approval_ref=e.get("note", ""),
                recorded_by=user,
            )
        )
    Excusal.objects.bulk_create(excusals)
    reps = PublicRep.objects.bulk_create(
        PublicRep(election=election, number=r["id"], name=r["name"]) for r in doc["roster"].get("public_reps", [])
    )
    reps = _refetch(PublicRep, reps, election=election)
    return by_id, {r.number: r for r in reps}


def _nomination(
    election: Election,
    doc: Mapping[str, Any],
    source: Mapping[str, Any],
    positions: Mapping[str, Position],
    members: Mapping[str, Any],
    reps: Mapping[str, Any],
    user: Any,
) -> dict[str, Any]:
    from zhixuan.web.nomination.models import (
        Applicant,
        ApplicantPosition,
        ApplicantSource,
        NominationRoute,
        Objection,
        ReviewDecision,
        Signature,
        SignatureSource,
    )

    statements = {a["id"]: a.get("statement", "") for a in source.get("applicants", [])}
    records = doc.get("applicants", [])
    applicants = Applicant.objects.bulk_create(
        Applicant(
            election=election,
            number=a["id"],
            name=a["name"],
            member=members.get(a["member"]) if "member" in a else None,
            age=a.get("facts", {}).get("age"),
            party_years=a.get("facts", {}).get("party_years"),
            education=a.get("facts", {}).get("education", ""),
            identity=a.get("facts", {}).get("identity", ""),
            statement=statements.get(a["id"], ""),
            source=ApplicantSource.IMPORT,
        )
        for a in records
    )
    by_id = {a.number: a for a in _refetch(Applicant, applicants, election=election)}
    ApplicantPosition.objects.bulk_create(
        ApplicantPosition(applicant=by_id[a["id"]], position=positions[p], preference=n)
        for a in records
        for n, p in enumerate(a["positions"], start=1)
    )
    # Routes one by one (their ids are needed for the signatures), signatures in bulk.
    signatures = []
    for a in records:
        for r in a["routes"]:
            route = NominationRoute.objects.create(
                applicant=by_id[a["id"]],
                kind=r["type"],
                position=positions[r["position"]] if r["type"] == "joint" else None,
                by=r.get("by", ""),
                recorded_by=user,
            )
            for signer in r.get("signatures", []):
                signatures.append(
                    Signature(
                        route=route,
                        member=members.get(signer),
                        public_rep=reps.get(signer) if signer not in members else None,
                        source=SignatureSource.PAPER,
                        recorded_by=user,
                    )
                )
    Signature.objects.bulk_create(signatures)
    review = doc.get("review", {})
    ReviewDecision.objects.bulk_create(
        ReviewDecision(
            applicant=by_id[d["applicant"]],
            position=positions[d["position"]],
            qualified=d["qualified"],
            reason=d.get("reason", ""),
            decided_by=user,
        )
        for d in review.get("decisions", [])
    )
    now = timezone.now()
    for o in review.get("objections", []):
        Objection.objects.create(
            applicant=by_id[o["applicant"]],
            position=positions[o["position"]],
            by=o.get("by", ""),
            reason=o["reason"],
            upheld=o["upheld"],
            outcome="",
            decided_by=user,
            decided_at=now,
        )
    return by_id


def _recommendation(election: Election, doc: Mapping[str, Any], positions: Mapping[str, Position], now: Any) -> None:
    from zhixuan.web.recommendation.models import (
        BallotSource,
        GroupTotal,
        Lot,
        LotPurpose,
        RecommendationBallot,
        RecommendationStage,
        StageGroup,
    )
    from zhixuan.web.recommendation.models import StageStatus as RecStatus

    lots = [(LotPurpose.SPEECH, doc.get("speech_lot")), (LotPurpose.SELECTION, doc.get("selection", {}).get("lot"))]
    for purpose, lot in lots:
        if lot is None:
            continue
        Lot.objects.create(
            election=election,
            purpose=purpose,
            label=lot["label"],
            secret=lot["secret"].lower(),
            commitment=commitment(bytes.fromhex(lot["secret"])),
            committed_at=now,
            entropy=lot["entropy"],
            revealed_at=now,
        )
    for order, s in enumerate(doc.get("stages", []), start=1):
        stage = RecommendationStage.objects.create(
            election=election,
            key=s["id"],
            name=s["name"],
            weight=s.get("weight", "1"),
            order=order,
            status=RecStatus.CLOSED,
        )
        groups = {
            g["id"]: StageGroup.objects.create(stage=stage, key=g["id"], name=g["name"], weight=g["weight"], order=n)
            for n, g in enumerate(s["groups"], start=1)
        }
        RecommendationBallot.objects.bulk_create(
            RecommendationBallot(
                stage=stage,
                group=groups[b["group"]],
                picks=b["picks"],
                count=b.get("count", 1),
                source=BallotSource.PAPER,
            )
            for b in s.get("ballots", [])
        )
        GroupTotal.objects.bulk_create(
            GroupTotal(
                stage=stage,
                group=groups[t["group"]],
                position=positions[t["position"]],
                valid=t["valid"],
                votes=t["for"],
            )
            for t in s.get("totals", [])
        )


def _candidates(election: Election, doc: Mapping[str, Any], applicants: Mapping[str, Any], user: Any) -> None:
    from zhixuan.web.candidates.models import CountyVote, InspectionOutcome

    InspectionOutcome.objects.bulk_create(
        InspectionOutcome(
            applicant=applicants[i["candidate"]], passed=i["passed"], reason=i.get("reason", ""), recorded_by=user
        )
        for i in doc.get("inspection", [])
    )
    vote = doc.get("county_vote")
    if vote is not None:
        CountyVote.objects.create(election=election, voters=vote["voters"], votes=dict(vote["for"]), recorded_by=user)


def _run(doc: Mapping[str, Any]) -> RunReport:
    """The core's run of the document as the election will hold it (= the export's run, see module doc)."""
    try:
        return run_scenario(validate(doc))
    except ValueError as exc:  # ScenarioError included: the file cannot run as it stands
        if isinstance(exc, ScenarioError):
            raise
        raise ImportRefused(
            [Problem("(run)", f"输入无法按规则处理：{exc}", f"input the rules cannot take: {exc}")]
        ) from exc


def _after_run(election: Election, doc: Mapping[str, Any], report: RunReport, now: Any, user: Any) -> None:
    """What the app keeps from the core's run: the drawn speech order and the published review notice."""
    from zhixuan.web.nomination.models import ReviewNotice
    from zhixuan.web.recommendation.models import Lot, LotPurpose

    order = report.outcome.get("speech_order")
    if order:
        Lot.objects.filter(election=election, purpose=LotPurpose.SPEECH).update(result=list(order))  # type: ignore[call-overload]
    # The review notice was published once objections were raised against it or the procedure went on.
    later = ("speech_lot", "stages", "inspection", "county_vote")
    if doc.get("review") and (doc["review"].get("objections") or any(k in doc for k in later)):
        qualified: Mapping[str, list[str]] = report.outcome.get("qualified") or {}  # type: ignore[assignment]
        names = {a["id"]: a["name"] for a in doc.get("applicants", [])}
        kinds = _kind_names()
        content = {
            "positions": [
                {
                    "kind": p["id"],
                    "title": kinds[p["id"]],
                    "seats": p["seats"],
                    "qualified": [{"number": n, "name": names.get(n, n)} for n in qualified.get(p["id"], [])],
                }
                for p in doc["positions"]
            ],
        }
        # The objections in the file were decided, so the notice window has closed.
        ReviewNotice.objects.create(
            election=election, published_at=now, objections_until=now, content=content, published_by=user
        )


def _may_import(actor: Any, county: County) -> bool:
    if actor is None:  # the management command, run by the operator
        return True
    from zhixuan.web.accounts.selectors import administered_counties

    return administered_counties(actor).filter(pk=county.pk).exists()


def do_import_scenario(actor: Any, *, county: County, text: str, filename: str) -> tuple[Election, Prepared]:
    """Import scenario ``text`` as a new election of ``county``; raises :class:`ScenarioError` listing every
    problem (nothing is stored then), or ``PermissionDenied`` unless ``actor`` administers ``county``."""
    if not _may_import(actor, county):
        raise PermissionDenied
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source = load_text(text, json_only=filename.lower().endswith(".json"))
    prepared = prepare(source)
    doc = prepared.document
    header = doc["election"]
    user = actor if getattr(actor, "is_authenticated", False) else None
    if header.get("county") and header["county"] != county.name:
        prepared.notes.append(
            Note(
                "election.county",
                f"文件中的县「{header['county']}」改为导入所在的县「{county.name}」",
                f"the file's county {header['county']!r} becomes {county.name!r}, where it is imported",
                set_aside=False,
            )
        )
    current = _progress(header["preset"], doc)
    report = _run(doc)
    with transaction.atomic():
        township, created = Township.objects.get_or_create(county=county, name=header["township"])
        election = Election.objects.create(
            township=township, title=header["title"], preset=header["preset"], overrides=header["settings"]
        )
        positions = {}
        for order, pos in enumerate(doc["positions"], start=1):
            positions[pos["id"]] = Position.objects.create(
                election=election, kind=pos["id"], seats=pos["seats"], order=order
            )
        _conditions(election, doc, positions)
        targets = doc["positions"][0].get("work_targets", [])
        WorkTarget.objects.bulk_create(
            WorkTarget(election=election, text=t, order=i) for i, t in enumerate(targets, start=1)
        )
        _lay_out_timeline(election, doc, current)
        first = election.stages.order_by("order").first()
        on = first.starts_on if first is not None and first.starts_on else timezone.localdate()
        # The export dates the election by its first stage and names the county it belongs to.
        header["date"], header["county"] = on.isoformat(), county.name
        members, reps = _roster(election, doc, on, user)
        applicants = _nomination(election, doc, source, positions, members, reps, user)
        now = timezone.now()
        _recommendation(election, doc, positions, now)
        _candidates(election, doc, applicants, user)
        if current is not None:
            from zhixuan.web.elections.selectors import announcement_snapshot

            election.announced_at = now
            election.announcement = announcement_snapshot(election, published_at=now)
            election.save(update_fields=["announced_at", "announcement"])
        _after_run(election, doc, report, now, user)
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="elections.import_scenario",
            obj=election,
            data={
                "filename": filename,
                "sha256": sha256,
                "file_election_id": str(source["election"]["id"]),
                "township": township.name,
                "township_created": created,
                "counts": {
                    "positions": len(positions),
                    "members": len(members),
                    "public_reps": len(reps),
                    "applicants": len(applicants),
                    "stages": len(doc.get("stages", [])),
                },
                "notes": [n.to_json() for n in prepared.notes],
                "set_aside": prepared.set_aside,
            },
        )
    return election, prepared


def import_scenario(actor: Any, *, county: County, text: str, filename: str) -> Election:
    """The brief's name for the action: the new election only."""
    return do_import_scenario(actor, county=county, text=text, filename=filename)[0]
