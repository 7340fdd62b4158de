"""A scenario file (``docs/scenario-format.md``) imported as a new election — the reverse of the export.

Two halves:

* :func:`prepare` (pure) checks the file with the scenario loader and turns it into the document the
  election will hold, in the export's own terms: position ids become position kinds (every reference
  is translated), names of positions become the app's names, ``selection.ratio`` and ``formal_count``
  become settings overrides. What the app has no place for is set aside, each with a note naming its
  path and why, so the import page can say exactly what was not imported.
* :func:`do_import_scenario` (the action) writes that document as rows: township (created if needed),
  election, positions, conditions, timeline, roster, applicants with routes and signatures, review,
  objections, lots, closed recommendation stages, inspection, the county vote and the members' meeting —
  one transaction, one audit entry carrying the file's SHA-256.

The meeting is held as the meeting, tally and results apps hold it once every vote is published: each
vote's ballot order (C4, cascade M3), seats and present count (M1) are taken from the core's run of the
file (``_settle_meeting``), never recomputed here; ``marks`` strings become for/against lists in that
order; votes the run never reaches (it stops for input first, M10) are set aside with a note.

The ``recall`` block is the recall app's (``recall.scenario_import``: petitions, votes, by-elections);
``commitment`` (A1) and ``ratings`` (A2) are the term app's (``term.scenario_import``: the commitment with
its yearly reviews, closed review sessions with rater groups and agreed counts). A part the app has no
models for (``NOT_IMPORTED``, none at present) is kept verbatim in that audit entry's data
(``set_aside``): the audit chain is append-only and hash-chained (S2), so the original inputs stay with
the election, tamper-evident, and the file's digest proves which file they came from. No file is written
outside the database.

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
from zhixuan.web.recall import scenario_import as recall_import
from zhixuan.web.term import scenario_import as term_import

# Parts of the format that have no web models yet: kept in the audit entry, not imported. (The
# commitment and the ratings are the term app's since issue 5.)
NOT_IMPORTED: dict[str, tuple[str, str]] = {}
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
    # The core's run of ``document`` (made while preparing a meeting: its ballot orders are needed).
    report: RunReport | None = None
    attendance: list[str] = field(default_factory=list)  # member ids checked in (``present`` given as lists)


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

    if "meeting" in doc:
        _prepare_meeting(doc, members, pid, problems, notes)
    recall_import.prepare_recall(doc, members, pid, problems)  # A3: the recall app's part
    for path, zh, en, aside in term_import.prepare_term(doc, problems, out.set_aside):  # A1, A2: the term app's
        notes.append(Note(path, zh, en, set_aside=aside))

    if problems:
        raise ImportRefused(problems)
    if "meeting" in doc:
        _settle_meeting(out, members)
    return out


# --- the members' meeting ---------------------------------------------------------------------------

_MARK_LISTS = {"F": "for", "A": "against", "?": "unclear"}


def _votes(rnd: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """A round's votes as the runner names them: (key, vote, path); a follow-up is ``<key>/<kind>-<n>``."""
    out = [(rnd["id"], rnd, "")]
    for f, fu in enumerate(rnd.get("followups", [])):
        out.append((f"{rnd['id']}/{fu['kind']}-{f + 1}", fu, f".followups[{f}]"))
    return out


