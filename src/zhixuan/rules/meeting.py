"""The election meeting: quorum (M1), scrutineers and tellers (M2), cascade (M3), deciding a round (M6-M10).

A round is decided from its :class:`~zhixuan.rules.ballots.Tally`. When the rules cannot finish
a round by themselves (a tie at the last seat, too few qualifiers, a void round, no quorum) the
outcome carries a :class:`NeedsInput` that says exactly what the meeting must do next (M10);
nothing is ever settled by sort order or guessed.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from zhixuan.rules.ballots import Attendance, RoundKind, RoundSpec, Tally
from zhixuan.rules.decision import Decision, Fact
from zhixuan.rules.recall import decide_recall_vote
from zhixuan.rules.settings import Settings

OutcomeStatus = Literal["complete", "void", "needs_revote", "needs_supplementary", "no_quorum"]
NeedsKind = Literal["revote", "supplementary", "rerun", "quorum"]

_BASE_ZH = {"present": "实到会", "expected": "应到会", "valid_ballots": "有效票"}
_BASE_EN = {"present": "present", "expected": "expected attendance", "valid_ballots": "valid ballots"}


def _num(value: Fraction) -> str:
    """An exact number for a sentence: ``272``, ``272.8``, or ``200/3`` when no decimal is exact."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    scaled = abs(value.numerator * 10**places // value.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _names(names: Sequence[str], sep: str = "、") -> str:
    return sep.join(names)


# --- M1 quorum ------------------------------------------------------------------------------


def check_quorum(present: int, expected: int, settings: Settings, subject: str) -> Decision:
    """M1: are enough eligible members present for the meeting or a round to open?

    The standard preset needs more than ``quorum_fraction`` of 应到会 (``quorum_strict``); the
    three-round preset needs at least that share.
    """
    share = settings.quorum_fraction
    required = share * expected
    strict = settings.quorum_strict
    met = present > required if strict else present >= required
    # Smallest head count that meets quorum, so the working group knows how many are missing.
    minimum = math.floor(required) + 1 if strict else math.ceil(required)
    share_text = f"{share.numerator}/{share.denominator}"
    facts: dict[str, int | Fraction | str | bool] = {
        "present": present,
        "expected": expected,
        "quorum_fraction": share,
        "strict": strict,
        "required": required,
        "minimum_present": minimum,
    }
    if strict:
        cmp_zh, cmp_en = ("超过", "more than") if met else ("未超过", "not more than")
    else:
        cmp_zh, cmp_en = ("不低于", "at least") if met else ("低于", "less than")
    body_zh = f"实到会 {present} 人，{cmp_zh}应到会 {expected} 人的 {share_text}（{_num(required)} 人）"
    body_en = f"{present} present, {cmp_en} {share_text} of {expected} expected ({_num(required)})"
    if met:
        return Decision(
            rule="M1",
            code="quorum_met",
            subject=subject,
            zh=f"{body_zh}，符合法定人数，可以进行选举",
            en=f"{body_en}: quorum met, the election may proceed",
            facts=facts,
        )
    return Decision(
        rule="M1",
        code="quorum_failed",
        subject=subject,
        zh=f"{body_zh}，不足法定人数（至少需 {minimum} 人），不能进行选举",
        en=f"{body_en}: no quorum (at least {minimum} needed), the election cannot proceed",
        facts=facts,
    )


# --- M2 scrutineers and tellers -------------------------------------------------------------


