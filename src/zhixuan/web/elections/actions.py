"""State changes of counties, townships and elections: one transaction and one audit entry each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhixuan.rules.settings import SettingsError, preset_settings
from zhixuan.web.audit.log import append_entry
from zhixuan.web.elections import selectors
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

# P1 is a condition of every position and cannot be relaxed (N4), so every election carries it.
PARTY_STANDING_TEXT = "中共正式党员，党员权利正常"


@dataclass(frozen=True)
class ConditionInput:
    kind: str
    text: str
    value: int | None = None


def _county_chain(county: County) -> str:
    return f"county:{county.pk}"


def do_create_county(actor: Any, *, name: str) -> County:
    with transaction.atomic():
        county = County.objects.create(name=name)
        append_entry(
            chain=_county_chain(county),
            actor=actor,
            action="elections.create_county",
            obj=county,
            data={"name": name},
        )
    return county


def do_create_township(actor: Any, *, county: County, name: str) -> Township:
    with transaction.atomic():
        township = Township.objects.create(county=county, name=name)
        append_entry(
            chain=_county_chain(county),
            actor=actor,
            action="elections.create_township",
            obj=township,
            data={"name": name},
        )
    return township


def do_create_election(
    actor: Any,
    *,
    township: Township,
    title: str,
    preset: str,
    overrides: Mapping[str, object],
    seats: Mapping[str, int],
    conditions: Sequence[ConditionInput],
    work_targets: Sequence[str],
    starts_on: date | None,
) -> Election:
    """Create an election from ``preset``: positions, conditions, work targets and a timeline
    laid out from ``starts_on`` with each stage's default length (editable later)."""
    try:
        effective = preset_settings(preset, overrides)
    except SettingsError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        election = Election.objects.create(township=township, title=title, preset=preset, overrides=dict(overrides))
        order = 0
        for kind in PositionKind.values:
            if seats.get(kind, 0) > 0:
                order += 1
                Position.objects.create(election=election, kind=kind, seats=seats[kind], order=order)
        QualificationCondition.objects.create(
            election=election, kind=ConditionKind.PARTY_STANDING, text=PARTY_STANDING_TEXT, order=1
        )
        for i, cond in enumerate(conditions, start=2):
            QualificationCondition.objects.create(
                election=election, kind=cond.kind, text=cond.text, value=cond.value, order=i
            )
        for i, text in enumerate(work_targets, start=1):
            WorkTarget.objects.create(election=election, text=text, order=i)
        day = starts_on
        for i, template in enumerate(STAGES[preset], start=1):
            start = end = None
            if day is not None:
                start, end = day, day + timedelta(days=template.days - 1)
                day = end + timedelta(days=1)
            Stage.objects.create(
                election=election,
                order=i,
                kind=template.kind,
                title=template.zh,
                title_en=template.en,
                starts_on=start,
                ends_on=end,
            )
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="elections.create",
            obj=election,
            data={
                "township": township.name,
                "title": title,
                "preset": preset,
                "overrides": {k: str(v) for k, v in overrides.items()},
                "settings": {k: str(v) for k, v in effective.as_dict().items()},
                "seats": {k: v for k, v in seats.items() if v},
                "conditions": len(conditions) + 1,
                "work_targets": len(work_targets),
            },
        )
    return election


def _require_draft(election: Election) -> None:
    if election.announced_at is not None:
        raise ValidationError(_("公告已发布，不能再修改公告内容"))


def do_update_timeline(actor: Any, *, election: Election, dates: Mapping[int, tuple[date, date]]) -> None:
    """Set stage dates (stage id -> (start, end)) before the announcement is published."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        _require_draft(election)
        changed = {}
        for stage in election.stages.all():
            if stage.pk in dates:
                stage.starts_on, stage.ends_on = dates[stage.pk]
                stage.save(update_fields=["starts_on", "ends_on"])
                changed[stage.kind] = f"{stage.starts_on}..{stage.ends_on}"
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="elections.update_timeline",
            obj=election,
            data={"stages": changed},
        )


def do_publish_announcement(actor: Any, *, election: Election) -> Election:
    """N1: publish positions, seats, conditions, work targets and the timeline, then open the
    first stage. Refused, with the missing parts named, while the announcement is incomplete."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        _require_draft(election)
        gaps = selectors.announcement_gaps(election)
        if gaps:
            english = get_language() == "en"
            raise ValidationError([f"{g.en if english else g.zh} ({g.rule})" for g in gaps])
        election.announced_at = timezone.now()
        election.announcement = selectors.announcement_snapshot(election, published_at=election.announced_at)
        election.save(update_fields=["announced_at", "announcement"])
        first = election.stages.order_by("order").first()
        if first is not None:
            first.status = StageStatus.CURRENT
            first.save(update_fields=["status"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="elections.publish_announcement",
            obj=election,
            data={
                "published_at": election.announced_at.isoformat(),
                "snapshot_sha256": selectors.snapshot_digest(election.announcement),
            },
        )
    return election


def do_advance_stage(actor: Any, *, election: Election) -> Stage | None:
    """Close the current stage and open the next; returns the new current stage (None at the end)."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.announced_at is None:
            raise ValidationError(_("公告发布前不能推进阶段 (N1)"))
        stages = list(election.stages.order_by("order"))
        current = next((s for s in stages if s.status == StageStatus.CURRENT), None)
        if current is None:
            raise ValidationError(_("没有进行中的阶段"))
        current.status = StageStatus.DONE
        current.save(update_fields=["status"])
        following = next((s for s in stages if s.order > current.order), None)
        if following is not None:
            following.status = StageStatus.CURRENT
            following.save(update_fields=["status"])
        append_entry(
            chain=election.audit_chain,
            actor=actor,
            action="elections.advance_stage",
            obj=election,
            data={"closed": current.kind, "opened": following.kind if following else None},
        )
    return following