def _prepare_meeting(
    doc: dict[str, Any], members: set[str], pid: Any, problems: list[Problem], notes: list[Note]
) -> None:
    """The meeting block in the export's terms, before the core's run (see :func:`_settle_meeting`)."""
    meeting = doc["meeting"]
    applicants = {a["id"] for a in doc.get("applicants", [])}
    for role, zh_role in (("scrutineers", "监票人"), ("tellers", "计票人")):
        if role not in meeting:
            continue
        kept: list[str] = []
        for k, ident in enumerate(meeting[role]):
            if ident not in members:
                notes.append(
                    Note(
                        f"meeting.{role}[{k}]",
                        f"{zh_role} {ident} 不是名册上的党员，未导入（M2：监票人、计票人从到会党员中产生）",
                        f"{role[:-1]} {ident} is not a member on the roster; not imported (M2)",
                    )
                )
            elif ident in kept:
                notes.append(
                    Note(
                        f"meeting.{role}[{k}]",
                        f"{zh_role} {ident} 重复列出，重复的一次未导入",
                        f"{role[:-1]} {ident} is listed twice; the repeat is not imported",
                    )
                )
            else:
                kept.append(ident)
        if kept:
            meeting[role] = kept
        else:
            del meeting[role]
    keys: dict[str, int] = {}
    for r, rnd in enumerate(meeting["rounds"]):
        where = f"meeting.rounds[{r}]"
        # The runner names a round by its id, else by the file's position id: keep that name.
        key = str(rnd.get("id", rnd["position"]))
        if key in keys:
            problems.append(
                Problem(
                    f"{where}.id",
                    f"轮次名称 {key} 与 meeting.rounds[{keys[key]}] 重复：请为每一轮写上不同的 id",
                    f"round name {key} repeats meeting.rounds[{keys[key]}]: give each round its own id",
                )
            )
        elif len(key) > 48:
            problems.append(Problem(f"{where}.id", f"轮次名称 {key} 过长（最多 48 个字符）", "round id too long"))
        keys[key] = r
        rnd["id"] = key
        rnd["position"] = pid(rnd["position"])
        if rnd.get("electorate") == "members":
            del rnd["electorate"]
        if "candidates" in rnd and rnd.get("electorate") != "committee" and applicants:
            del rnd["candidates"]
            notes.append(
                Note(
                    f"{where}.candidates",
                    "本轮候选人名单未导入：有报名记录的选举，系统按正式候选人和落选者自愿参加产生每轮名单（C1–C4、M3）",
                    "the round's candidates are not imported: with applicants on record the app takes the formal "
                    "candidates and the opt-ins (C1–C4, M3)",
                )
            )
        if "opt_ins" in rnd:
            kept = []
            for k, ident in enumerate(rnd["opt_ins"]):
                if ident in applicants and ident not in kept:
                    kept.append(ident)
                    continue
                notes.append(
                    Note(
                        f"{where}.opt_ins[{k}]",
                        f"{ident} 的自愿参加下一轮未导入：系统只为报名人记录落选后是否参加下一轮（M3）",
                        f"the opt-in of {ident} is not imported: the app records opt-ins of applicants only (M3)",
                    )
                )
            if kept:
                rnd["opt_ins"] = kept
            else:
                del rnd["opt_ins"]
        for _key, vote, sub in _votes(rnd):
            path = where + sub
            if "written_for_others" in vote:
                n = vote.pop("written_for_others")
                notes.append(
                    Note(
                        f"{path}.written_for_others",
                        f"代写选票 {n} 张（P3）未导入：系统尚无代写记录；计票不受影响",
                        f"{n} ballot(s) written for others (P3) not imported: the app has no record for them; "
                        "the count is unaffected",
                    )
                )
            if vote.get("issued") == 0:
                del vote["issued"]
                notes.append(
                    Note(
                        f"{path}.issued",
                        "发出票数 0 未导入：系统以 0 表示“未填写”，按实到会人数计（M6）",
                        "issued 0 is not imported: the app reads 0 as not given, so the number present applies (M6)",
                    )
                )
            if "collected" in vote:
                if "totals" in vote:
                    counted = vote["totals"]["valid"] + vote["totals"]["invalid"]
                else:
                    counted = sum(b.get("count", 1) for b in vote.get("ballots", []))
                if vote["collected"] == counted:
                    del vote["collected"]  # the tellers' sheet records it: the ballots entered add up to it
            if "totals" not in vote:
                vote.setdefault("ballots", [])