def check_scrutineers(
    scrutineers: Sequence[str],
    meeting_candidates: Collection[str],
    members_with_rights: Collection[str],
) -> list[Decision]:
    """M2: one decision per proposed scrutineer; a candidate of any round or a non-member is refused."""
    candidates = frozenset(meeting_candidates)
    members = frozenset(members_with_rights)
    decisions: list[Decision] = []
    seen: set[str] = set()
    for name in scrutineers:
        if name in seen:
            code, zh, en = "scrutineer_duplicate", f"{name} 已列入监票人", f"{name} is already a scrutineer"
        elif name in candidates:
            code = "scrutineer_is_candidate"
            zh = f"{name} 是本次大会的候选人，不能担任监票人"
            en = f"{name} is a candidate in this meeting and cannot be a scrutineer"
        elif name not in members:
            code = "scrutineer_not_member"
            zh = f"{name} 不是有选举权的党员，不能担任监票人"
            en = f"{name} is not a member with voting rights and cannot be a scrutineer"
        else:
            code = "scrutineer_eligible"
            zh = f"{name} 可以担任监票人，须经大会通过"
            en = f"{name} may serve as scrutineer, subject to the meeting's approval"
        seen.add(name)
        decisions.append(Decision(rule="M2", code=code, subject=name, zh=zh, en=en, facts={"name": name}))
    return decisions


def check_tellers(tellers: Sequence[str], meeting_candidates: Collection[str]) -> list[Decision]:
    """M2: one decision per proposed teller (计票人); a candidate of any round is refused.

    Tellers work under the scrutineers. M2 bars a candidate from both posts; membership with voting
    rights it asks only of scrutineers.
    """
    candidates = frozenset(meeting_candidates)
    decisions: list[Decision] = []
    seen: set[str] = set()
    for name in tellers:
        if name in seen:
            code, zh, en = "teller_duplicate", f"{name} 已列入计票人", f"{name} is already a teller"
        elif name in candidates:
            code = "teller_is_candidate"
            zh = f"{name} 是本次大会的候选人，不能担任计票人"
            en = f"{name} is a candidate in this meeting and cannot be a teller"
        else:
            code = "teller_eligible"
            zh = f"{name} 可以担任计票人，在监票人监督下计票"
            en = f"{name} may serve as teller, counting under the scrutineers' supervision"
        seen.add(name)
        decisions.append(Decision(rule="M2", code=code, subject=name, zh=zh, en=en, facts={"name": name}))
    return decisions


# --- M6 ballots issued ----------------------------------------------------------------------


def check_issued(attendance: Attendance, subject: str) -> Decision | None:
    """M6: the ballots issued are the eligible members present, one each; None when the counts agree.

    A difference is reported, not settled: the round's validity stays collected against issued (M6)
    and its threshold counts the members present (M7).
    """
    issued, present = attendance.issued, attendance.present
    if issued == present:
        return None
    facts: dict[str, Fact] = {"issued": issued, "present": present}
    if issued > present:
        return Decision(
            rule="M6",
            code="issued_exceeds_present",
            subject=subject,
            zh=f"发出选票 {issued} 张，多于实到会有选举权的党员 {present} 人：每人只发一张选票，须核对发票记录",
            en=f"{issued} ballots issued but {present} eligible members present: one ballot each; "
            "check the record of ballots issued",
            facts=facts,
        )
    return Decision(
        rule="M6",
        code="issued_below_present",
        subject=subject,
        zh=f"发出选票 {issued} 张，少于实到会有选举权的党员 {present} 人：发出票数应等于实到会人数，须核对发票记录",
        en=f"{issued} ballots issued but {present} eligible members present: ballots issued should equal "
        "members present; check the record of ballots issued",
        facts=facts,
    )


# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsInput:
    """What the meeting must do before the round's seats are settled (M10).

    ``kind``: ``revote`` among ``candidates`` for ``seats`` (M8); ``supplementary`` vote with
    ``candidates`` for ``seats`` (M9); ``rerun`` of a void round (M6); ``quorum``: the round
    cannot open until more members are present (M1).
    """

    kind: NeedsKind
    round_key: str
    position: str
    candidates: tuple[str, ...]
    seats: int
    rule: str
    zh: str
    en: str

    def round_spec(self, key: str) -> RoundSpec:
        """The round that supplies this input, under the new ``key`` (caller orders names per C4)."""
        kind: RoundKind = "regular"
        if self.kind == "revote":
            kind = "revote"
        elif self.kind == "supplementary":
            kind = "supplementary"
        return RoundSpec(key=key, position=self.position, seats=self.seats, candidates=self.candidates, kind=kind)


