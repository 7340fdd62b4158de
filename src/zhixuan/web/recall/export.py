"""The recall part of an election's scenario document (``recall:`` in docs/scenario-format.md).

Petitions with their signatures in signing order; the recall votes a scrutineer accepted (S3) with
the members present (M1) and the tellers' totals; the by-election as one round with totals. Running
the document through the core decides A3 exactly as ``zhixuan run`` does on the download.
"""

from __future__ import annotations

from typing import Any

from zhixuan.web.elections.models import Election


def recall_scenario(election: Election) -> dict[str, Any]:
    from zhixuan.web.recall.models import Petition

    petitions = list(Petition.objects.filter(election=election).prefetch_related("signatures__member").order_by("pk"))
    if not petitions:
        return {}
    out: dict[str, Any] = {
        "petitions": [
            {
                "leader": p.leader,
                "signatures": [s.member.number for s in sorted(p.signatures.all(), key=lambda s: s.pk)],
            }
            for p in petitions
        ]
    }
    votes = []
    for p in petitions:
        if p.vote_accepted_at is None or p.vote_counts is None:
            continue
        counts = p.vote_counts
        vote: dict[str, Any] = {
            "leader": p.leader,
            "present": list(p.vote_present or []),
            "issued": counts["issued"],
            "yes": counts["yes"],
            "no": counts["no"],
            "abstain": counts["abstain"],
            "invalid": counts["invalid"],
        }
        if p.by_accepted_at is not None and p.by_counts is not None:
            by = p.by_counts
            vote["by_election"] = {
                "id": p.by_election_key,
                "position": p.position_kind,
                "candidates": list(p.by_candidates),
                "present": list(p.by_present or []),
                "issued": by["issued"],
                "totals": {"valid": by["valid"], "invalid": by["invalid"], "candidates": dict(by["candidates"])},
            }
        votes.append(vote)
    if votes:
        out["votes"] = votes
    return {"recall": out}
