"""Reads of the recall (A3): elected leaders, the petition's live check, quorum, the agreed counts.

The petition's threshold is checked live by the core (``rules.recall.check_petition``); the meeting's
quorum by ``rules.meeting.check_quorum`` (M1). Whether a leader is recalled and who wins the
by-election come from the run of the election's record (``elections.outcomes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhixuan.rules import people
from zhixuan.rules.decision import Decision
from zhixuan.rules.meeting import check_quorum, check_scrutineers
from zhixuan.rules.recall import PetitionResult, check_petition, required_signatures
from zhixuan.rules.settings import Settings, preset_settings
from zhixuan.web.elections.models import Election, PositionKind
from zhixuan.web.elections.outcomes import ElectionOutcome
from zhixuan.web.recall.models import CheckIn, CountStage, Petition, TellerCount
from zhixuan.web.roster import selectors as roster
from zhixuan.web.roster.models import Member


def election_settings(election: Election) -> Settings:
    return preset_settings(election.preset, election.overrides)


def petitions(election: Election) -> QuerySet[Petition]:
    return Petition.objects.filter(election=election).order_by("pk")


def has_rights(member: Member) -> bool:
    return people.has_voting_rights(roster.to_rules_member(member))


def entitled_numbers(election: Election) -> set[str]:
    """Member numbers with voting rights (P1): who may sign, and the base of the 20% (A3)."""
    return {m.number for m in roster.members(election) if has_rights(m)}


@dataclass(frozen=True)
class Leader:
    number: str
    name: str
    position_kind: str
    position_label: str
    member_number: str | None


def elected_leaders(election: Election, outcome: ElectionOutcome) -> list[Leader]:
    """The leaders elected so far, as the core decided them (``outcome("elected")``)."""
    from zhixuan.web.nomination.models import Applicant

    elected = outcome.outcome("elected") or {}
    assert isinstance(elected, dict)
    numbers = [n for ids in elected.values() for n in ids]
    applicants = {a.number: a for a in Applicant.objects.filter(election=election, number__in=numbers)}
    members = {m.number: m for m in Member.objects.filter(election=election, number__in=numbers)}
    labels = dict(PositionKind.choices)
    out = []
    for kind, ids in elected.items():
        for number in ids:
            applicant = applicants.get(number)
            if applicant is not None:
                name = applicant.name
                member_number = applicant.member.number if applicant.member is not None else None
            else:
                member = members.get(number)
                name = member.name if member is not None else number
                member_number = number if member is not None else None
            out.append(Leader(number, name, kind, str(labels.get(kind, kind)), member_number))
    return out


def signer_numbers(petition: Petition) -> list[str]:
    return list(petition.signatures.order_by("pk").values_list("member__number", flat=True))


def petition_check(petition: Petition, extra: list[str] | None = None) -> PetitionResult:
    """A3 by the core over the stored signatures (and ``extra`` numbers being entered)."""
    election = petition.election
    return check_petition(
        petition.leader_name,
        signer_numbers(petition) + list(extra or []),
        entitled_numbers(election),
        election_settings(election),
    )


def required(election: Election) -> int:
    return required_signatures(len(entitled_numbers(election)), election_settings(election))


# --- the recall meeting (M1, M2) ----------------------------------------------------------------


def present_members(petition: Petition) -> list[Member]:
    """Members in the hall now: checked in and not checked out."""
    rows = petition.check_ins.filter(checked_out_at=None).select_related("member__excusal")
    return [c.member for c in rows.order_by("member__number")]


def check_ins(petition: Petition) -> list[CheckIn]:
    """Every check-in row, those present first, for the desk's list (check-out, S1: no code shown)."""
    rows = petition.check_ins.select_related("member__excusal").order_by("member__number")
    return sorted(rows, key=lambda c: c.checked_out_at is not None)


def eligible_count(petition: Petition, numbers: list[str]) -> int:
    """How many of ``numbers`` have voting rights (P1): the 实到会 the core counts for M1."""
    members = Member.objects.filter(election=petition.election, number__in=numbers).select_related("excusal")
    return sum(1 for m in members if has_rights(m))


def present_numbers(petition: Petition) -> list[str]:
    return [m.number for m in present_members(petition)]


def quorum(petition: Petition) -> Decision:
    """M1 now: eligible members checked in against 应到会 (P2), as A3 asks for the recall meeting."""
    election = petition.election
    count = sum(1 for m in present_members(petition) if has_rights(m))
    expected = roster.attendance(election).expected
    return check_quorum(count, expected, election_settings(election), subject=f"recall:{petition.leader}")


