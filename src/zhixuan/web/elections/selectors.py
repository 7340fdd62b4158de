"""Reads of elections: the announcement, summaries and the county dashboard."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhixuan.rules.decision import Decision
from zhixuan.web.audit.selectors import chain_head
from zhixuan.web.elections import announcement
from zhixuan.web.elections.models import Election, PositionKind, Stage, StageStatus
from zhixuan.web.elections.procedures import PRESET_NAMES


def election_detail(pk: int) -> Election:
    return Election.objects.select_related("township", "township__county").get(pk=pk)


def published_elections() -> QuerySet[Election]:
    return Election.objects.exclude(announced_at=None).select_related("township", "township__county")


def announcement_gaps(election: Election) -> list[Decision]:
    stages = [announcement.StageDates(s.title, s.starts_on, s.ends_on) for s in election.stages.order_by("order")]
    return announcement.announcement_gaps(
        seats=[p.seats for p in election.positions.all()],
        conditions=election.conditions.count(),
        work_targets=election.work_targets.count(),
        stages=stages,
    )


def announcement_snapshot(election: Election, *, published_at: datetime) -> dict[str, Any]:
    """The announcement as published (N1): frozen so later edits never rewrite a public notice."""
    from zhixuan.web.roster.selectors import election_settings

    kinds = dict(PositionKind.choices)
    local = timezone.localtime(published_at)
    return {
        "title": election.title,
        "county": election.township.county.name,
        "township": election.township.name,
        "preset": election.preset,
        "preset_zh": PRESET_NAMES[election.preset][0],
        "preset_en": PRESET_NAMES[election.preset][1],
        "published_at": local.isoformat(),
        "positions": [
            {"kind": p.kind, "title": str(kinds[p.kind]), "seats": p.seats} for p in election.positions.all()
        ],
        "conditions": [
            {"kind": c.kind, "text": c.text, "position": c.position.kind if c.position else None}
            for c in election.conditions.select_related("position")
        ],
        "work_targets": [t.text for t in election.work_targets.all()],
        "stages": [
            {
                "kind": s.kind,
                "title": s.title,
                "title_en": s.title_en,
                "starts_on": s.starts_on.isoformat() if s.starts_on else None,
                "ends_on": s.ends_on.isoformat() if s.ends_on else None,
            }
            for s in election.stages.order_by("order")
        ],
        "settings": election_settings(election).as_dict(),
    }


def condition_lines(conditions: list[dict[str, Any]], positions: list[dict[str, Any]]) -> list[str]:
    """Conditions as the announcement lists them: each text once, naming its positions unless it
    applies to all (an imported file repeats a shared condition under every position)."""
    titles = {p["kind"]: p["title"] for p in positions}
    by_text: dict[str, list[str | None]] = {}
    for c in conditions:
        by_text.setdefault(c["text"], []).append(c.get("position"))
    lines = []
    for text, kinds in by_text.items():
        named = [k for k in kinds if k is not None]
        if None in kinds or set(named) >= set(titles):
            lines.append(text)
        else:
            lines.append(f"{text}（{'、'.join(str(titles.get(k, k)) for k in named)}）")
    return lines


def election_condition_lines(election: Election) -> list[str]:
    kinds = dict(PositionKind.choices)
    positions = [{"kind": p.kind, "title": str(kinds[p.kind])} for p in election.positions.all()]
    conditions = [
        {"text": c.text, "position": c.position.kind if c.position else None}
        for c in election.conditions.select_related("position")
    ]
    return condition_lines(conditions, positions)


def snapshot_digest(snapshot: dict[str, Any] | None) -> str:
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_stage(election: Election) -> Stage | None:
    return election.stages.filter(status=StageStatus.CURRENT).first()


@dataclass(frozen=True)
class Attention:
    """Something on the dashboard that needs a person: text in both languages, and the rule."""

    zh: str
    en: str
    rule: str = ""
    level: str = "warning"


@dataclass(frozen=True)
class ElectionSummary:
    election: Election
    stage: Stage | None
    stages_done: int
    stages_total: int
    seats: int
    members: int
    with_rights: int
    expected: int
    migrants: int
    excused: int
    public_reps: int
    public_rep_limit: int
    audit_head: str
    attention: list[Attention] = field(default_factory=list)


def election_summary(election: Election) -> ElectionSummary:
    from zhixuan.web.roster import selectors as roster

    stages = list(election.stages.order_by("order"))
    stage = next((s for s in stages if s.status == StageStatus.CURRENT), None)
    seats = sum(p.seats for p in election.positions.all())
    att = roster.attendance(election)
    reps = roster.public_reps(election).count()
    p4 = roster.public_rep_check(election, count=reps, expected=att.expected)
    attention: list[Attention] = []
    if election.announced_at is None:
        gaps = announcement_gaps(election)
        if gaps:
            attention += [Attention(g.zh, g.en, g.rule) for g in gaps]
        else:
            attention.append(Attention("公告已齐备，待发布", "announcement complete, not yet published", "N1", "info"))
    if att.members == 0:
        attention.append(Attention("尚未导入党员名册", "member roster not imported", "P2"))
    pending = roster.pending_excusals(election).count()
    if pending:
        attention.append(Attention(f"{pending} 项请假待批准", f"{pending} excusal(s) awaiting approval", "P2"))
    if p4.code == "public_reps_over_cap":
        attention.append(Attention(p4.zh, p4.en, "P4", "danger"))
    attention += _procedure_attention(election)
    today = timezone.localdate()
    if stage is not None and stage.ends_on is not None and stage.ends_on < today:
        attention.append(
            Attention(
                f"阶段「{stage.title}」已超过计划结束日期 {stage.ends_on}",
                f"stage '{stage.title_en}' is past its planned end {stage.ends_on}",
            )
        )
    return ElectionSummary(
        election=election,
        stage=stage,
        stages_done=sum(1 for s in stages if s.status == StageStatus.DONE),
        stages_total=len(stages),
        seats=seats,
        members=att.members,
        with_rights=att.with_rights,
        expected=att.expected,
        migrants=att.migrants,
        excused=att.excused,
        public_reps=reps,
        public_rep_limit=int(p4.facts["limit"]),  # type: ignore[arg-type]
        audit_head=chain_head(election.audit_chain),
        attention=attention,
    )


def _procedure_attention(election: Election) -> list[Attention]:
    """Open work of the later steps: reviews, objections (N4), a round waiting for a scrutineer (S3)."""
    from zhixuan.web.meeting.models import Confirmation
    from zhixuan.web.nomination import selectors as nomination

    out: list[Attention] = []
    counts = nomination.panel_counts(election)
    if counts.pending_review and counts.notice is None:
        n = counts.pending_review
        out.append(Attention(f"{n} 项资格审查待决定", f"{n} qualification review(s) to decide", "N4"))
    if counts.open_objections:
        n = counts.open_objections
        out.append(Attention(f"{n} 条异议待核查", f"{n} objection(s) to decide", "N4"))
    waiting = Confirmation.objects.filter(round__meeting__election=election, confirmed_at=None).count()
    if waiting:
        out.append(Attention(f"{waiting} 项操作待监票人确认", f"{waiting} step(s) awaiting a scrutineer", "S3"))
    return out


@dataclass(frozen=True)
class DashboardTotals:
    elections: int
    townships: int
    members: int
    migrants: int
    public_reps: int
    seats: int


def dashboard(elections: QuerySet[Election]) -> tuple[list[ElectionSummary], DashboardTotals]:
    summaries = [election_summary(e) for e in elections.select_related("township", "township__county")]
    totals = DashboardTotals(
        elections=len(summaries),
        townships=len({s.election.township_id for s in summaries}),
        members=sum(s.members for s in summaries),
        migrants=sum(s.migrants for s in summaries),
        public_reps=sum(s.public_reps for s in summaries),
        seats=sum(s.seats for s in summaries),
    )
    return summaries, totals
