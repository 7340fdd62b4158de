"""After the election: commitment (A1), annual ratings (A2), recall petitions, votes and by-elections (A3)."""

from __future__ import annotations

from fractions import Fraction

from zhixuan.rules.commitment import (
    Commitment,
    CommitmentError,
    Target,
    TargetReview,
    TargetStatus,
    check_commitment,
    review_commitment,
)
from zhixuan.rules.meeting import check_quorum
from zhixuan.rules.ratings import RaterGroup, RatingError, Scale, rate_leader
from zhixuan.rules.recall import check_petition, decide_recall_vote
from zhixuan.scenario.context import RunContext, file_error
from zhixuan.scenario.report import Section, Table
from zhixuan.scenario.steps.meeting import run_single_round


def run_after(ctx: RunContext) -> None:
    _commitment(ctx)
    _ratings(ctx)
    _recall(ctx)


def _commitment(ctx: RunContext) -> None:
    record = ctx.doc.get("commitment")
    if not record:
        return
    section = Section("commitment", "任期目标承诺", "Term-target commitment")
    commitment = Commitment(ctx.name(record["by"]), tuple(Target(i["id"], i["text"]) for i in record["items"]))
    section.decisions.append(check_commitment(commitment))
    years = sorted({r["year"] for i in record["items"] for r in i.get("reviews", [])})
    for year in years:
        reviews = {}
        for n, item in enumerate(record["items"]):
            for r in item.get("reviews", []):
                if r["year"] == year:
                    try:
                        reviews[item["id"]] = TargetReview(TargetStatus(r["status"]), r.get("note", ""))
                    except ValueError as exc:
                        raise file_error(
                            ("commitment", "items", n, "reviews"),
                            f"状态无效：{r['status']!r}",
                            f"unknown status {r['status']!r}",
                        ) from exc
        try:
            result = review_commitment(commitment, year, reviews)
        except CommitmentError as exc:
            raise file_error(
                ("commitment",), f"{year} 年承诺评议不完整：{exc}", f"review {year} incomplete: {exc}"
            ) from exc
        section.decisions.append(result.decision)
    section.tables.append(Table([("编号", "id"), ("目标", "target")], [[t.id, t.text] for t in commitment.targets]))
    ctx.report.sections.append(section)


def _ratings(ctx: RunContext) -> None:
    ratings = ctx.doc.get("ratings", [])
    if not ratings:
        return
    section = Section("ratings", "年度述职测评", "Annual reviews and ratings")
    rows = []
    for n, record in enumerate(ratings):
        groups = [RaterGroup(g.get("name", g["id"]), Fraction(str(g["weight"]))) for g in record["groups"]]
        counts = {g.get("name", g["id"]): g["counts"] for g in record["groups"]}
        try:
            result = rate_leader(ctx.name(record["leader"]), Scale(record["scale"]), groups, counts, ctx.settings)
        except RatingError as exc:
            raise file_error(("ratings", n), f"测评数据无效：{exc}", f"invalid rating record: {exc}") from exc
        section.decisions.extend(result.decisions)
        rows.append(
            [
                record["year"],
                ctx.name(record["leader"]),
                record["scale"],
                "；".join(f"{k} {v.numerator}/{v.denominator}" for k, v in result.weighted.items()),
                "、".join(result.flags) or "—",
            ]
        )
    section.tables.append(
        Table(
            [
                ("年度", "year"),
                ("领导", "leader"),
                ("量表", "scale"),
                ("加权比例", "weighted"),
                ("提示", "flags"),
            ],
            rows,
        )
    )
    ctx.report.sections.append(section)


def _recall(ctx: RunContext) -> None:
    recall = ctx.doc.get("recall")
    if not recall:
        return
    section = Section("recall", "罢免", "Recall")
    for petition in recall.get("petitions", []):
        result = check_petition(
            ctx.name(petition["leader"]), petition["signatures"], ctx.rights, ctx.settings, names=ctx.names
        )
        section.decisions.extend(result.decisions)
    ctx.report.sections.append(section)
    for n, vote in enumerate(recall.get("votes", [])):
        present = vote["present"]
        count = len(set(present) & ctx.rights) if isinstance(present, list) else present
        quorum = check_quorum(count, ctx.expected, ctx.settings, subject=f"recall:{vote['leader']}")
        section.decisions.append(quorum)
        decision = decide_recall_vote(
            ctx.name(vote["leader"]),
            vote["yes"],
            ctx.expected,
            quorum_met=quorum.code == "quorum_met",
            settings=ctx.settings,
        )
        section.decisions.append(decision)
        if decision.code == "recalled":
            for seats in ctx.elected.values():
                if vote["leader"] in seats:
                    seats.remove(vote["leader"])
            if "by_election" in vote:
                run_single_round(ctx, vote["by_election"], ("recall", "votes", n, "by_election"))
