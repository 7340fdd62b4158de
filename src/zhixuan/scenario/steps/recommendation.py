"""Recommendation stages: ballot validity (R5), weighted scores (R1), combination (R2), selection (R3, R4)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from zhixuan.rules.lot import LotError, draw
from zhixuan.rules.recommendation import (
    GroupTotals,
    RecommendationBallot,
    StageScores,
    combine_stages,
    rank,
    score_stage,
    select_preliminary,
    tally_ballots,
)
from zhixuan.scenario.context import NeedsInput, RunContext, file_error
from zhixuan.scenario.report import Needed, Section, Table

_BAR = 20


def run_recommendation(ctx: RunContext) -> None:
    stages = ctx.doc.get("stages", [])
    if not stages:
        return
    positions = [p["id"] for p in ctx.doc["positions"]]
    nominees = {p: tuple(ctx.nominees.get(p, ())) for p in positions}
    seats = {p["id"]: p["seats"] for p in ctx.doc["positions"]}
    scored: list[StageScores] = []
    stage_weights: dict[str, Fraction] = {}
    for s, stage in enumerate(stages):
        section = Section(
            f"stage:{stage['id']}", f"推荐环节：{stage['name']}", f"Recommendation stage: {stage['name']}"
        )
        weights = {g["id"]: _fraction(g["weight"], ("stages", s, "groups")) for g in stage["groups"]}
        text = ctx.text_names({g["id"]: g["name"] for g in stage["groups"]})
        ballots = [RecommendationBallot(b["group"], b["picks"], b.get("count", 1)) for b in stage.get("ballots", [])]
        totals: list[GroupTotals] = []
        if ballots:
            tally = tally_ballots(ballots, nominees, seats, names=text)
            section.decisions.extend(tally.decisions)
            totals.extend(tally.totals)
        totals += [GroupTotals(t["group"], t["position"], t["valid"], t["for"]) for t in stage.get("totals", [])]
        try:
            result = score_stage(stage["name"], weights, totals, nominees, text)
        except ValueError as exc:
            raise file_error(("stages", s), f"推荐环节数据无效：{exc}", f"invalid stage data: {exc}") from exc
        section.decisions.extend(result.decisions)
        section.tables.extend(_score_tables(ctx, result))
        ctx.report.sections.append(section)
        scored.append(result)
        stage_weights[stage["name"]] = _fraction(stage.get("weight", 1), ("stages", s, "weight"))

    if len(scored) > 1:
        section = Section("combined", "综合得分（加权合成）", "Combined score (weighted)")
        try:
            combined = combine_stages(stage_weights, scored, ctx.text_names())
        except ValueError as exc:
            raise file_error(("stages",), f"环节权重无效：{exc}", f"invalid stage weights: {exc}") from exc
        section.decisions.extend(combined.decisions)
        section.tables.extend(_score_tables(ctx, combined))
        ctx.report.sections.append(section)
    else:
        combined = scored[0]
    _select(ctx, combined, seats)


def _select(ctx: RunContext, combined: StageScores, seats: Mapping[str, int]) -> None:
    selection_cfg = ctx.doc.get("selection", {})
    ratio = selection_cfg.get("ratio", ctx.settings.selection_ratio)
    preferences = {a["id"]: tuple(a["positions"]) for a in ctx.doc.get("applicants", [])}
    section = Section("selection", f"按 1:{ratio} 差额比例确定初步候选人", f"Preliminary candidates at 1:{ratio}")

    def select(drawn: Mapping[str, tuple[str, ...]] | None) -> Any:
        return select_preliminary(
            combined.scores,
            seats,
            ratio=ratio,
            cutoff_tie=ctx.settings.cutoff_tie,
            drawn=drawn,
            preferences=preferences,
            names=ctx.text_names(),
        )

    selection = select(None)
    if not selection.complete:
        lot = selection_cfg.get("lot")
        if not lot:
            first = selection.lots[0]
            tied = [ctx.name(i) for i in first.tied]
            where = ctx.position(first.position)["name"]
            section.decisions.extend(selection.decisions)
            ctx.report.sections.append(section)
            raise NeedsInput(
                Needed(
                    "selection",
                    f"{where} 在截止线并列：{'、'.join(tied)} 争 {first.places_left} 个名额，"
                    "需公开抽签（selection.lot）",
                    f"tie at the cut-off for {where}: {', '.join(tied)} for {first.places_left} place(s); "
                    "add the lot (selection.lot)",
                    "R3",
                )
            )
        drawn: dict[str, tuple[str, ...]] = {}
        for needed in selection.lots:
            try:
                result = draw(
                    needed.tied, bytes.fromhex(lot["secret"]), lot["entropy"], f"R3 {needed.position}", names=ctx.names
                )
            except LotError as exc:
                raise file_error(
                    ("selection", "lot"), f"抽签无法进行：{exc}", f"the lot cannot be drawn: {exc}"
                ) from exc
            section.decisions.append(result.decision)
            drawn[needed.position] = result.order
        selection = select(drawn)
    section.decisions.extend(selection.decisions)
    rows = []
    for position, pool in selection.pools.items():
        ctx.nominees[position] = list(pool.kept)
        rows.append(
            [
                ctx.position(position)["name"],
                len(pool.kept),
                "、".join(ctx.name(i) for i in ctx.stroke_sorted(pool.kept)),
            ]
        )
    section.tables.append(
        Table(
            [
                ("职位", "position"),
                ("人数", "count"),
                ("初步候选人（按姓氏笔画）", "preliminary (by strokes)"),
            ],
            rows,
        )
    )
    ctx.report.sections.append(section)
    ctx.report.outcome["preliminary"] = {p: list(ids) for p, ids in ctx.nominees.items()}


def _score_tables(ctx: RunContext, scores: StageScores) -> list[Table]:
    tables = []
    for position, by_nominee in scores.scores.items():
        if not by_nominee:
            continue
        ranked = rank(by_nominee)
        top = ranked[0].score or Fraction(1)
        rows = [[r.rank, ctx.name(r.nominee), r.score, "█" * round(_BAR * r.score / top)] for r in ranked]
        tables.append(
            Table(
                [("名次", "rank"), (ctx.position(position)["name"], position), ("得分", "score"), ("", "")],
                rows,
            )
        )
    return tables


def _fraction(value: object, path: tuple[str | int, ...]) -> Fraction:
    try:
        return Fraction(str(value).replace(" ", ""))
    except (ValueError, ZeroDivisionError) as exc:
        raise file_error(path, f"不是有效的分数：{value!r}", f"not a fraction: {value!r}") from exc