@dataclass(frozen=True)
class RoundOutcome:
    """The decision on one round: status, winners in descending for-votes, decisions, what is needed."""

    spec: RoundSpec
    status: OutcomeStatus
    winners: tuple[str, ...]
    decisions: list[Decision] = field(default_factory=list)
    needs: NeedsInput | None = None


def _base(attendance: Attendance, tally: Tally, settings: Settings) -> int:
    """M7: the head count the for-votes must strictly exceed half of."""
    if settings.threshold_base == "expected":
        return attendance.expected
    if settings.threshold_base == "valid_ballots":
        return tally.valid
    return attendance.present


def _rank(pool: Sequence[tuple[str, int]]) -> list[tuple[int, tuple[str, ...]]]:
    """Group names by for-votes, most first; equal votes stay one explicit group (ballot order)."""
    by_votes: dict[int, list[str]] = {}
    for name, votes in pool:
        by_votes.setdefault(votes, []).append(name)
    return [(votes, tuple(by_votes[votes])) for votes in sorted(by_votes, reverse=True)]


def _fill(
    groups: Sequence[tuple[int, tuple[str, ...]]], seats: int
) -> tuple[list[str], tuple[str, ...], int, list[str]]:
    """Fill seats from ranked groups (M8): elected, the group tied at the last seat, seats left, outranked."""
    elected: list[str] = []
    tied: tuple[str, ...] = ()
    outranked: list[str] = []
    for _votes, names in groups:
        left = seats - len(elected)
        if tied or left == 0:
            outranked.extend(names)
        elif len(names) <= left:
            elected.extend(names)
        else:
            tied = names
    return elected, tied, seats - len(elected), outranked


def decide_round(spec: RoundSpec, tally: Tally, attendance: Attendance, settings: Settings) -> RoundOutcome:
    """Decide a round (M1, M6-M10).

    Regular, supplementary and by-election rounds elect, in descending for-votes, those with
    for-votes strictly above half of the threshold base (M7); a revote round elects the most
    for-votes among the tied (M8); a recall round removes those with yes-votes above half of
    应到会 (A3). Ties at the last seat, too few qualifiers and void rounds return ``needs``.
    """
    if tally.spec != spec:
        raise ValueError(f"the tally is for round {tally.spec.key!r}, not {spec.key!r}")
    if (tally.issued, tally.collected) != (attendance.issued, attendance.collected):
        raise ValueError(f"round {spec.key!r}: the tally's issued/collected differ from the attendance")
    quorum = check_quorum(attendance.present, attendance.expected, settings, spec.key)
    if quorum.code == "quorum_failed":
        needs = NeedsInput(
            kind="quorum",
            round_key=spec.key,
            position=spec.position,
            candidates=spec.candidates,
            seats=spec.seats,
            rule="M1",
            zh=f"本轮不足法定人数，须至少 {quorum.facts['minimum_present']} 名有选举权的党员到会后重新进行",
            en=(
                f"this round has no quorum: hold it again once at least "
                f"{quorum.facts['minimum_present']} eligible members are present"
            ),
        )
        return RoundOutcome(spec, "no_quorum", (), [quorum, _needs_decision(spec, needs)], needs)
    if tally.void:
        void = next(d for d in tally.decisions if d.code == "round_void")
        needs = NeedsInput(
            kind="rerun",
            round_key=spec.key,
            position=spec.position,
            candidates=spec.candidates,
            seats=spec.seats,
            rule="M6",
            zh=f"本轮选举无效，须以同样的 {len(spec.candidates)} 名候选人、应选 {spec.seats} 名重新投票",
            en=(
                f"the round is void: vote again with the same {len(spec.candidates)} candidates for {spec.seats} seats"
            ),
        )
        return RoundOutcome(spec, "void", (), [quorum, void, _needs_decision(spec, needs)], needs)
    if spec.kind == "recall":
        return _decide_recall(spec, tally, attendance, settings, quorum)
    if spec.kind == "revote":
        return _decide_revote(spec, tally, settings, quorum)
    return _decide_by_threshold(spec, tally, attendance, settings, quorum)