def stage_present(petition: Petition, stage: str) -> list[str] | None:
    """Member numbers in the hall when a scrutineer opened ``stage``; None before it is opened."""
    opened = petition.stages.get(stage)
    return None if opened is None else list(opened["present"])


def stage_quorum(petition: Petition, stage: str) -> Decision | None:
    """M1 of one stage by the core, over the members present when it was opened (the core's check on the
    accepted record uses the same snapshot); None before it is opened."""
    present = stage_present(petition, stage)
    if present is None:
        return None
    election = petition.election
    return check_quorum(
        eligible_count(petition, present),
        roster.attendance(election).expected,
        election_settings(election),
        subject=f"recall:{petition.leader}" if stage == CountStage.VOTE else petition.by_election_key,
    )


def meeting_quorum(petition: Petition, outcome: ElectionOutcome) -> Decision:
    """M1 as the core decided it on the accepted vote (whose present may be a count from an imported file);
    before that, M1 now over the check-ins."""
    if petition.vote_accepted_at is not None:
        subject = f"recall:{petition.leader}"
        found = [d for d in recall_decisions(petition, outcome) if d.subject == subject and d.rule == "M1"]
        if found:
            return found[-1]
    return quorum(petition)


def not_counted(petition: Petition) -> dict[int, str]:
    """Signature pk -> the core's code for a signature it does not count: repeated or without rights (A3, P1)."""
    result = petition_check(petition)
    ineligible = {d.subject for d in result.decisions if d.code == "signature_ineligible"}
    out = {}
    for s in petition.signatures.select_related("member").order_by("pk"):
        if s.repeated:
            out[s.pk] = "signature_duplicate"
        elif s.member.number in ineligible:
            out[s.pk] = "signature_ineligible"
    return out


def expected(election: Election) -> int:
    return roster.attendance(election).expected


def meeting_candidates(petition: Petition) -> set[str]:
    """Member numbers who may not serve as scrutineers (M2): the leader and the by-election's candidates."""
    from zhixuan.web.nomination.models import Applicant

    out = set(petition.by_candidates)
    applicant = Applicant.objects.filter(election=petition.election, number=petition.leader).first()
    if applicant is not None and applicant.member is not None:
        out.add(applicant.member.number)
    else:
        out.add(petition.leader)
    return out


def officer_checks(petition: Petition, numbers: list[str]) -> list[Decision]:
    return check_scrutineers(numbers, meeting_candidates(petition), entitled_numbers(petition.election))


def counts(petition: Petition, stage: str) -> list[TellerCount]:
    return list(petition.counts.filter(stage=stage).select_related("teller").order_by("entered_at", "pk"))


def agreed(petition: Petition, stage: str) -> dict[str, Any] | None:
    """The count two tellers entered identically, or None."""
    rows = counts(petition, stage)
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if a.teller_id != b.teller_id and a.data == b.data:
                return dict(a.data)
    return None


def differences(petition: Petition, stage: str) -> list[str]:
    """Fields on which the tellers' entries differ, for the comparison shown to them."""
    rows = counts(petition, stage)
    if len(rows) < 2:
        return []
    first, second = rows[0].data, rows[1].data
    out = []
    for key in sorted(set(first) | set(second)):
        if first.get(key) != second.get(key):
            out.append(key)
    return out


# --- outcomes from the core ---------------------------------------------------------------------


def recall_decisions(petition: Petition, outcome: ElectionOutcome) -> list[Decision]:
    """The recall section's decisions about this petition's leader (petition, M1 quorum, A3 vote)."""
    section = outcome.section("recall")
    if section is None:
        return []
    subjects = {petition.leader_name, f"recall:{petition.leader}"}
    return [d for d in section.decisions if d.subject in subjects or d.facts.get("target") == petition.leader_name]


def vote_decision(petition: Petition, outcome: ElectionOutcome) -> Decision | None:
    """The core's A3 verdict on the accepted vote: recalled, not recalled, or no quorum."""
    if petition.vote_counts is None:
        return None
    codes = ("recalled", "not_recalled", "recall_no_quorum", "recall_disabled")
    found = [d for d in recall_decisions(petition, outcome) if d.code in codes and d.subject == petition.leader_name]
    return found[-1] if found else None


def by_election_section(petition: Petition, outcome: ElectionOutcome) -> Any:
    return outcome.section(f"round:{petition.by_election_key}")


def by_election_result(petition: Petition, outcome: ElectionOutcome) -> dict[str, Any] | None:
    for entry in outcome.outcome("by_elections") or []:  # type: ignore[attr-defined]
        if entry.get("key") == petition.by_election_key:
            return dict(entry)
    return None


def stage_label(stage: str) -> str:
    return str(dict(CountStage.choices)[stage])


