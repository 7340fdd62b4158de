"""The recall part of an election's scenario document (``recall:`` in docs/scenario-format.md).

Petitions with their signatures in signing order; the recall votes a scrutineer accepted (S3) with
the members present (M1) and the tellers' totals; the by-election as one round with totals. Running
the document through the core decides A3 exactly as ``zhixuan run`` does on the download.
"""

from __future__ import annotations

from typing import Any

from zhixuan.web.elections.models import Election

VOTE_FIELDS = ("issued", "yes", "no", "abstain", "invalid")


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
        present = p.vote_present
        vote: dict[str, Any] = {
            "leader": p.leader,
            # Member numbers checked in, or the count an imported file gave (M1).
            "present": list(present) if isinstance(present, list) else (present or 0),
            # An imported file may leave a count out; the app's tellers always give all five.
            **{k: p.vote_counts[k] for k in VOTE_FIELDS if k in p.vote_counts},
        }
        if p.by_accepted_at is not None and p.by_counts is not None:
            by = p.by_counts
            by_present = p.by_present
            block: dict[str, Any] = {
                "id": p.by_election_key,
                "position": p.position_kind,
                "candidates": list(p.by_candidates),
                "present": list(by_present) if isinstance(by_present, list) else (by_present or 0),
            }
            block.update({k: by[k] for k in ("issued", "collected") if k in by})
            if "ballots" in by:  # an imported file's ballots, as recorded
                block["ballots"] = [dict(b) for b in by["ballots"]]
            else:
                block["totals"] = {"valid": by["valid"], "invalid": by["invalid"], "candidates": dict(by["candidates"])}
            vote["by_election"] = block
        votes.append(vote)
    if votes:
        out["votes"] = votes
    return {"recall": out}