def _decide_by_threshold(
    spec: RoundSpec, tally: Tally, attendance: Attendance, settings: Settings, quorum: Decision
) -> RoundOutcome:
    base = _base(attendance, tally, settings)
    base_zh = f"{_BASE_ZH[settings.threshold_base]} {base} 的一半"
    base_en = f"half of {base} {_BASE_EN[settings.threshold_base]}"
    half = Fraction(base, 2)
    # Write-ins with for-votes can be elected too (另选他人, M4); they rank after candidates on equal votes.
    pool = [(name, tally.counts[name].for_) for name in spec.candidates]
    pool += [(name, votes) for name, votes in tally.write_ins.items() if votes > 0 and name not in spec.candidates]
    qualifiers = [(name, votes) for name, votes in pool if 2 * votes > base]  # rule M7: strictly more than half
    ranked = len(qualifiers) > spec.seats
    elected, tied, left, outranked = _fill(_rank(qualifiers), spec.seats)
    # Competition ranking (1, 2, 2, 4): equal votes share a rank, never split by list order.
    rank_of = {name: 1 + sum(1 for _n, v in qualifiers if v > votes) for name, votes in qualifiers}

    decisions: list[Decision] = [quorum]
    for name, votes in pool:
        facts: dict[str, int | Fraction | str | bool | tuple[str, ...] | None] = {
            "for": votes,
            "base": base,
            "threshold_base": settings.threshold_base,
            "half": half,
            "seats": spec.seats,
        }
        if name in elected and not ranked:
            decisions.append(
                Decision(
                    "M7",
                    "elected",
                    name,
                    f"{name} 当选：赞成 {votes} > {base_zh}",
                    f"{name} elected: {votes} for > {base_en}",
                    facts,
                )
            )
        elif name in elected:
            facts["rank"] = rank_of[name]
            decisions.append(
                Decision(
                    "M8",
                    "elected",
                    name,
                    f"{name} 当选：赞成 {votes} > {base_zh}，"
                    f"得票居过半数者第 {rank_of[name]} 位（应选 {spec.seats} 名）",
                    f"{name} elected: {votes} for > {base_en}, ranked {rank_of[name]} of those above half "
                    f"({spec.seats} seats)",
                    facts,
                )
            )
        elif name in tied:
            facts["tied"] = tied
            facts["seats_left"] = left
            others = _names([n for n in tied if n != name])
            decisions.append(
                Decision(
                    "M8",
                    "tied",
                    name,
                    f"{name} 与 {others} 赞成均为 {votes}（> {base_zh}），"
                    f"并列争夺剩余 {left} 个名额，须在并列者中重新投票",
                    f"{name} ties with {_names([n for n in tied if n != name], ', ')} at {votes} for "
                    f"(> {base_en}) for the {left} remaining seats: re-vote among the tied",
                    facts,
                )
            )
        elif name in outranked:
            facts["rank"] = rank_of[name]
            decisions.append(
                Decision(
                    "M8",
                    "not_elected",
                    name,
                    f"{name} 未当选：赞成 {votes} > {base_zh}，但得票居过半数者第 {rank_of[name]} 位，"
                    f"应选 {spec.seats} 名已满",
                    f"{name} not elected: {votes} for > {base_en}, but ranked {rank_of[name]} of those above "
                    f"half and the {spec.seats} seats are filled",
                    facts,
                )
            )
        else:
            sign = "=" if 2 * votes == base else "<"
            word_en = "equals" if sign == "=" else "is below"
            decisions.append(
                Decision(
                    "M7",
                    "not_elected",
                    name,
                    f"{name} 未当选：赞成 {votes} {sign} {base_zh}，未过半数",
                    f"{name} not elected: {votes} for {word_en} {base_en}, not more than half",
                    facts,
                )
            )

    winners = tuple(elected)
    if tied:
        needs = _revote_needs(spec, tied, left)
        status: OutcomeStatus = "needs_revote"
    elif left > 0:
        candidates = supplementary_candidates(spec, tally, winners, left)
        needs = _supplementary_needs(spec, candidates, left, settings)
        status = "needs_supplementary"
    else:
        return RoundOutcome(spec, "complete", winners, decisions, None)
    decisions.append(_needs_decision(spec, needs))
    return RoundOutcome(spec, status, winners, decisions, needs)


