"""A scenario example loaded into the web app's rows (ORM only, never through other apps' actions),
so that the app's own run of the record (``election_outcome``) reproduces the example's outcome.

Other candidates and board tests import ``load_example`` from here.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from web_helpers import create_election

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHANGHAI = ZoneInfo("Asia/Shanghai")
COMMITTED = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
REVEALED = datetime(2026, 3, 12, 9, 30, tzinfo=SHANGHAI)

# To reproduce the examples' per-position numbers with the web app's settings (the web positions
# carry no ``formal_count`` and no ``selection.ratio``): Qingquan keeps 2, 3 and 6 formal candidates
# (ceil(seats × 3/2)); Lingshan selects at 1:2.
OVERRIDES = {
    "qingquan-two-recommendation.yaml": {"formal_ratio": "3/2"},
    "three-round-township.yaml": {"selection_ratio": 2},
}
# Review outcomes the examples get from conditions the web model cannot express per position
# (relaxed conditions): the one Qingquan nominee with 1 party year is not qualified (N4).
NOT_QUALIFIED = {"qingquan-two-recommendation.yaml": [("zhaobaian", "member", "党龄不足 2 年")]}


def load_example(
    actor: Any,
    township: Any,
    name: str,
    *,
    reveal_lot: bool = True,
    close_stages: bool = True,
    candidates: bool = False,
    announce: bool = True,
) -> Any:
    """Create an election from ``examples/<name>`` up to the recommendation stages.

    ``candidates=True`` also stores the example's inspection outcomes and county vote.
    """
    from zhixuan.rules.lot import commitment
    from zhixuan.web.candidates.models import CountyVote, InspectionOutcome
    from zhixuan.web.elections.actions import do_publish_announcement
    from zhixuan.web.nomination.models import (
        Applicant,
        ApplicantPosition,
        NominationRoute,
        Objection,
        ReviewDecision,
        Signature,
    )
    from zhixuan.web.recommendation.models import GroupTotal, Lot, RecommendationStage, StageGroup
    from zhixuan.web.roster.models import Excusal, Member, PublicRep

    doc = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    kind_of = {p["id"]: p["kind"] for p in doc["positions"]}
    election = create_election(
        actor,
        township,
        title=doc["election"]["title"],
        preset=doc["election"]["preset"],
        overrides=OVERRIDES.get(name, {}),
        seats={p["kind"]: p["seats"] for p in doc["positions"]},
        conditions=[],
    )
    positions = {p.kind: p for p in election.positions.all()}
    members = {}
    for m in doc["roster"]["members"]:
        member = Member.objects.create(
            election=election,
            number=m["id"],
            name=m["name"],
            status=m.get("status", "full"),
            migrant=m.get("migrant", False),
        )
        members[m["id"]] = member
        if "excusal" in m:
            approved = m["excusal"].get("approved_by")
            Excusal.objects.create(
                member=member,
                reason=m["excusal"]["reason"],
                approved_by=approved or "",
                approved_on=date(2026, 3, 1) if approved else None,
            )
    reps = {
        r["id"]: PublicRep.objects.create(election=election, number=r["id"], name=r["name"])
        for r in doc["roster"].get("public_reps", [])
    }
    applicants = {}
    for a in doc.get("applicants", []):
        applicant = Applicant.objects.create(
            election=election, number=a["id"], name=a["name"], member=members.get(a.get("member", ""))
        )
        applicants[a["id"]] = applicant
        for pref, pid in enumerate(a["positions"], 1):
            ApplicantPosition.objects.create(applicant=applicant, position=positions[kind_of[pid]], preference=pref)
        for route in a["routes"]:
            created = NominationRoute.objects.create(
                applicant=applicant,
                kind=route["type"],
                position=positions[kind_of[route["position"]]] if route["type"] == "joint" else None,
                by=route.get("by", ""),
            )
            for signer in route.get("signatures", []):
                Signature.objects.create(
                    route=created, member=members.get(signer), public_rep=reps.get(signer), source="paper"
                )
    for number, pid, reason in NOT_QUALIFIED.get(name, []):
        ReviewDecision.objects.create(
            applicant=applicants[number], position=positions[kind_of[pid]], qualified=False, reason=reason
        )
    for o in doc.get("review", {}).get("objections", []):
        Objection.objects.create(
            applicant=applicants[o["applicant"]],
            position=positions[kind_of[o["position"]]],
            by=o.get("by", ""),
            reason=o["reason"],
            upheld=o["upheld"],
        )
    if "speech_lot" in doc:
        lot = doc["speech_lot"]
        Lot.objects.create(
            election=election,
            purpose="speech",
            label=lot["label"],
            secret=lot["secret"],
            commitment=commitment(bytes.fromhex(lot["secret"])),
            committed_at=COMMITTED,
        )
    for order, s in enumerate(doc.get("stages", []), 1):
        stage = RecommendationStage.objects.create(
            election=election,
            key=s["id"],
            name=s["name"],
            weight=str(s.get("weight", "1")),
            order=order,
            status="closed" if close_stages else "open",
        )
        groups = {
            g["id"]: StageGroup.objects.create(
                stage=stage, key=g["id"], name=g["name"], weight=str(g["weight"]), order=i
            )
            for i, g in enumerate(s["groups"], 1)
        }
        for t in s.get("totals", []):
            GroupTotal.objects.create(
                stage=stage,
                group=groups[t["group"]],
                position=positions[kind_of[t["position"]]],
                valid=t["valid"],
                votes=t["for"],
            )
        if close_stages:
            close_entry(actor, election, stage)
    if reveal_lot and "speech_lot" in doc:
        reveal_speech_lot(election, doc["speech_lot"]["entropy"])
    if candidates:
        for r in doc.get("inspection", []):
            InspectionOutcome.objects.create(
                applicant=applicants[r["candidate"]], passed=r["passed"], reason=r.get("reason", "")
            )
        if "county_vote" in doc:
            CountyVote.objects.create(
                election=election, voters=doc["county_vote"]["voters"], votes=doc["county_vote"]["for"]
            )
    if announce:
        do_publish_announcement(actor, election=election)
    election.refresh_from_db()
    return election


def close_entry(actor: Any, election: Any, stage: Any) -> None:
    """The audit entry the recommendation app writes when it closes a stage (S2)."""
    from django.db import transaction

    from zhixuan.web.audit.log import append_entry

    with transaction.atomic():
        append_entry(chain=election.audit_chain, actor=actor, action="recommendation.close_stage", obj=stage)


def reveal_speech_lot(election: Any, entropy: str) -> None:
    """Enter the entropy, reveal the secret and keep the drawn order, as the recommendation app does."""
    from zhixuan.web.elections.outcomes import election_outcome
    from zhixuan.web.recommendation.models import Lot

    lot = Lot.objects.get(election=election, purpose="speech")
    lot.entropy = entropy
    lot.revealed_at = REVEALED
    lot.save()
    lot.result = list(election_outcome(election).outcome("speech_order") or [])
    lot.save()


def names(election: Any, numbers: list[str]) -> list[str]:
    from zhixuan.web.nomination.models import Applicant

    by_number = dict(Applicant.objects.filter(election=election).values_list("number", "name"))
    return [by_number[n] for n in numbers]


def test_qingquan_rows_reproduce_the_examples_formal_candidates(county_admin: Any, townships: Any) -> None:
    from zhixuan.web.elections.outcomes import election_outcome

    election = load_example(county_admin, townships["清泉镇"], "qingquan-two-recommendation.yaml", candidates=True)
    outcome = election_outcome(election)
    assert outcome.problems == ()
    formal = outcome.outcome("formal")
    assert isinstance(formal, dict)
    # The example's formal candidates (its meeting ballots name exactly these), by surname strokes (C4).
    assert names(election, formal["secretary"]) == ["吴凤", "张俊东"]
    assert names(election, formal["deputy_secretary"]) == ["韦建", "陈辉", "范梅凤"]
    assert names(election, formal["member"]) == ["于金勇", "王婷", "王煦", "李松红", "张孝菊", "侯建中"]
    decisions = {(d.rule, d.code, d.subject) for d in outcome.report.decisions}  # type: ignore[union-attr]
    assert ("C3", "inspection_failed", "xudanhong") in decisions
    assert ("C3", "inspection_failed", "lilei") in decisions


def test_lingshan_rows_reproduce_the_examples_preliminary_candidates(county_admin: Any, townships: Any) -> None:
    from zhixuan.web.elections.outcomes import election_outcome

    election = load_example(county_admin, townships["灵山乡"], "three-round-township.yaml")
    outcome = election_outcome(election)
    preliminary = outcome.outcome("preliminary")
    assert isinstance(preliminary, dict)
    assert set(names(election, preliminary["secretary"])) == {"周文斌", "何丽"}
    assert set(names(election, preliminary["deputy_secretary"])) == {"唐明", "邓海波", "许静", "韩立新"}
    assert len(preliminary["member"]) == 8
    # L1: the order the app keeps is the core's draw from the example's secret and entropy.
    assert outcome.outcome("speech_order")
