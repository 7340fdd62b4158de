"""An election as a scenario file (``docs/scenario-format.md``): settings, positions, roster.

The stages recorded later (nominations, ballots, rounds) will extend the same document, so a
county's election can be re-run by ``zhixuan run`` and by anyone who downloads the record.
"""

from __future__ import annotations

from typing import Any

from zhixuan.web.elections.models import ConditionKind, Election, PositionKind

FORMAT = "zhixuan-scenario/1"


def _conditions(election: Election, position_id: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for condition in election.conditions.all():
        if condition.position_id not in (None, position_id):
            continue
        if condition.kind == ConditionKind.MIN_PARTY_YEARS and condition.value is not None:
            out["min_party_years"] = condition.value
        elif condition.kind == ConditionKind.MAX_AGE and condition.value is not None:
            out["max_age"] = condition.value
        elif condition.kind == ConditionKind.EDUCATION:
            out["min_education"] = condition.text
        elif condition.kind == ConditionKind.IDENTITY:
            out.setdefault("identities", []).append(condition.text)
    return out


def election_scenario(election: Election) -> dict[str, Any]:
    """The scenario document of ``election`` as far as it has gone (announcement and roster)."""
    from zhixuan.web.roster import selectors as roster

    kinds = dict(PositionKind.choices)
    targets = [t.text for t in election.work_targets.all()]
    positions = []
    for position in election.positions.all():
        entry: dict[str, Any] = {
            "id": position.kind,
            "name": str(kinds[position.kind]),
            "kind": position.kind,
            "seats": position.seats,
        }
        conditions = _conditions(election, position.pk)
        if conditions:
            entry["conditions"] = conditions
        if targets:
            entry["work_targets"] = targets  # the announcement's targets apply to the whole team
        positions.append(entry)
    members = []
    for member in roster.members(election):
        row: dict[str, Any] = {"id": member.number, "name": member.name, "status": member.status}
        if member.migrant:
            row["migrant"] = True
        excusal = getattr(member, "excusal", None)
        if excusal is not None:
            approved = excusal.approved_by if excusal.approved_on is not None and excusal.approved_by else None
            row["excusal"] = {"reason": excusal.reason, "approved_by": approved}
            if excusal.approval_ref:
                row["excusal"]["note"] = excusal.approval_ref
        members.append(row)
    header: dict[str, Any] = {
        "id": f"election-{election.pk}",
        "title": election.title,
        "county": election.township.county.name,
        "township": election.township.name,
        "preset": election.preset,
        "settings": dict(election.overrides),
    }
    first = election.stages.order_by("order").first()
    if first is not None and first.starts_on is not None:
        header["date"] = first.starts_on.isoformat()
    return {
        "format": FORMAT,
        "election": header,
        "positions": positions,
        "roster": {
            "members": members,
            "public_reps": [{"id": r.number, "name": r.name} for r in roster.public_reps(election)],
        },
    }