def _ballot_as_lists(record: Mapping[str, Any], order: list[str]) -> dict[str, Any]:
    """A ballot as the tellers' sheet holds it: ``marks`` in ballot order become for/against/unclear lists."""
    out: dict[str, Any] = {}
    if record.get("count", 1) != 1:
        out["count"] = record["count"]
    if "marks" in record:
        lists: dict[str, list[str]] = {"for": [], "against": [], "unclear": []}
        for ch, ident in zip(record["marks"], order, strict=True):
            if ch in _MARK_LISTS:
                lists[_MARK_LISTS[ch]].append(ident)
        out.update({k: v for k, v in lists.items() if v})
    else:
        out.update({k: record[k] for k in ("for", "against", "unclear") if k in record})
    if "write_ins" in record:
        out["write_ins"] = record["write_ins"]
    return out


def _vote_results(report: RunReport, key: str) -> list[tuple[Mapping[str, Any], int]]:
    """The core's result and present count (M1) of each vote of round ``key`` that the run held, in order.

    A re-run (M6, M1) keeps its round's key in the run, so votes are matched by order, not by key.
    """
    rows = [
        r
        for r in report.outcome.get("rounds", [])  # type: ignore[union-attr]
        if isinstance(r, dict) and (r["key"] == key or str(r["key"]).startswith(f"{key}/"))
    ]
    section = next((s for s in report.sections if s.key == f"round:{key}"), None)
    quorum = [
        int(d.facts["present"])  # type: ignore[arg-type]
        for d in (section.decisions if section is not None else [])
        if d.rule == "M1" and d.code in ("quorum_met", "quorum_failed")
    ]
    return list(zip(rows, quorum, strict=False))


def _settle_meeting(out: Prepared, members: set[str]) -> None:
    """Finish the meeting block from the core's run of the file: each vote's ballot order (C4) and present
    count (M1); votes the run never reaches (it stops for input first, M10) are set aside."""
    doc, notes = out.document, out.notes
    report = _run(doc)
    meeting = doc["meeting"]
    kept_rounds: list[dict[str, Any]] = []
    checked_in: list[str] = []
    rerun = False
    for r, rnd in enumerate(meeting["rounds"]):
        where = f"meeting.rounds[{r}]"
        held = _vote_results(report, rnd["id"])
        if not held:
            rerun = True
            notes.append(
                Note(
                    where,
                    f"轮次 {rnd['id']} 未导入：规则核心在此之前已停下等待补充投票（M10），该轮不会进行",
                    f"round {rnd['id']} not imported: the run stops for input before it (M10)",
                )
            )
            continue
        followups = rnd.get("followups", [])
        for f in range(len(held) - 1, len(followups)):
            rerun = True
            notes.append(
                Note(
                    f"{where}.followups[{f}]",
                    f"轮次 {rnd['id']} 的第 {f + 1} 次后续投票未导入：规则核心不需要它（M8–M10）",
                    f"follow-up {f + 1} of round {rnd['id']} not imported: the run does not need it (M8–M10)",
                )
            )
        if followups:
            rnd["followups"] = followups[: len(held) - 1]
            if not rnd["followups"]:
                del rnd["followups"]
        for (_key, vote, sub), (result, present) in zip(_votes(rnd), held, strict=True):
            order = [str(c) for c in result["candidates"]]
            if isinstance(vote["present"], list):
                checked_in.extend(i for i in vote["present"] if i in members and i not in checked_in)
                vote["present"] = present
                notes.append(
                    Note(
                        f"{where}{sub}.present",
                        f"到会名单记为签到记录，本轮实到会记为有选举权的 {present} 人（M1）",
                        f"the list of those present is held as check-ins; present is {present} eligible (M1)",
                        set_aside=False,
                    )
                )
            vote.setdefault("issued", vote["present"])
            if "ballots" in vote:
                if any("marks" in b for b in vote["ballots"]):
                    notes.append(
                        Note(
                            f"{where}{sub}.ballots",
                            "简写的选票标记（marks）按本轮选票上的姓氏笔画顺序改写为赞成/不赞成/看不清名单（C4）",
                            "compact marks are rewritten as for/against/unclear lists in the round's ballot order (C4)",
                            set_aside=False,
                        )
                    )
                vote["ballots"] = [_ballot_as_lists(b, order) for b in vote["ballots"]]
        result = held[0][0]
        # Only the committee's plenary (and a file without applicants) names its candidates; the export
        # writes them in ballot order, the candidates of the file's own list who are on the ballot.
        if "candidates" in rnd:
            given = set(rnd["candidates"])
            ballot = [str(c) for c in result["candidates"] if c in given]  # type: ignore[union-attr]
            if set(ballot) != given:
                rerun = True
                notes.append(
                    Note(
                        f"{where}.candidates",
                        "本轮候选人名单按选票上的人记录：已在前几轮当选的人不再列入（M3）",
                        "the round's candidates are held as those on its ballot: earlier winners are left out (M3)",
                        set_aside=False,
                    )
                )
            rnd["candidates"] = ballot
        elif rnd.get("electorate") == "committee":
            rerun = True
            rnd["candidates"] = [str(c) for c in result["candidates"]]  # type: ignore[union-attr]
            notes.append(
                Note(
                    f"{where}.candidates",
                    "委员会全体会议的候选人按选票记录（系统为每轮保存名单），因此报告中多一条差额检查（C1）",
                    "the plenary's candidates are held as on its ballot (the app stores each round's list), "
                    "so the report adds a competitiveness check (C1)",
                    set_aside=False,
                )
            )
        kept_rounds.append(rnd)
    if kept_rounds:
        meeting["rounds"] = kept_rounds
    else:
        out.set_aside["meeting"] = doc.pop("meeting")
        notes.append(
            Note(
                "meeting",
                "党员大会未导入：规则核心在第一轮之前已停下等待补充材料，没有可记录的轮次（M10）",
                "the members' meeting not imported: the run stops for input before its first round (M10)",
            )
        )
    out.attendance = checked_in
    # Set-aside votes can change who counts as a candidate (M2): the run must be of the document as held.
    out.report = _run(doc) if rerun or "meeting" not in doc else report


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