def _decide_revote(spec: RoundSpec, tally: Tally, settings: Settings, quorum: Decision) -> RoundOutcome:
    """M8: among the tied, the most for-votes wins; a persisting tie is voted again."""
    pool = [(name, tally.counts[name].for_) for name in spec.candidates]
    elected, tied, left, _outranked = _fill(_rank(pool), spec.seats)
    decisions: list[Decision] = [quorum]
    for name, votes in pool:
        facts: dict[str, int | Fraction | str | bool | tuple[str, ...] | None] = {
            "for": votes,
            "seats": spec.seats,
            "candidates": spec.candidates,
        }
        if name in elected:
            code = "elected"
            zh = f"{name} 当选：重新投票中赞成 {votes}，在 {len(spec.candidates)} 名并列者中得票居前 {spec.seats} 名"
            en = (
                f"{name} elected: {votes} for in the re-vote, among the top {spec.seats} "
                f"of {len(spec.candidates)} tied candidates"
            )
        elif name in tied:
            code = "tied"
            facts["tied"] = tied
            facts["seats_left"] = left
            others = _names([n for n in tied if n != name])
            zh = f"{name} 在重新投票中与 {others} 赞成仍均为 {votes}，须再次重新投票"
            en = (
                f"{name} still ties with {_names([n for n in tied if n != name], ', ')} at {votes} for "
                f"in the re-vote: vote again"
            )
        else:
            code = "not_elected"
            zh = f"{name} 未当选：重新投票中赞成 {votes}，得票未进入前 {spec.seats} 名"
            en = f"{name} not elected: {votes} for in the re-vote, not among the top {spec.seats}"
        decisions.append(Decision("M8", code, name, zh, en, facts))
    winners = tuple(elected)
    if not tied:
        return RoundOutcome(spec, "complete", winners, decisions, None)
    needs = _revote_needs(spec, tied, left)
    decisions.append(_needs_decision(spec, needs))
    return RoundOutcome(spec, "needs_revote", winners, decisions, needs)


def _decide_recall(
    spec: RoundSpec, tally: Tally, attendance: Attendance, settings: Settings, quorum: Decision
) -> RoundOutcome:
    """A3 via ``recall.decide_recall_vote``: recalled with yes-votes above half of 应到会."""
    decisions: list[Decision] = [quorum]
    for name in spec.candidates:
        decisions.append(
            decide_recall_vote(name, tally.counts[name].for_, attendance.expected, quorum_met=True, settings=settings)
        )
    recalled = tuple(d.subject for d in decisions if d.code == "recalled")
    return RoundOutcome(spec, "complete", recalled, decisions, None)


def _revote_needs(spec: RoundSpec, tied: tuple[str, ...], seats: int) -> NeedsInput:
    return NeedsInput(
        kind="revote",
        round_key=spec.key,
        position=spec.position,
        candidates=tied,
        seats=seats,
        rule="M8",
        zh=f"须在并列的 {_names(tied)} 中重新投票，选出剩余的 {seats} 名，得票多者当选",
        en=(f"re-vote among the tied {_names(tied, ', ')} for the {seats} remaining seats; most for-votes wins"),
    )


