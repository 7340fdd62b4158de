"""An election as a scenario file (``docs/scenario-format.md``), as far as it has gone.

Settings, positions and roster; then applicants with their routes and signatures, the review and
objections, the revealed lots, the closed recommendation stages, inspection and the county vote.
The app's own decisions are computed by running this very document through the rules core
(``elections.outcomes``), so ``zhixuan run`` on a download reproduces them by construction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import translation

from zhixuan.web.elections.education import education_level
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
            # Prose such as "大专及以上学历" becomes the level the core compares; unreadable text is kept
            # so the run names the problem instead of silently dropping the condition.
            out["min_education"] = education_level(condition.text) or condition.text
        elif condition.kind == ConditionKind.IDENTITY:
            out.setdefault("identities", []).append(condition.text)
    return out


def election_scenario(election: Election) -> dict[str, Any]:
    """The record is always written in Chinese: the same file, whatever language the page was in."""
    with translation.override("zh-hans"):
        return _election_scenario(election)


def _election_scenario(election: Election) -> dict[str, Any]:
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
    doc: dict[str, Any] = {
        "format": FORMAT,
        "election": header,
        "positions": positions,
        "roster": {
            "members": members,
            "public_reps": [{"id": r.number, "name": r.name} for r in roster.public_reps(election)],
        },
    }
    doc.update(_nomination(election, header.get("date")))
    doc.update(_recommendation(election))
    doc.update(_candidates(election))
    doc.update(_meeting(election, named="applicants" not in doc))
    from zhixuan.web.term.export import term_scenario

    doc.update(term_scenario(election))
    from zhixuan.web.recall.export import recall_scenario  # A3: petitions, recall votes, by-elections

    doc.update(recall_scenario(election))
    return doc


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _facts(applicant: Any, on: date | None) -> dict[str, Any]:
    """Review facts as entered, else derived from the roster row at the election date."""
    facts: dict[str, Any] = {}
    member = applicant.member
    if applicant.age is not None:
        facts["age"] = applicant.age
    elif member is not None and member.birth_date and on:
        facts["age"] = _years_between(member.birth_date, on)
    if applicant.party_years is not None:
        facts["party_years"] = applicant.party_years
    elif member is not None and member.joined_on and on:
        facts["party_years"] = _years_between(member.joined_on, on)
    if applicant.education:
        facts["education"] = applicant.education
    if applicant.identity:
        facts["identity"] = applicant.identity
    return facts


def _nomination(election: Election, on_text: str | None) -> dict[str, Any]:
    from zhixuan.web.nomination.models import Applicant, Objection, ReviewDecision

    on = date.fromisoformat(on_text) if on_text else None
    applicants = (
        Applicant.objects.filter(election=election, withdrawn_at=None)
        .select_related("member")
        .prefetch_related("positions__position", "routes__position", "routes__signatures__member")
        .prefetch_related("routes__signatures__public_rep")
        .order_by("pk")  # as recorded (a file keeps its order: it decides ties and report order)
    )
    out: list[dict[str, Any]] = []
    for a in applicants:
        routes: list[dict[str, Any]] = []
        for route in a.routes.all():
            if route.kind == "joint":
                if route.position is None:
                    continue
                signers = [s.signer_number for s in route.signatures.all()]
                routes.append({"type": "joint", "position": route.position.kind, "signatures": signers})
            elif route.kind == "organisation":
                routes.append({"type": "organisation", "by": route.by or "组织推荐"})
            else:
                routes.append({"type": "self"})
        wanted = [p.position.kind for p in a.positions.all()]
        if not routes or not wanted:
            continue  # an application still being entered is not yet a nomination
        entry: dict[str, Any] = {"id": a.number, "name": a.name, "positions": wanted, "routes": routes}
        if a.member is not None:
            entry["member"] = a.member.number
        facts = _facts(a, on)
        if facts:
            entry["facts"] = facts
        out.append(entry)
    if not out:
        return {}
    doc: dict[str, Any] = {"applicants": out}
    listed = {a["id"] for a in out}
    decisions = [
        {
            "applicant": r.applicant.number,
            "position": r.position.kind,
            "qualified": r.qualified,
            **({"reason": r.reason} if r.reason else {}),
        }
        for r in ReviewDecision.objects.filter(applicant__election=election)
        .select_related("applicant", "position")
        .order_by("applicant__number", "position__order")
        if r.applicant.number in listed
    ]
    objections = [
        {
            "applicant": o.applicant.number,
            "position": o.position.kind,
            "reason": o.reason,
            "upheld": bool(o.upheld),
            **({"by": o.by} if o.by else {}),
        }
        for o in Objection.objects.filter(applicant__election=election, upheld__isnull=False)
        .select_related("applicant", "position")
        .order_by("filed_at", "pk")
        if o.applicant.number in listed
    ]
    review: dict[str, Any] = {}
    if decisions:
        review["decisions"] = decisions
    if objections:
        review["objections"] = objections
    if review:
        doc["review"] = review
    return doc


def _lot(lot: Any) -> dict[str, Any]:
    return {"secret": lot.secret, "entropy": lot.entropy, "label": lot.label}


def _recommendation(election: Election) -> dict[str, Any]:
    from zhixuan.web.recommendation.models import Lot, LotPurpose, RecommendationStage, StageStatus

    doc: dict[str, Any] = {}
    lots = {lot.purpose: lot for lot in Lot.objects.filter(election=election, revealed_at__isnull=False)}
    if LotPurpose.SPEECH in lots:
        doc["speech_lot"] = _lot(lots[LotPurpose.SPEECH])
    stages = list(
        RecommendationStage.objects.filter(election=election)
        .prefetch_related("groups", "ballots__group", "totals__group", "totals__position")
        .order_by("order")
    )
    # Scores are combined across all stages (R2), so none is exported until every one is closed.
    if not stages or any(s.status != StageStatus.CLOSED for s in stages):
        return doc
    out = []
    for stage in stages:
        entry: dict[str, Any] = {
            "id": stage.key,
            "name": stage.name,
            "groups": [{"id": g.key, "name": g.name, "weight": g.weight} for g in stage.groups.all()],
        }
        if stage.weight not in ("", "1"):
            entry["weight"] = stage.weight
        ballots = [
            {"group": b.group.key, **({"count": b.count} if b.count != 1 else {}), "picks": b.picks}
            for b in sorted(stage.ballots.all(), key=lambda b: b.pk)
        ]
        if ballots:
            entry["ballots"] = ballots
        totals = [
            {"group": t.group.key, "position": t.position.kind, "valid": t.valid, "for": t.votes}
            for t in sorted(stage.totals.all(), key=lambda t: (t.group.order, t.position.order))
        ]
        if totals:
            entry["totals"] = totals
        out.append(entry)
    doc["stages"] = out
    if LotPurpose.SELECTION in lots:
        doc["selection"] = {"lot": _lot(lots[LotPurpose.SELECTION])}
    return doc


def _candidates(election: Election) -> dict[str, Any]:
    from zhixuan.web.candidates.models import CountyVote, InspectionOutcome

    doc: dict[str, Any] = {}
    inspections = [
        {"candidate": i.applicant.number, "passed": i.passed, **({"reason": i.reason} if i.reason else {})}
        for i in InspectionOutcome.objects.filter(applicant__election=election)
        .select_related("applicant")
        .order_by("pk")
    ]
    if inspections:
        doc["inspection"] = inspections
    vote = CountyVote.objects.filter(election=election).first()
    if vote is not None:
        doc["county_vote"] = {"voters": vote.voters, "for": dict(vote.votes)}
    return doc


def _vote(rnd: Any) -> dict[str, Any]:
    """One vote of a round (the round itself or a follow-up): attendance and the counted ballots.

    Paper ballots come from the tellers' agreed sheet and the counted scanned sheets, electronic ones
    as stored (anonymous). A sheet of per-candidate totals cannot be merged with individual electronic
    ballots; the tally app refuses that mix, and the export would say so rather than guess.
    """
    vote: dict[str, Any] = {"present": rnd.present or 0}
    if rnd.issued:
        vote["issued"] = rnd.issued
    sheet = next((s for s in rnd.tally_sheets.all() if s.agreed), None)
    electronic = [dict(b.marks) for b in sorted(rnd.electronic_ballots.all(), key=lambda b: b.pk)]
    if sheet is not None and sheet.mode == "totals":
        if electronic:
            raise ValueError(f"round {rnd.key}: paper totals cannot be combined with electronic ballots")
        totals = sheet.totals
        vote["totals"] = {"valid": totals.valid, "invalid": totals.invalid, "candidates": dict(totals.candidates)}
        return vote
    ballots: list[dict[str, Any]] = []
    if sheet is not None:
        for entry in sorted(sheet.entries.all(), key=lambda e: e.pk):
            ballots.append({**({"count": entry.count} if entry.count != 1 else {}), **entry.marks})
    # Scanned paper ballots counted beside the agreed sheet (read clean, or resolved by two tellers).
    ballots.extend(
        dict(m) for m in rnd.scanned_sheets.filter(marks__isnull=False).order_by("pk").values_list("marks", flat=True)
    )
    ballots.extend(electronic)
    vote["ballots"] = ballots
    return vote


def _meeting(election: Election, *, named: bool = False) -> dict[str, Any]:
    """``named``: no applicants on record (a meeting-only file was imported), so each round names its
    candidates — those on its ballot — as the file did; otherwise they come from the formal lists."""
    from zhixuan.web.meeting.models import Meeting, OfficerRole, Round, RoundStatus

    meeting = Meeting.objects.filter(election=election).first()
    if meeting is None:
        return {}
    officers = list(meeting.officers.filter(approved_at__isnull=False).select_related("member").order_by("pk"))
    out: dict[str, Any] = {}
    scrutineers = [o.member.number for o in officers if o.role != OfficerRole.TELLER]
    tellers = [o.member.number for o in officers if o.role == OfficerRole.TELLER]
    if scrutineers:
        out["scrutineers"] = scrutineers
    if tellers:
        out["tellers"] = tellers
    # Only votes whose count the scrutineers accepted are part of the record (S3).
    done = (RoundStatus.ACCEPTED, RoundStatus.PUBLISHED)
    rounds = (
        Round.objects.filter(meeting=meeting, status__in=done)
        .select_related("position")
        .prefetch_related("tally_sheets__entries", "tally_sheets__totals", "electronic_ballots")
        .prefetch_related("opt_ins__applicant")
        .order_by("order")
    )
    by_parent: dict[int, list[Any]] = {}
    regular = []
    for rnd in rounds:
        if rnd.followup_of_id is None:
            regular.append(rnd)
        else:
            by_parent.setdefault(rnd.followup_of_id, []).append(rnd)
    out_rounds = []
    for rnd in regular:
        entry: dict[str, Any] = {"id": rnd.key, "position": rnd.position.kind}
        if rnd.electorate == "committee":
            entry["electorate"] = "committee"
        if rnd.electorate == "committee" or named:
            entry["candidates"] = list(rnd.candidates)
        entry.update(_vote(rnd))
        stands = [o.applicant.number for o in rnd.opt_ins.all() if o.stands]
        if stands:
            entry["opt_ins"] = stands
        followups = [{"kind": f.kind, **_vote(f)} for f in by_parent.get(rnd.pk, [])]
        if followups:
            entry["followups"] = followups
        if rnd.leave_empty:
            entry["leave_empty"] = dict(rnd.leave_empty)
        out_rounds.append(entry)
    if out_rounds:
        out["rounds"] = out_rounds
    return {"meeting": out} if out_rounds else {}