def _meeting_progress(preset: str, current: int | None, report: RunReport) -> int | None:
    """A meeting was held: its stage is in progress while a vote is still needed (M10), else all are done."""
    kinds = [t.kind for t in STAGES[preset]]
    if report.needs is None:
        return len(kinds)
    return max(current or 0, kinds.index("meeting"))


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


IMPORT_TELLER = "import-teller"


def import_teller() -> Any:
    """The account the imported tellers' sheets are entered under.

    A sheet needs a teller account (``TallySheet.teller``), but the file names tellers only as members
    and their sheets were agreed at the meeting itself. Rather than make the tally app's teller optional
    for every sheet, imported sheets carry this one inactive account: it cannot log in (no usable
    password, ``is_active`` false) and its name says where the sheets came from.
    """
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=IMPORT_TELLER, defaults={"first_name": "场景文件导入", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _meeting(
    election: Election,
    prepared: Prepared,
    positions: Mapping[str, Position],
    members: Mapping[str, Any],
    applicants: Mapping[str, Any],
    now: Any,
    user: Any,
) -> None:
    """The members' meeting as the meeting, tally and results apps hold it once every vote is published."""
    from zhixuan.web.meeting.models import (
        Attendance,
        CheckInMethod,
        Meeting,
        MeetingStatus,
        Officer,
        OfficerRole,
        OptIn,
        Round,
        RoundKind,
        RoundStatus,
    )
    from zhixuan.web.tally.models import PaperBallotEntry, PaperTotals, SheetMode, TallySheet

    doc, report = prepared.document, prepared.report
    assert report is not None  # made by _settle_meeting
    block = doc["meeting"]
    held = election.stages.filter(kind="meeting").first()
    closed = report.needs is None
    meeting = Meeting.objects.create(
        election=election,
        title=f"{election.township.name}党员大会",
        held_on=held.starts_on if held is not None else None,
        status=MeetingStatus.CLOSED if closed else MeetingStatus.OPEN,
        opened_at=now,
        closed_at=now if closed else None,
    )
    Officer.objects.bulk_create(
        Officer(meeting=meeting, member=members[number], role=role, approved_at=now)
        for key, role in (("scrutineers", OfficerRole.SCRUTINEER), ("tellers", OfficerRole.TELLER))
        for number in block.get(key, [])
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=members[n], method=CheckInMethod.NUMBER, checked_in_at=now, recorded_by=user)
        for n in prepared.attendance
    )
    teller = import_teller()
    order = 0

    def vote_row(
        key: str, vote: Mapping[str, Any], result: Mapping[str, Any], position: str, parent: Any, kind: str
    ) -> Any:
        nonlocal order
        order += 1
        rnd = Round.objects.create(
            meeting=meeting,
            order=order,
            key=key,
            position=positions[position],
            kind=kind,
            followup_of=parent,
            electorate=parent.electorate if parent is not None else vote.get("electorate", "members"),
            seats=result["seats"],
            candidates=[str(c) for c in result["candidates"]],  # type: ignore[union-attr]
            status=RoundStatus.PUBLISHED,
            present=vote["present"],
            issued=vote["issued"],
            opened_at=now,
            closed_at=now,
        )
        if "totals" in vote:
            t = vote["totals"]
            sheet = TallySheet.objects.create(
                round=rnd,
                teller=teller,
                mode=SheetMode.TOTALS,
                collected=t["valid"] + t["invalid"],
                submitted_at=now,
                agreed=True,
            )
            PaperTotals.objects.create(sheet=sheet, valid=t["valid"], invalid=t["invalid"], candidates=t["candidates"])
        elif vote["ballots"]:
            sheet = TallySheet.objects.create(
                round=rnd,
                teller=teller,
                mode=SheetMode.BALLOTS,
                collected=sum(b.get("count", 1) for b in vote["ballots"]),
                submitted_at=now,
                agreed=True,
            )
            PaperBallotEntry.objects.bulk_create(
                PaperBallotEntry(
                    sheet=sheet, marks={k: v for k, v in b.items() if k != "count"}, count=b.get("count", 1)
                )
                for b in vote["ballots"]
            )
        return rnd

    for entry in block["rounds"]:
        results = [result for result, _present in _vote_results(report, entry["id"])]
        rnd = vote_row(entry["id"], entry, results[0], entry["position"], None, RoundKind.REGULAR)
        if "leave_empty" in entry:
            rnd.leave_empty = dict(entry["leave_empty"])
            rnd.save(update_fields=["leave_empty"])
        OptIn.objects.bulk_create(
            OptIn(round=rnd, applicant=applicants[n], stands=True, recorded_by=user) for n in entry.get("opt_ins", [])
        )
        for f, fu in enumerate(entry.get("followups", []), start=1):
            # Named as the meeting app names a follow-up (the run keeps a re-run under its round's key).
            vote_row(f"{entry['id']}/{fu['kind']}-{f}", fu, results[f], entry["position"], rnd, fu["kind"])


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
    report = prepared.report or _run(doc)
    if "meeting" in doc:
        current = _meeting_progress(header["preset"], current, report)
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
        if "meeting" in doc:
            _meeting(election, prepared, positions, members, applicants, now, user)
        term_import.import_term(election, doc, report, import_teller, now)  # A1, A2: commitment, reviews
        recall_import.import_recall(election, doc, members, now, user)  # A3: petitions, votes, by-elections
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
                    "rounds": sum(1 + len(r.get("followups", [])) for r in doc.get("meeting", {}).get("rounds", [])),
                },
                "notes": [n.to_json() for n in prepared.notes],
                "set_aside": prepared.set_aside,
            },
        )
    return election, prepared


def import_scenario(actor: Any, *, county: County, text: str, filename: str) -> Election:
    """The brief's name for the action: the new election only."""
    return do_import_scenario(actor, county=county, text=text, filename=filename)[0]
