"""The ``commitment`` (A1) and ``ratings`` (A2) of a scenario file imported into the term app — the reverse
of ``term.export``.

Two halves, called from ``elections.scenario_import``:

* :func:`prepare_term` (pure) checks what the app cannot hold and rewrites both blocks in the export's own
  terms, appending a :class:`~zhixuan.scenario.errors.Problem` (path, Chinese, English) for each thing it
  cannot hold — the import then stores nothing. The app holds one review session per year whose leaders
  are all rated on the same scales by the same rater groups, so a year's records must name the same groups
  (id, name, weight) and rate every leader of the year on every scale of the year, once. A review of one
  item in one year appears once. Records in another order than the export's (year, leader in order of
  first appearance, satisfaction before competence; groups in the year's first order) are re-ordered, with
  a note; grades a record leaves out are written as 0 (the core reads a missing grade as 0).
* :func:`import_term` writes the rows: the published commitment with its items and yearly reviews, and per
  year a closed review session with its leaders, rater groups and each group's counts as one agreed paper
  count (entered, like the meeting's imported tally sheets, under the inactive import account). Whether a
  weight, a count or a review is valid is the rules core's: the importer runs the whole file through it
  before anything is stored, so a bad record is refused with its path (``ratings[3]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zhixuan.rules.commitment import TargetStatus
from zhixuan.rules.ratings import GRADES, Scale
from zhixuan.scenario.errors import Problem
from zhixuan.scenario.report import RunReport
from zhixuan.web.elections.models import Election

SCALES = tuple(s.value for s in Scale)  # satisfaction before competence, as ReviewSession.scales
SCALE_ZH = {"satisfaction": "满意度", "competence": "称职度"}
KEY_LENGTH = 16  # CommitmentItem.key
GROUP_KEY_LENGTH = 32  # RaterGroup.key
NAME_LENGTH = 64  # RaterGroup.name, LeaderReport.leader


def _weight(value: Any) -> str:
    return str(value).replace(" ", "")


UNELECTED = {
    "commitment": ("任期目标承诺", "the term-target commitment", "当选的党委书记", "the elected secretary"),
    "ratings": ("年度测评", "the annual ratings", "当选的领导班子", "the elected team"),
}


def prepare_term(
    doc: dict[str, Any], problems: list[Problem], set_aside: dict[str, Any]
) -> list[tuple[str, str, str, bool]]:
    """Rewrite ``doc["commitment"]`` and ``doc["ratings"]`` as the term app holds them.

    Appends what the app cannot hold to ``problems``; returns notes ``(path, zh, en, set_aside)``. A file
    without a members' meeting elects no one, and the app keeps a commitment and ratings with the team
    the election elected: both parts are then set aside (kept in the import's audit entry).
    """
    notes: list[tuple[str, str, str, bool]] = []
    if "meeting" not in doc:
        for key, (zh, en, whose_zh, whose_en) in UNELECTED.items():
            if key in doc:
                set_aside[key] = doc.pop(key)
                notes.append(
                    (
                        key,
                        f"{zh}未导入：文件中没有党员大会，系统把{zh}记在{whose_zh}名下；原文保存在导入的审计记录中",
                        f"{en} not imported: the file holds no members' meeting, and the app keeps {en} with "
                        f"{whose_en}; kept in the import's audit entry",
                        True,
                    )
                )
        return notes
    _prepare_commitment(doc, problems)
    _prepare_ratings(doc, problems, notes)
    return notes


def _prepare_commitment(doc: dict[str, Any], problems: list[Problem]) -> None:
    record = doc.get("commitment")
    if not record:
        return
    statuses = {s.value for s in TargetStatus}
    seen: set[str] = set()
    for i, item in enumerate(record["items"]):
        where = f"commitment.items[{i}]"
        if len(item["id"]) > KEY_LENGTH:
            problems.append(
                Problem(
                    f"{where}.id",
                    f"目标编号 {item['id']} 超过 {KEY_LENGTH} 个字符，系统无法保存",
                    f"target id {item['id']!r} is longer than {KEY_LENGTH} characters",
                )
            )
        if item["id"] in seen:
            problems.append(
                Problem(f"{where}.id", f"目标编号 {item['id']} 重复 (A1)", f"target id {item['id']} repeats (A1)")
            )
        seen.add(item["id"])
        years: set[int] = set()
        for j, review in enumerate(item.get("reviews", [])):
            if review["status"] not in statuses:
                problems.append(
                    Problem(
                        f"{where}.reviews[{j}].status",
                        f"完成情况“{review['status']}”无效，应为 {'、'.join(sorted(statuses))} 之一 (A1)",
                        f"status {review['status']!r} is not one of {', '.join(sorted(statuses))} (A1)",
                    )
                )
            if review["year"] in years:
                problems.append(
                    Problem(
                        f"{where}.reviews[{j}].year",
                        f"目标 {item['id']} 的 {review['year']} 年度评议重复：每项每年只有一个完成情况 (A1)",
                        f"target {item['id']} is reviewed twice in {review['year']}: one status per year (A1)",
                    )
                )
            years.add(review["year"])
        if "reviews" in item:
            reviews = sorted(item["reviews"], key=lambda r: r["year"])
            item["reviews"] = [
                {"year": r["year"], "status": r["status"], **({"note": r["note"]} if r.get("note") else {})}
                for r in reviews
            ]
            if not item["reviews"]:
                del item["reviews"]


def _prepare_ratings(doc: dict[str, Any], problems: list[Problem], notes: list[tuple[str, str, str, bool]]) -> None:
    records = doc.get("ratings")
    if not records:
        return
    years: dict[int, dict[str, Any]] = {}  # year -> {"groups", "leaders", "records": {(leader, scale): n}}
    for n, record in enumerate(records):
        where = f"ratings[{n}]"
        scale = record["scale"]
        grades = GRADES[Scale(scale)]
        groups = []
        for g, group in enumerate(record["groups"]):
            unknown = [k for k in group["counts"] if k not in grades]
            if unknown:
                problems.append(
                    Problem(
                        f"{where}.groups[{g}].counts",
                        f"等次 {'、'.join(unknown)} 不属于{SCALE_ZH[scale]}量表，应为 {'、'.join(grades)} (A2)",
                        f"grades {', '.join(unknown)} are not on the {scale} scale ({', '.join(grades)}) (A2)",
                    )
                )
            group["name"] = group.get("name") or group["id"]
            group["weight"] = _weight(group["weight"])
            group["counts"] = {k: group["counts"].get(k, 0) for k in grades}
            if len(group["id"]) > GROUP_KEY_LENGTH or len(group["name"]) > NAME_LENGTH:
                problems.append(
                    Problem(
                        f"{where}.groups[{g}]",
                        f"测评组编号或名称过长（编号至多 {GROUP_KEY_LENGTH} 字，名称至多 {NAME_LENGTH} 字）",
                        f"group id or name too long (id at most {GROUP_KEY_LENGTH}, name {NAME_LENGTH} characters)",
                    )
                )
            groups.append((group["id"], group["name"], group["weight"]))
        ids = [x[0] for x in groups]
        if len(set(ids)) != len(ids):
            problems.append(
                Problem(
                    f"{where}.groups", "同一条测评记录中测评组编号重复 (A2)", "a group id repeats in one record (A2)"
                )
            )
        year = years.setdefault(record["year"], {"groups": groups, "first": n, "leaders": [], "records": {}})
        if sorted(groups) != sorted(year["groups"]):
            problems.append(
                Problem(
                    f"{where}.groups",
                    f"{record['year']} 年度的测评组（编号、名称、权重）与 ratings[{year['first']}] 不同："
                    "系统每年只有一套测评组，所有人员、所有量表共用 (A2)",
                    f"the rater groups (id, name, weight) differ from ratings[{year['first']}] of the same year "
                    f"{record['year']}: the app holds one set of groups per year for every leader and scale (A2)",
                )
            )
        if len(record["leader"]) > NAME_LENGTH:
            problems.append(Problem(f"{where}.leader", "人员编号过长", "leader id too long"))
        key = (record["leader"], scale)
        if key in year["records"]:
            problems.append(
                Problem(
                    f"{where}",
                    f"{record['year']} 年度 {record['leader']} 的{SCALE_ZH[scale]}测评"
                    f"与 ratings[{year['records'][key]}] 重复：每人每年每种量表只有一条记录 (A2)",
                    f"{record['leader']} is rated on {scale} in {record['year']} twice "
                    f"(also ratings[{year['records'][key]}]) (A2)",
                )
            )
        else:
            year["records"][key] = n
        if record["leader"] not in year["leaders"]:
            year["leaders"].append(record["leader"])
    ordered: list[dict[str, Any]] = []
    regrouped = False
    for number, year in sorted(years.items()):
        scales = [s for s in SCALES if any(k[1] == s for k in year["records"])]
        order = [x[0] for x in year["groups"]]
        for leader in year["leaders"]:
            for scale in scales:
                n = year["records"].get((leader, scale))
                if n is None:
                    problems.append(
                        Problem(
                            "ratings",
                            f"{number} 年度缺少 {leader} 的{SCALE_ZH[scale]}测评记录："
                            "系统对当年每个人员按当年的全部量表测评 (A2)",
                            f"no {scale} record for {leader} in {number}: the app rates every leader of a year "
                            "on every scale of that year (A2)",
                        )
                    )
                    continue
                record = records[n]
                groups = sorted(record["groups"], key=lambda g: order.index(g["id"]) if g["id"] in order else 0)
                regrouped = regrouped or groups != record["groups"]
                record["groups"] = groups
                ordered.append(record)
    if problems:
        return
    if regrouped or [id(r) for r in ordered] != [id(r) for r in records]:
        notes.append(
            (
                "ratings",
                "测评记录按系统的顺序排列（年度、人员、先满意度后称职度，测评组按当年第一条记录的顺序），"
                "各人的比例和提示不变",
                "rating records are put in the app's order (year, leader, satisfaction before competence, groups "
                "as in the year's first record); every rate and flag is unchanged",
                False,
            )
        )
    doc["ratings"] = ordered


# --- writing ------------------------------------------------------------------------------------------


def _positions(report: RunReport, doc: Mapping[str, Any]) -> dict[str, str]:
    """Each elected leader's position kind, as the core elected them (before any recall)."""
    found: dict[str, str] = {}
    reports = [report]
    if doc.get("recall"):
        from zhixuan.scenario.loader import validate
        from zhixuan.scenario.runner import run_scenario

        reports.insert(0, run_scenario(validate({k: v for k, v in doc.items() if k != "recall"})))
    for rep in reports:
        elected = rep.outcome.get("elected")
        if isinstance(elected, Mapping):
            for kind, numbers in elected.items():
                for number in numbers:
                    found.setdefault(str(number), str(kind))
    return found


def import_term(
    election: Election, doc: Mapping[str, Any], report: RunReport, teller: Callable[[], Any], now: Any
) -> None:
    """The commitment and the review sessions of ``doc`` as the term app's rows (inside the import's transaction).

    ``teller()`` is the account the agreed paper counts are entered under (the import's inactive account).
    """
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.term.models import (
        Commitment,
        CommitmentItem,
        ItemReview,
        LeaderReport,
        PaperCount,
        RaterGroup,
        ReviewSession,
        SessionStatus,
    )

    if not doc.get("commitment") and not doc.get("ratings"):
        return
    names = {m.number: m.name for m in election.members.all()}
    names.update({a.number: a.name for a in Applicant.objects.filter(election=election)})
    record = doc.get("commitment")
    if record:
        commitment = Commitment.objects.create(
            election=election, leader=record["by"], leader_name=names.get(record["by"], record["by"]), published_at=now
        )
        for order, item in enumerate(record["items"], start=1):
            row = CommitmentItem.objects.create(commitment=commitment, key=item["id"], order=order, text=item["text"])
            ItemReview.objects.bulk_create(
                ItemReview(item=row, year=r["year"], status=r["status"], note=r.get("note", ""))
                for r in item.get("reviews", [])
            )
    records = doc.get("ratings", [])
    if not records:
        return
    positions = _positions(report, doc)
    account = teller()
    for year in sorted({r["year"] for r in records}):
        mine = [r for r in records if r["year"] == year]
        scales = {r["scale"] for r in mine}
        session = ReviewSession.objects.create(
            election=election,
            year=year,
            satisfaction="satisfaction" in scales,
            competence="competence" in scales,
            status=SessionStatus.CLOSED,
            closed_at=now,
        )
        leaders: list[str] = []
        for r in mine:
            if r["leader"] not in leaders:
                leaders.append(r["leader"])
        LeaderReport.objects.bulk_create(
            LeaderReport(
                session=session,
                leader=number,
                name=names.get(number, number),
                position=positions.get(number, ""),
                order=order,
            )
            for order, number in enumerate(leaders, start=1)
        )
        for order, group in enumerate(mine[0]["groups"], start=1):
            row = RaterGroup.objects.create(
                session=session, key=group["id"], name=group["name"], weight=group["weight"], order=order
            )
            counts: dict[str, dict[str, dict[str, int]]] = {}
            for r in mine:
                given = next(g for g in r["groups"] if g["id"] == group["id"])
                counts.setdefault(r["leader"], {})[r["scale"]] = dict(given["counts"])
            # The file gives counts, not forms: at least as many forms as the largest count of valid ratings.
            collected = max(sum(c.values()) for scales_ in counts.values() for c in scales_.values())
            PaperCount.objects.create(
                group=row, teller=account, collected=collected, counts=counts, submitted_at=now, agreed=True
            )
