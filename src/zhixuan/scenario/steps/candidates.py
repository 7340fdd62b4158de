"""Formal candidates: inspection (C3), county-committee vote (C2), competitive check (C1), stroke order (C4)."""

from __future__ import annotations

from zhixuan.rules.candidates import Inspection, apply_inspections, check_competitive, county_committee_vote
from zhixuan.rules.stroke_order import stroke_order_decision
from zhixuan.scenario.context import NeedsInput, RunContext, file_error
from zhixuan.scenario.report import Needed, Section, Table


def run_candidates(ctx: RunContext) -> None:
    if not ctx.nominees:
        return
    section = Section("formal", "考察、县委票决与正式候选人", "Inspection, county vote and formal candidates")
    positions = ctx.doc["positions"]

    if "inspection" in ctx.doc:
        records = ctx.doc["inspection"]
        for pos in positions:
            pool = ctx.nominees.get(pos["id"], [])
            mine = [
                Inspection(r["candidate"], r["passed"], r.get("reason", "")) for r in records if r["candidate"] in pool
            ]
            try:
                result = apply_inspections(pool, mine, ctx.names)
            except ValueError as exc:
                raise file_error(("inspection",), f"考察记录无效：{exc}", f"invalid inspection record: {exc}") from exc
            section.decisions.extend(result.decisions)
            if not result.complete:
                ctx.report.sections.append(section)
                who = "、".join(ctx.name(i) for i in result.pending)
                raise NeedsInput(
                    Needed(
                        "inspection",
                        f"{pos['name']} 尚有 {who} 未记录考察结果（inspection）",
                        f"{pos['name']}: no inspection outcome for {', '.join(result.pending)}",
                        "C3",
                    )
                )
            ctx.nominees[pos["id"]] = list(result.remaining)

    county_vote = ctx.doc.get("county_vote")
    for pos in positions:
        pool = ctx.nominees.get(pos["id"], [])
        if county_vote and pool:
            votes = {c: county_vote["for"].get(c, 0) for c in pool}
            try:
                chosen = county_committee_vote(
                    pos["name"],
                    pos["seats"],
                    votes,
                    ctx.settings,
                    keep=pos.get("formal_count"),
                    voters=county_vote["voters"],
                    names=ctx.names,
                )
            except ValueError as exc:
                raise file_error(("county_vote",), f"县委票决数据无效：{exc}", f"invalid county vote: {exc}") from exc
            section.decisions.extend(chosen.decisions)
            formal = list(chosen.formal)
        else:
            formal = list(pool)
        if not formal:
            continue
        ordered = ctx.stroke_sorted(formal)
        ctx.formal[pos["id"]] = ordered
        section.decisions.append(
            check_competitive(pos["kind"], pos["seats"], len(ordered), ctx.settings, position=pos["name"])
        )
        section.decisions.append(stroke_order_decision([ctx.name(i) for i in ordered], ctx.strokes, pos["name"]))
    section.tables.append(
        Table(
            [
                ("职位", "position"),
                ("应选", "seats"),
                ("正式候选人（按姓氏笔画为序）", "formal candidates (by surname strokes)"),
            ],
            [[p["name"], p["seats"], "、".join(ctx.name(i) for i in ctx.formal.get(p["id"], []))] for p in positions],
        )
    )
    ctx.report.sections.append(section)
    ctx.report.outcome["formal"] = {p: list(ids) for p, ids in ctx.formal.items()}