def _supplementary_needs(spec: RoundSpec, candidates: tuple[str, ...], seats: int, settings: Settings) -> NeedsInput:
    empty_zh = "；或经到会党员过半数同意，决定该名额空缺" if settings.allow_empty_seats else ""
    empty_en = (
        "; or the meeting decides by more than half of those present to leave it empty"
        if (settings.allow_empty_seats)
        else ""
    )
    if candidates:
        zh = f"当选人数不足，须另行选举 {seats} 名，候选人：{_names(candidates)}（须再次过半数）{empty_zh}"
        en = (
            f"too few elected: a supplementary vote for {seats} seats with candidates "
            f"{_names(candidates, ', ')} (more than half needed again){empty_en}"
        )
    else:
        zh = f"当选人数不足，须另行选举 {seats} 名，但本轮已无未当选的候选人，须另行提出候选人{empty_zh}"
        en = (
            f"too few elected: a supplementary vote for {seats} seats is needed but no unelected candidate "
            f"is left; new candidates must be nominated{empty_en}"
        )
    return NeedsInput(
        kind="supplementary",
        round_key=spec.key,
        position=spec.position,
        candidates=candidates,
        seats=seats,
        rule="M9",
        zh=zh,
        en=en,
    )


def _needs_decision(spec: RoundSpec, needs: NeedsInput) -> Decision:
    """M10: the outcome says exactly what is needed, as a decision the report prints."""
    return Decision(
        rule=needs.rule,
        code=f"needs_{needs.kind}",
        subject=spec.key,
        zh=needs.zh,
        en=needs.en,
        facts={"kind": needs.kind, "candidates": needs.candidates, "seats": needs.seats},
    )


# --- M9 supplementary vote and empty seats --------------------------------------------------


def supplementary_candidates(
    spec: RoundSpec, tally: Tally, winners: Collection[str], seats_left: int
) -> tuple[str, ...]:
    """M9: the round's non-elected candidates for a supplementary vote, most for-votes first.

    Keeps the round's competitive ratio: ``ceil(seats_left x candidates / seats)`` names
    (rounded up so a competitive round stays competitive), at least ``seats_left``, at most all
    non-elected candidates; a tie at the cut keeps every tied name. Write-ins are not included.
    """
    if seats_left <= 0:
        return ()
    elected = set(winners)
    pool = [(name, tally.counts[name].for_) for name in spec.candidates if name not in elected]
    quota = max(seats_left, math.ceil(Fraction(seats_left * len(spec.candidates), spec.seats)))
    chosen: list[str] = []
    for _votes, names in _rank(pool):
        if len(chosen) >= quota:
            break
        chosen.extend(names)
    return tuple(chosen)


def decide_leave_empty(votes_for: int, present: int, settings: Settings, *, subject: str = "meeting") -> Decision:
    """M9: a recorded meeting vote to leave seats empty; needs the preset's leave and > half present."""
    facts: dict[str, int | Fraction | str | bool] = {
        "for": votes_for,
        "present": present,
        "half": Fraction(present, 2),
        "allowed": settings.allow_empty_seats,
    }
    if not settings.allow_empty_seats:
        return Decision(
            "M9",
            "empty_seats_not_allowed",
            subject,
            "本选举办法不允许名额空缺，须另行选举",
            "these rules do not allow seats to be left empty: a supplementary vote is needed",
            facts,
        )
    if 2 * votes_for > present:
        return Decision(
            "M9",
            "seats_left_empty",
            subject,
            f"大会决定名额空缺：赞成 {votes_for} > 实到会 {present} 的一半",
            f"the meeting leaves the seats empty: {votes_for} for > half of {present} present",
            facts,
        )
    sign = "=" if 2 * votes_for == present else "<"
    return Decision(
        "M9",
        "empty_seats_rejected",
        subject,
        f"名额空缺未获通过：赞成 {votes_for} {sign} 实到会 {present} 的一半，须另行选举",
        f"leaving the seats empty is rejected: {votes_for} for, not more than half of {present} present; "
        f"a supplementary vote is needed",
        facts,
    )