def _has_role(user: Any, election: Election, role: str) -> bool:
    from zhixuan.web.accounts.models import RoleAssignment

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return RoleAssignment.objects.filter(user=user, role=role, election=election).exists()


def can_count(user: Any, election: Election) -> bool:
    """Tellers (计票人) of the election, or the working group counting under the scrutineers' eyes."""
    from zhixuan.web.accounts import selectors as access

    return _has_role(user, election, "teller") or access.can_run_election(user, election)


def is_scrutineer(user: Any, election: Election) -> bool:
    return _has_role(user, election, "scrutineer")


# --- electronic voting at the recall meeting (S1) -------------------------------------------------


def voting_code(code: str) -> Any:
    """A recall meeting's voting code as typed or scanned, with its petition and election, or None."""
    from zhixuan.web.evoting.actions import code_hash
    from zhixuan.web.recall.models import VotingCode

    return VotingCode.objects.filter(code_hash=code_hash(code)).select_related("petition__election").first()


def codes_issued(petition: Petition) -> int:
    """Voting codes handed out and not handed back: at most one per member present (M6)."""
    return petition.voting_codes.filter(active=True).count()


def codes_handed_back(petition: Petition) -> int:
    return petition.voting_codes.filter(active=False).count()


def live_stage_codes(petition: Petition, stage: str) -> int:
    """Codes that can vote or have voted in ``stage``: active ones, and those handed back after voting in it."""
    from django.db.models import Q

    return petition.voting_codes.filter(Q(active=True) | Q(uses__stage=stage)).distinct().count()


def stage_codes(petition: Petition, stage: str) -> int:
    """The electronic part of a stage's ``issued`` (M6): 0 when it was not voted electronically; the
    number fixed when its electronic voting closed; while open, the codes that can vote in it now."""
    if not petition.evoting.get(stage):
        return 0
    fixed = petition.stages.get(stage, {}).get("codes")
    return int(fixed) if fixed is not None else live_stage_codes(petition, stage)


def stage_in_progress(petition: Petition) -> str | None:
    """The stage opened for ballots and not yet over: opened (M1 snapshot), its electronic voting not
    closed and its count not accepted. A code printed now could vote in it."""
    for stage in (CountStage.VOTE, CountStage.BY_ELECTION):
        accepted = petition.vote_accepted_at if stage == CountStage.VOTE else petition.by_accepted_at
        if stage in petition.stages and accepted is None and petition.evoting.get(stage) != "closed":
            return stage
    return None


def open_stage(petition: Petition) -> str | None:
    """The stage whose electronic voting is open now, if any."""
    return next((stage for stage, state in petition.evoting.items() if state == "open"), None)


def electronic_marks(petition: Petition, stage: str) -> list[dict[str, Any]]:
    return [dict(m) for m in petition.electronic_ballots.filter(stage=stage).values_list("marks", flat=True)]


def electronic_vote_counts(petition: Petition) -> dict[str, int]:
    """The recall vote's electronic ballots: 赞成罢免 / 不赞成 / 弃权 (one choice each, none invalid)."""
    choices = [m.get("choice") for m in electronic_marks(petition, CountStage.VOTE)]
    return {"ballots": len(choices), **{c: choices.count(c) for c in ("yes", "no", "abstain")}}


def stage_summary(petition: Petition, stage: str) -> dict[str, Any]:
    """What a stage's closing audit entry records: counts and a digest of the ballots' contents."""
    from zhixuan.web.evoting.actions import ballots_digest

    count, digest = ballots_digest(electronic_marks(petition, stage))
    used = petition.voting_codes.filter(uses__stage=stage).count()
    return {"electronic_ballots": count, "codes_used": used, "ballots_sha256": digest}


def combined_vote_counts(petition: Petition, paper: dict[str, Any]) -> dict[str, Any]:
    """The recall vote's totals: the tellers' agreed paper count plus the electronic ballots (M6).

    ``issued`` is the paper ballots handed out plus the voting codes given out; the parts are kept.
    """
    electronic = electronic_vote_counts(petition)
    codes = stage_codes(petition, CountStage.VOTE)
    return {
        "issued": paper["issued"] + codes,
        **{k: paper[k] + electronic[k] for k in ("yes", "no", "abstain")},
        "invalid": paper["invalid"],
        "paper": dict(paper),
        "electronic": {**electronic, "codes": codes},
    }


def by_election_spec(petition: Petition) -> Any:
    """The by-election's ballot for the core: the recalled seat (one), the candidates in ballot order."""
    from zhixuan.rules.ballots import RoundSpec

    return RoundSpec(
        key=petition.by_election_key,
        position=petition.position_kind,
        seats=1,
        candidates=tuple(petition.by_candidates),
    )


