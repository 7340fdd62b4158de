"""The ``recall:`` block of a scenario file imported into the recall app (A3) — the reverse of ``recall.export``.

Two halves, called from ``elections.scenario_import``:

* :func:`prepare_recall` (pure) checks what the app cannot hold and rewrites the block in the export's own
  terms: a by-election's position id becomes its kind (as every other reference). A signer who is not on
  the roster, or a recall vote that follows no petition of its leader in the file's order, is a problem:
  nothing is imported then.
* :func:`import_recall` writes the rows: each petition with its signatures in signing order (a repeated
  signature is kept as recorded, ``Signature.repeated``, and the core counts it once), each recall vote as
  accepted (present as the file gives it, list or count, and the counts given), and each by-election with
  its candidates, present and ballots or totals as recorded. The import's own audit entry covers them (S2).

By-election candidates are held as ``Petition.by_candidates``, the ids the file names: member numbers (as in
``examples/recall.yaml``, where members stand without an application) or applicant numbers — the same ids
the app's own by-election form records. No applicant rows are made for them: the by-election is one round
of the members' meeting, not a new nomination (A3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zhixuan.scenario.errors import Problem
from zhixuan.web.elections.models import Election


def prepare_recall(doc: dict[str, Any], members: set[str], pid: Callable[[str], str], problems: list[Problem]) -> None:
    """Rewrite ``doc["recall"]`` as the recall app holds it; append what it cannot hold to ``problems``."""
    recall = doc.get("recall")
    if not recall:
        return
    petitions = recall.get("petitions", [])
    for i, petition in enumerate(petitions):
        for k, signer in enumerate(petition["signatures"]):
            if signer not in members:
                problems.append(
                    Problem(
                        f"recall.petitions[{i}].signatures[{k}]",
                        f"签名人 {signer} 不在党员名册中，系统只能记录名册中党员的签名 (A3)",
                        f"signer {signer} is not on the member roster; the app records members' signatures only",
                    )
                )
    for n, vote in enumerate(recall.get("votes", [])):
        if _petition_index(petitions, recall["votes"], n) is None:
            problems.append(
                Problem(
                    f"recall.votes[{n}].leader",
                    f"罢免 {vote['leader']} 的表决没有在它之前、尚未表决的罢免联名：系统按联名记录表决 (A3)",
                    f"the recall vote on {vote['leader']} follows no petition against them yet to be voted on; "
                    "the app records a vote with its petition",
                )
            )
        if "by_election" in vote:
            by = vote["by_election"]
            by["position"] = pid(by["position"])
            # The core keys a round without an id by its position; the app keeps that key (by_key).
            by.setdefault("id", by["position"])


def _petition_index(petitions: list[Mapping[str, Any]], votes: list[Mapping[str, Any]], n: int) -> int | None:
    """The petition vote ``n`` belongs to: votes take their leader's petitions in order, and the export lists
    votes in petition order, so the petition must come after the one of the vote before it."""
    after = -1
    for m in range(n + 1):
        found = next(
            (i for i in range(after + 1, len(petitions)) if petitions[i]["leader"] == votes[m]["leader"]), None
        )
        if found is None:
            return None
        after = found
    return after


def import_recall(election: Election, doc: Mapping[str, Any], members: Mapping[str, Any], now: Any, user: Any) -> None:
    """Petitions, signatures, recall votes and by-elections of ``doc["recall"]`` as rows (after the meeting)."""
    from zhixuan.web.elections.outcomes import election_outcome
    from zhixuan.web.nomination.models import Applicant
    from zhixuan.web.recall.models import Petition, Signature
    from zhixuan.web.recall.selectors import elected_leaders

    recall = doc.get("recall")
    if not recall:
        return
    # The leaders as elected before any recall: the election as held so far, run by the core.
    leaders = {ld.number: ld for ld in elected_leaders(election, election_outcome(election))}
    names = {a.number: a.name for a in Applicant.objects.filter(election=election)}
    names.update({number: m.name for number, m in members.items()})
    petitions: list[Petition] = []
    for entry in recall.get("petitions", []):
        leader = leaders.get(entry["leader"])
        petition = Petition.objects.create(
            election=election,
            leader=entry["leader"],
            leader_name=leader.name if leader is not None else names.get(entry["leader"], entry["leader"]),
            position_kind=leader.position_kind if leader is not None else "",
            opened_by=user,
            opened_at=now,
        )
        seen: set[str] = set()
        rows = []
        for signer in entry["signatures"]:
            rows.append(
                Signature(
                    petition=petition,
                    member=members[signer],
                    repeated=signer in seen,
                    recorded_by=user,
                    recorded_at=now,
                )
            )
            seen.add(signer)
        for row in rows:  # one by one: the export lists signatures in the order they were stored (pk)
            row.save()
        petitions.append(petition)
    for n, vote in enumerate(recall.get("votes", [])):
        index = _petition_index(recall.get("petitions", []), recall["votes"], n)
        assert index is not None  # checked by prepare_recall
        petition = petitions[index]
        petition.convened_at = now
        petition.vote_present = vote["present"]
        petition.vote_counts = {k: vote[k] for k in ("issued", "yes", "no", "abstain", "invalid") if k in vote}
        petition.vote_accepted_by = user
        petition.vote_accepted_at = now
        by = vote.get("by_election")
        if by is not None:
            petition.position_kind = by["position"]
            petition.by_key = str(by.get("id", ""))
            petition.by_candidates = [str(c) for c in by.get("candidates", [])]
            petition.by_present = by["present"]
            given = {k: by[k] for k in ("issued", "collected") if k in by}
            if "totals" in by:
                t = by["totals"]
                petition.by_counts = {
                    **given,
                    "valid": t["valid"],
                    "invalid": t["invalid"],
                    "candidates": dict(t["candidates"]),
                }
            else:
                petition.by_counts = {**given, "ballots": [dict(b) for b in by.get("ballots", [])]}
            petition.by_accepted_by = user
            petition.by_accepted_at = now
        elif not petition.position_kind and petition.leader in leaders:
            petition.position_kind = leaders[petition.leader].position_kind
        petition.save()