def close_with_empty_seats(outcome: RoundOutcome, decision: Decision) -> RoundOutcome:
    """Close a round that lacks winners once the meeting has decided to leave its seats empty (M9)."""
    if outcome.status != "needs_supplementary":
        raise ValueError(f"round {outcome.spec.key!r} is {outcome.status}, not waiting for a supplementary vote")
    if decision.code != "seats_left_empty":
        raise ValueError(f"decision {decision.code!r} does not leave the seats empty")
    return replace(outcome, status="complete", decisions=[*outcome.decisions, decision], needs=None)


# --- M3 cascade -----------------------------------------------------------------------------


class RoundOrderError(ValueError):
    """A later round was prepared before an earlier one ended (M3)."""


def cascade(
    previous: Sequence[RoundOutcome],
    opt_ins: Collection[str],
    next_spec: RoundSpec,
    settings: Settings,
) -> tuple[tuple[str, ...], list[Decision]]:
    """M3: the next round's candidates once earlier rounds have ended.

    Winners of earlier rounds never stand again (they count as committee members); candidates
    who lost every earlier round may opt in when ``settings.cascade``; anyone else's opt-in is
    refused with a decision. Returns the candidates (``next_spec``'s own, then cascaded losers
    in the order they stood) for the caller to order by strokes (C4), and the decisions.
    """
    last_per_position: dict[str, RoundOutcome] = {}
    for outcome in previous:
        if outcome.spec.kind != "recall":
            last_per_position[outcome.spec.position] = outcome
    for position, outcome in last_per_position.items():
        if outcome.status != "complete":
            raise RoundOrderError(
                f"round {outcome.spec.key!r} ({position}) is {outcome.status}; "
                f"the next round's ballot is final only after it ends"
            )

    winners: dict[str, str] = {}  # name -> position won
    stood: list[str] = []
    for outcome in previous:
        if outcome.spec.kind == "recall":
            continue
        for name in outcome.winners:
            winners.setdefault(name, outcome.spec.position)
        stood.extend(n for n in outcome.spec.candidates if n not in stood)
    losers = [name for name in stood if name not in winners]

    decisions: list[Decision] = []
    for name, position in winners.items():
        listed = name in next_spec.candidates
        decisions.append(
            Decision(
                "M3",
                "counted_as_member",
                name,
                f"{name} 已当选{position}，不再参加{next_spec.position}选举，计为党委委员",
                f"{name} was elected {position}: does not stand for {next_spec.position} and counts "
                f"as a committee member",
                {"position": position, "next_round": next_spec.key, "removed_from_list": listed},
            )
        )
    candidates = [name for name in next_spec.candidates if name not in winners]

    ordered_opt_ins = [name for name in losers if name in opt_ins]
    ordered_opt_ins += sorted(name for name in opt_ins if name not in losers)
    for name in ordered_opt_ins:
        facts: dict[str, int | Fraction | str | bool | tuple[str, ...] | None] = {"next_round": next_spec.key}
        if not settings.cascade:
            code = "cascade_disabled"
            zh = f"本选举办法不允许落选者参加下一轮，{name} 不能参加{next_spec.position}选举"
            en = f"these rules do not let losing candidates move on: {name} cannot stand for {next_spec.position}"
        elif name in winners:
            code = "cascade_refused_winner"
            zh = f"{name} 已当选{winners[name]}，不再参加{next_spec.position}选举"
            en = f"{name} was already elected {winners[name]} and does not stand for {next_spec.position}"
        elif name not in losers:
            code = "cascade_refused_not_loser"
            zh = f"{name} 不是前几轮的落选者，不能以落选者身份参加{next_spec.position}选举"
            en = f"{name} lost no earlier round and cannot join {next_spec.position} as a losing candidate"
        elif name in candidates:
            code = "cascade_already_candidate"
            zh = f"{name} 已是{next_spec.position}候选人"
            en = f"{name} is already a candidate for {next_spec.position}"
        else:
            code = "cascade_joined"
            zh = f"{name} 落选后自愿参加{next_spec.position}选举"
            en = f"{name} lost an earlier round and opts in to stand for {next_spec.position}"
            candidates.append(name)
        decisions.append(Decision("M3", code, name, zh, en, facts))
    return tuple(candidates), decisions
