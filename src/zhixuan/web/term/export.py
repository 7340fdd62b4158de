"""The term part of an election's scenario document: ``commitment`` (A1) and ``ratings`` (A2).

Called by ``elections.scenario_export`` so the app's term decisions come from running the record
through the rules core like every other decision. Only what is final is exported: a published
commitment with its complete yearly reviews, and the ratings of closed review sessions (whose
counts the tellers agreed and the core accepted when the session was closed).
"""

from __future__ import annotations

from typing import Any

from zhixuan.web.elections.models import Election


def commitment_record(election: Election) -> dict[str, Any] | None:
    from zhixuan.web.term.models import Commitment

    commitment = Commitment.objects.filter(election=election, published_at__isnull=False).first()
    if commitment is None:
        return None
    items = []
    for item in commitment.items.prefetch_related("reviews").order_by("order"):
        entry: dict[str, Any] = {"id": item.key, "text": item.text}
        reviews = [
            {"year": r.year, "status": r.status, **({"note": r.note} if r.note else {})}
            for r in sorted(item.reviews.all(), key=lambda r: r.year)
        ]
        if reviews:
            entry["reviews"] = reviews
        items.append(entry)
    return {"by": commitment.leader, "items": items}


def rating_records(election: Election) -> list[dict[str, Any]]:
    """One record per closed session, leader and scale, in that order (the runner keeps it)."""
    from zhixuan.web.term import selectors
    from zhixuan.web.term.models import SessionStatus

    records: list[dict[str, Any]] = []
    for session in election.review_sessions.filter(status=SessionStatus.CLOSED).order_by("year"):
        groups = list(session.groups.order_by("order"))
        counts = {g.pk: selectors.group_counts(g) for g in groups}
        for leader in session.leaders.order_by("order"):
            for scale in session.scales:
                records.append(
                    {
                        "year": session.year,
                        "leader": leader.leader,
                        "scale": scale,
                        "groups": [
                            {
                                "id": g.key,
                                "name": g.name,
                                "weight": g.weight,
                                "counts": dict(counts[g.pk].get(leader.leader, {}).get(scale, {})),
                            }
                            for g in groups
                        ],
                    }
                )
    return records


def term_scenario(election: Election) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    commitment = commitment_record(election)
    if commitment is not None:
        doc["commitment"] = commitment
    ratings = rating_records(election)
    if ratings:
        doc["ratings"] = ratings
    return doc