def electronic_by_tally(petition: Petition) -> Any:
    """The core's count of the by-election's electronic ballots (M4, M5): an over-vote is invalid."""
    from zhixuan.rules.ballots import Attendance, Ballot, Mark, tally_round

    spec = by_election_spec(petition)
    entries = []
    for marks in electronic_marks(petition, CountStage.BY_ELECTION):
        chosen = {n: Mark.FOR for n in marks.get("for", [])} | {n: Mark.AGAINST for n in marks.get("against", [])}
        entries.append((Ballot(tuple(chosen.get(c, Mark.ABSTAIN) for c in spec.candidates)), 1))
    n = len(entries)
    present = eligible_count(petition, stage_present(petition, CountStage.BY_ELECTION) or [])
    attendance = Attendance(expected=expected(petition.election), present=present, issued=n, collected=n)
    return tally_round(spec, entries, attendance, election_settings(petition.election), ())


def combined_by_counts(petition: Petition, paper: dict[str, Any]) -> dict[str, Any]:
    """The by-election's totals: the tellers' agreed paper totals plus the core's count of the
    electronic ballots, per candidate (M5, M6); the parts are kept."""
    tally = electronic_by_tally(petition)
    codes = stage_codes(petition, CountStage.BY_ELECTION)
    electronic = {
        "valid": tally.valid,
        "invalid": tally.invalid,
        "codes": codes,
        "candidates": {n: {"for": c.for_, "against": c.against, "abstain": c.abstain} for n, c in tally.counts.items()},
    }
    return {
        "issued": paper["issued"] + codes,
        "valid": paper["valid"] + tally.valid,
        "invalid": paper["invalid"] + tally.invalid,
        "candidates": {
            n: {m: paper["candidates"][n][m] + electronic["candidates"][n][m] for m in ("for", "against", "abstain")}
            for n in petition.by_candidates
        },
        "paper": dict(paper),
        "electronic": electronic,
    }


def by_candidates_in_order(petition: Petition) -> list[tuple[str, str]]:
    """(member number, name) of the by-election's candidates in ballot order: surname strokes (C4), as
    the runner orders them, so the paper and the phone ballot match ``zhixuan run``."""
    from zhixuan.web.meeting.selectors import labels

    people = labels(petition.election)
    return [(n, people.name(n)) for n in people.stroke_sorted(petition.by_candidates)]


def by_ballot_warnings(petition: Petition, ballot: dict[str, Any]) -> list[Any]:
    """What the core will say of this by-election ballot (M5), shown before the voter confirms:
    an over-vote is counted invalid, a blank ballot valid. Nothing is prevented."""
    from django.utils.translation import gettext as _

    from zhixuan.rules.ballots import Ballot, Mark, read_ballot
    from zhixuan.web.evoting.selectors import BallotWarning

    spec = by_election_spec(petition)
    chosen = {n: Mark.FOR for n in ballot.get("for", [])} | {n: Mark.AGAINST for n in ballot.get("against", [])}
    reading = read_ballot(
        Ballot(tuple(chosen.get(c, Mark.ABSTAIN) for c in spec.candidates)),
        spec,
        election_settings(petition.election),
        (),
    )
    out = []
    if reading.reason == "over_vote":
        out.append(
            BallotWarning(
                "M5",
                _("您赞成了 %(n)s 人（含另选），超过本轮应选 %(seats)s 名，这张选票将作为无效票。")
                % {"n": reading.for_marks, "seats": spec.seats},
            )
        )
    if reading.blank:
        out.append(BallotWarning("M5", _("您没有作任何标记：这是一张空白票，有效，对所有候选人均视为弃权。")))
    return out


def receipt_status(digest: str) -> Any:
    """A recall meeting's electronic ballot for the public board's receipt lookup (``evoting``):
    which stage, and whether its count is accepted — never what it says (S1)."""
    from zhixuan.web.evoting.selectors import ReceiptStatus
    from zhixuan.web.recall.models import ElectronicBallot

    ballot = ElectronicBallot.objects.filter(receipt_hash=digest).select_related("petition__election").first()
    if ballot is None:
        return None
    petition = ballot.petition
    accepted = petition.vote_accepted_at if ballot.stage == CountStage.VOTE else petition.by_accepted_at
    from django.utils.translation import gettext as _

    title = f"{stage_label(ballot.stage)}（{petition}）"
    status = _("投票中") if petition.evoting.get(ballot.stage) == "open" else _("投票结束，计票中")
    return ReceiptStatus(
        round_title=title,
        round_key=ballot.stage if ballot.stage == CountStage.VOTE else petition.by_election_key,
        election_title=petition.election.title,
        counted=accepted is not None,
        status_label=status,
    )
