"""Ballots of the election meeting: marks, reading one ballot, tallying a round (rules M4, M5, M6).

A round's ballots arrive as ``(ballot, multiplicity)`` or ``(ballot, multiplicity, label)``
entries: multiplicity lets a large election pass identical ballots once, and the optional label
(``"ballots[37]"``) lets a report point at the paper ballot a decision is about. Identical
ballots are grouped before they are read; that is exact, every ballot is still counted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

from zhixuan.rules.decision import Decision
from zhixuan.rules.settings import Settings

RoundKind = Literal["regular", "revote", "supplementary", "by_election", "recall"]
BallotEntry = tuple["Ballot", int] | tuple["Ballot", int, str | None]

# Write-ins are a way to vote for someone not on the ballot; a re-vote is among the tied only
# (M8) and a recall ballot is yes/no on named people, so neither takes write-ins.
_NO_WRITE_INS: frozenset[str] = frozenset({"revote", "recall"})
# How many labels a decision's Chinese/English text lists before "等"; facts keep them all.
_LABELS_IN_TEXT = 10


class Mark(IntEnum):
    """A voter's mark beside one candidate (M4); UNCLEAR is a mark the tellers cannot read."""

    ABSTAIN = 0
    FOR = 1
    AGAINST = 2
    UNCLEAR = 3


@dataclass(frozen=True, slots=True)
class WriteIn:
    """A name written in a write-in row (另选他人) and whether a *for* mark stands beside it."""

    name: str
    marked_for: bool


@dataclass(frozen=True, slots=True)
class Ballot:
    """One ballot: a mark per candidate, aligned with the round's candidate order, and write-ins."""

    marks: tuple[Mark, ...]
    write_ins: tuple[WriteIn, ...] = ()


@dataclass(frozen=True)
class RoundSpec:
    """One round of the meeting: who stands, for which position, for how many seats.

    ``candidates`` are in ballot order. A recall round lists the people subject to recall and
    its ``seats`` should equal their number (each is voted on separately).
    """

    key: str
    position: str
    seats: int
    candidates: tuple[str, ...]
    kind: RoundKind = "regular"

    def __post_init__(self) -> None:
        if self.seats < 1:
            raise ValueError(f"round {self.key!r}: seats must be at least 1, got {self.seats}")
        if not self.candidates:
            raise ValueError(f"round {self.key!r}: no candidates")
        if len(set(self.candidates)) != len(self.candidates):
            raise ValueError(f"round {self.key!r}: a candidate is listed twice")


@dataclass(frozen=True)
class Attendance:
    """Head counts of one round: 应到会 (P2), eligible members present, ballots issued and collected."""

    expected: int
    present: int
    issued: int
    collected: int

    def __post_init__(self) -> None:
        for name in ("expected", "present", "issued", "collected"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"attendance {name} must be a whole number >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class CandidateCount:
    """For / against / abstain counts of one candidate over the valid ballots."""

    for_: int
    against: int
    abstain: int


@dataclass(frozen=True)
class BallotReading:
    """What one ballot says once read by the rules (M4, M5).

    ``marks`` are effective marks (an unreadable mark read as abstain when that is the setting);
    ``write_ins_for`` the write-ins that count; ``ignored`` (reason, name) per ignored write-in;
    ``reason`` why the ballot is invalid, ``None`` when it is valid.
    """

    valid: bool
    reason: str | None
    marks: tuple[Mark, ...]
    write_ins_for: tuple[str, ...]
    ignored: tuple[tuple[str, str], ...]
    for_marks: int
    unclear: int
    blank: bool


@dataclass(frozen=True)
class Tally:
    """The counted result of one round (M4-M6); ``valid + invalid == collected`` always holds."""

    spec: RoundSpec
    issued: int
    collected: int
    valid: int
    invalid: int
    counts: Mapping[str, CandidateCount]
    write_ins: Mapping[str, int]
    invalid_by_reason: Mapping[str, int]
    invalid_labels: Mapping[str, tuple[str, ...]]
    void: bool
    decisions: tuple[Decision, ...] = field(default_factory=tuple)

    def votes_for(self, name: str) -> int:
        """For-votes of a candidate or a write-in; 0 for anyone else."""
        count = self.counts.get(name)
        if count is not None:
            return count.for_
        return self.write_ins.get(name, 0)


class TallyError(ValueError):
    """The counts do not add up; nothing can be decided until the tellers recount."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.text("en"))
        self.decision = decision


# --- reading one ballot ---------------------------------------------------------------------


def read_ballot(
    ballot: Ballot,
    spec: RoundSpec,
    settings: Settings,
    eligible_write_ins: Collection[str],
) -> BallotReading:
    """Read one ballot: which marks and write-ins count, and whether the ballot is valid (M4, M5)."""
    marks = ballot.marks
    if len(marks) != len(spec.candidates):
        raise ValueError(f"round {spec.key!r}: a ballot has {len(marks)} marks for {len(spec.candidates)} candidates")
    unclear = 0
    has_against = False
    for mark in marks:
        if mark is Mark.UNCLEAR:
            unclear += 1
        elif mark is Mark.AGAINST:
            has_against = True
        elif not isinstance(mark, Mark):
            raise ValueError(f"round {spec.key!r}: {mark!r} is not a Mark")

    counted: list[str] = []
    ignored: list[tuple[str, str]] = []
    for write_in in ballot.write_ins:
        reason = _write_in_ignored(write_in, spec, has_against, eligible_write_ins, counted)
        if reason is None:
            counted.append(write_in.name)
        else:
            ignored.append((reason, write_in.name))

    effective = marks
    if unclear:
        # M5: an unreadable mark is an abstention, unless the preset voids the whole ballot.
        effective = tuple(Mark.ABSTAIN if m is Mark.UNCLEAR else m for m in marks)
    for_marks = effective.count(Mark.FOR) + len(counted)
    blank = not ballot.write_ins and all(m is Mark.ABSTAIN for m in marks)

    invalid_reason: str | None = None
    if unclear and settings.unclear_mark == "invalid_ballot":
        invalid_reason = "unclear_mark"
    elif for_marks > spec.seats:
        invalid_reason = "over_vote"
    return BallotReading(
        valid=invalid_reason is None,
        reason=invalid_reason,
        marks=effective,
        write_ins_for=tuple(counted),
        ignored=tuple(ignored),
        for_marks=for_marks,
        unclear=unclear,
        blank=blank,
    )


def _write_in_ignored(
    write_in: WriteIn,
    spec: RoundSpec,
    has_against: bool,
    eligible: Collection[str],
    counted: list[str],
) -> str | None:
    """Why a write-in does not count (M4, M5), or ``None`` when it counts."""
    if spec.kind in _NO_WRITE_INS:
        return "write_in_not_allowed"
    if not write_in.marked_for:
        return "write_in_without_for"
    if not has_against:
        return "write_in_without_against"
    if write_in.name in spec.candidates:
        return "write_in_is_candidate"
    if write_in.name not in eligible:
        return "write_in_ineligible"
    if write_in.name in counted:
        return "write_in_duplicate"
    return None


# --- tallying a round -----------------------------------------------------------------------


def tally_round(
    spec: RoundSpec,
    ballots: Iterable[BallotEntry],
    attendance: Attendance,
    settings: Settings,
    eligible_write_ins: Collection[str],
) -> Tally:
    """Count a round from its ballots (M4, M5, M6).

    Each entry is ``(ballot, multiplicity)`` or ``(ballot, multiplicity, label)``. The ballots
    must add up to ``attendance.collected`` (else :class:`TallyError`); a round that collected
    more ballots than it issued is counted but marked void (M6).
    """
    # Group identical ballots on their raw contents (a C-level tuple hash), keeping labels.
    groups: dict[tuple[tuple[Mark, ...], tuple[WriteIn, ...]], int] = {}
    labels: dict[tuple[tuple[Mark, ...], tuple[WriteIn, ...]], list[str]] = {}
    total = 0
    for entry in ballots:
        ballot = entry[0]
        multiplicity = entry[1]
        if multiplicity < 0:
            raise ValueError(f"round {spec.key!r}: negative ballot multiplicity {multiplicity}")
        key = (ballot.marks, ballot.write_ins)
        groups[key] = groups.get(key, 0) + multiplicity
        total += multiplicity
        if len(entry) > 2:
            label = entry[2]
            if label is not None:
                labels.setdefault(key, []).append(label)

    if total != attendance.collected:
        raise TallyError(_count_mismatch(spec, total, attendance.collected))

    eligible = frozenset(eligible_write_ins)
    n = len(spec.candidates)
    per_mark = [[0] * n for _ in range(3)]  # indexed by Mark.ABSTAIN / FOR / AGAINST
    write_ins: dict[str, int] = {}
    invalid_by_reason: dict[str, int] = {}
    invalid_labels: dict[str, list[str]] = {}
    ignored: dict[tuple[str, str], int] = {}
    ignored_labels: dict[tuple[str, str], list[str]] = {}
    unclear_ballots = 0
    blank = 0
    valid = 0
    for (marks, ballot_write_ins), multiplicity in groups.items():
        if multiplicity == 0:
            continue
        reading = read_ballot(Ballot(marks, ballot_write_ins), spec, settings, eligible)
        key_labels = labels.get((marks, ballot_write_ins), [])
        if not reading.valid:
            assert reading.reason is not None
            invalid_by_reason[reading.reason] = invalid_by_reason.get(reading.reason, 0) + multiplicity
            invalid_labels.setdefault(reading.reason, []).extend(key_labels)
            continue
        valid += multiplicity
        for index, mark in enumerate(reading.marks):
            per_mark[mark][index] += multiplicity
        for name in reading.write_ins_for:
            write_ins[name] = write_ins.get(name, 0) + multiplicity
        for why in reading.ignored:
            ignored[why] = ignored.get(why, 0) + multiplicity
            ignored_labels.setdefault(why, []).extend(key_labels)
        if reading.unclear:
            unclear_ballots += multiplicity
        if reading.blank:
            blank += multiplicity

    invalid = total - valid
    counts = {
        name: CandidateCount(
            for_=per_mark[Mark.FOR][i], against=per_mark[Mark.AGAINST][i], abstain=per_mark[Mark.ABSTAIN][i]
        )
        for i, name in enumerate(spec.candidates)
    }
    frozen_labels = {reason: tuple(found) for reason, found in invalid_labels.items()}
    decisions = [_round_validity(spec, attendance, valid, invalid)]
    decisions += [
        _invalid_decision(spec, reason, invalid_by_reason[reason], frozen_labels[reason])
        for reason in sorted(invalid_by_reason)
    ]
    decisions += [
        _ignored_decision(spec, why, count, tuple(ignored_labels[why])) for why, count in sorted(ignored.items())
    ]
    if unclear_ballots and settings.unclear_mark == "abstain":
        decisions.append(_unclear_as_abstain(spec, unclear_ballots))
    if blank:
        decisions.append(_blank_valid(spec, blank))
    return Tally(
        spec=spec,
        issued=attendance.issued,
        collected=attendance.collected,
        valid=valid,
        invalid=invalid,
        counts=counts,
        write_ins=dict(sorted(write_ins.items(), key=lambda item: (-item[1], item[0]))),
        invalid_by_reason=dict(sorted(invalid_by_reason.items())),
        invalid_labels=frozen_labels,
        void=attendance.collected > attendance.issued,
        decisions=tuple(decisions),
    )


def tally_totals(
    spec: RoundSpec,
    for_: Mapping[str, int],
    against: Mapping[str, int],
    abstain: Mapping[str, int],
    valid: int,
    invalid: int,
    attendance: Attendance,
    *,
    write_ins: Mapping[str, int] | None = None,
    invalid_by_reason: Mapping[str, int] | None = None,
) -> Tally:
    """A tally from per-candidate totals entered by tellers from paper, checked to add up (M5, M6).

    Raises :class:`TallyError` when a candidate's for + against + abstain differs from the valid
    ballots, when valid + invalid differs from the ballots collected, when more for-marks are
    entered than the valid ballots can hold (seats each), or when the reasons do not sum to invalid.
    """
    names = set(spec.candidates)
    for label, table in (("for", for_), ("against", against), ("abstain", abstain)):
        if set(table) != names:
            missing = sorted(names - set(table))
            extra = sorted(set(table) - names)
            raise ValueError(
                f"round {spec.key!r}: {label} totals must name exactly the round's candidates "
                f"(missing {missing}, unknown {extra})"
            )
    extra_write_ins = dict(write_ins or {})
    numbers = [
        valid,
        invalid,
        *for_.values(),
        *against.values(),
        *abstain.values(),
        *extra_write_ins.values(),
    ]
    if any(isinstance(x, bool) or not isinstance(x, int) or x < 0 for x in numbers):
        raise ValueError(f"round {spec.key!r}: every total must be a whole number >= 0")
    if valid + invalid != attendance.collected:
        raise TallyError(_count_mismatch(spec, valid + invalid, attendance.collected, valid, invalid))
    for name in spec.candidates:
        added = for_[name] + against[name] + abstain[name]
        if added != valid:
            raise TallyError(_candidate_mismatch(spec, name, for_[name], against[name], abstain[name], valid))
    for_total = sum(for_.values()) + sum(extra_write_ins.values())
    if for_total > valid * spec.seats:
        raise TallyError(_for_total_too_large(spec, for_total, valid))
    reasons = dict(invalid_by_reason or {})
    if reasons and sum(reasons.values()) != invalid:
        raise TallyError(
            Decision(
                rule="M6",
                code="invalid_reasons_mismatch",
                subject=spec.key,
                zh=f"无效票原因合计 {sum(reasons.values())} 张，与无效票 {invalid} 张不符，请重新清点",
                en=(
                    f"invalid ballots by reason add up to {sum(reasons.values())}, "
                    f"not the {invalid} invalid ballots; recount"
                ),
                facts={"by_reason": sum(reasons.values()), "invalid": invalid},
            )
        )
    counts = {
        name: CandidateCount(for_=for_[name], against=against[name], abstain=abstain[name]) for name in spec.candidates
    }
    decisions = [_round_validity(spec, attendance, valid, invalid)]
    decisions += [_invalid_decision(spec, reason, n, ()) for reason, n in sorted(reasons.items()) if n]
    return Tally(
        spec=spec,
        issued=attendance.issued,
        collected=attendance.collected,
        valid=valid,
        invalid=invalid,
        counts=counts,
        write_ins=dict(sorted(extra_write_ins.items(), key=lambda item: (-item[1], item[0]))),
        invalid_by_reason=dict(sorted(reasons.items())),
        invalid_labels={},
        void=attendance.collected > attendance.issued,
        decisions=tuple(decisions),
    )


# --- decisions ------------------------------------------------------------------------------


def _round_validity(spec: RoundSpec, attendance: Attendance, valid: int, invalid: int) -> Decision:
    """M6: the round stands when no more ballots came back than were handed out."""
    issued, collected = attendance.issued, attendance.collected
    facts = {"issued": issued, "collected": collected, "valid": valid, "invalid": invalid}
    if collected > issued:
        return Decision(
            rule="M6",
            code="round_void",
            subject=spec.key,
            zh=f"收回选票 {collected} 张 > 发出选票 {issued} 张，本轮选举无效，须重新投票",
            en=f"{collected} ballots collected > {issued} issued: the round is void and must be voted again",
            facts=facts,
        )
    return Decision(
        rule="M6",
        code="round_valid",
        subject=spec.key,
        zh=(
            f"发出选票 {issued} 张，收回 {collected} 张，收回不多于发出，本轮选举有效；"
            f"有效票 {valid} 张，无效票 {invalid} 张"
        ),
        en=(
            f"{issued} ballots issued, {collected} collected (not more than issued): the round is valid; "
            f"{valid} valid, {invalid} invalid"
        ),
        facts=facts,
    )


def _count_mismatch(
    spec: RoundSpec, counted: int, collected: int, valid: int | None = None, invalid: int | None = None
) -> Decision:
    split_zh = "" if valid is None else f"（有效 {valid} + 无效 {invalid}）"
    split_en = "" if valid is None else f" ({valid} valid + {invalid} invalid)"
    return Decision(
        rule="M6",
        code="count_mismatch",
        subject=spec.key,
        zh=f"清点的选票 {counted} 张{split_zh}与收回的 {collected} 张不符，请重新清点",
        en=f"{counted} ballots counted{split_en} but {collected} collected; recount",
        facts={"counted": counted, "collected": collected, "valid": valid, "invalid": invalid},
    )


def _candidate_mismatch(spec: RoundSpec, name: str, for_: int, against: int, abstain: int, valid: int) -> Decision:
    added = for_ + against + abstain
    return Decision(
        rule="M6",
        code="candidate_count_mismatch",
        subject=name,
        zh=(f"{name}：赞成 {for_} + 不赞成 {against} + 弃权 {abstain} = {added}，与有效票 {valid} 张不符，请重新清点"),
        en=(
            f"{name}: for {for_} + against {against} + abstain {abstain} = {added}, "
            f"not the {valid} valid ballots; recount"
        ),
        facts={"for": for_, "against": against, "abstain": abstain, "sum": added, "valid": valid},
    )


def _for_total_too_large(spec: RoundSpec, for_total: int, valid: int) -> Decision:
    most = valid * spec.seats
    return Decision(
        rule="M5",
        code="for_total_too_large",
        subject=spec.key,
        zh=(
            f"赞成票合计 {for_total} 超过有效票 {valid} 张 × 应选 {spec.seats} 名 = {most}，"
            f"有效票不可能赞成这么多人，请重新清点"
        ),
        en=(
            f"{for_total} for-marks in total exceed {valid} valid ballots x {spec.seats} seats = {most}, "
            f"which valid ballots cannot hold; recount"
        ),
        facts={"for_total": for_total, "valid": valid, "seats": spec.seats},
    )


def _label_text(labels: tuple[str, ...], sep: str) -> str:
    if not labels:
        return ""
    shown = sep.join(labels[:_LABELS_IN_TEXT])
    more = len(labels) > _LABELS_IN_TEXT
    return shown + ((" 等" if sep == "、" else " and others") if more else "")


def _invalid_decision(spec: RoundSpec, reason: str, count: int, labels: tuple[str, ...]) -> Decision:
    """M5: one decision per reason, naming the labelled ballots."""
    where_zh = f"（{_label_text(labels, '、')}）" if labels else ""
    where_en = f" ({_label_text(labels, ', ')})" if labels else ""
    if reason == "over_vote":
        zh = f"{count} 张选票无效：赞成人数（含另选他人）超过应选 {spec.seats} 名{where_zh}"
        en = f"{count} ballots invalid: more people marked for (write-ins included) than {spec.seats} seats{where_en}"
    elif reason == "unclear_mark":
        zh = f"{count} 张选票无效：有无法辨认的标记，按本选举办法整张作废{where_zh}"
        en = f"{count} ballots invalid: an unreadable mark voids the ballot under these rules{where_en}"
    else:
        zh = f"{count} 张选票无效：{reason}{where_zh}"
        en = f"{count} ballots invalid: {reason}{where_en}"
    return Decision(
        rule="M5",
        code=f"invalid_{reason}",
        subject=spec.key,
        zh=zh,
        en=en,
        facts={"reason": reason, "count": count, "seats": spec.seats, "labels": labels},
    )


_IGNORED_TEXT: dict[str, tuple[str, str, str]] = {
    # reason: (rule, zh, en) — {name} is the written-in name
    "write_in_without_for": (
        "M5",
        "另选他人 {name} 旁未划赞成，不计入",
        "write-in {name} has no for mark: ignored",
    ),
    "write_in_without_against": (
        "M4",
        "另选他人 {name} 不计入：该票未对任何候选人划不赞成",
        "write-in {name} ignored: the ballot marks no candidate against",
    ),
    "write_in_is_candidate": (
        "M5",
        "另选他人 {name} 是本轮候选人，不另计",
        "write-in {name} is a candidate of this round: not counted again",
    ),
    "write_in_ineligible": (
        "M5",
        "另选他人 {name} 无被选举资格、已在本次大会当选或无法确认身份，不计入，其余有效",
        "write-in {name} is ineligible, already elected in this meeting or unknown: ignored, the rest counts",
    ),
    "write_in_duplicate": (
        "M5",
        "同一张票重复另选 {name}，只计一次",
        "write-in {name} repeated on one ballot: counted once",
    ),
    "write_in_not_allowed": (
        "M8",
        "本轮不接受另选他人（{name}），不计入",
        "this round takes no write-ins ({name}): ignored",
    ),
}


def _ignored_decision(spec: RoundSpec, why: tuple[str, str], count: int, labels: tuple[str, ...]) -> Decision:
    reason, name = why
    rule, zh, en = _IGNORED_TEXT[reason]
    where_zh = f"（{_label_text(labels, '、')}）" if labels else ""
    where_en = f" ({_label_text(labels, ', ')})" if labels else ""
    return Decision(
        rule=rule,
        code=reason,
        subject=name,
        zh=f"{count} 张选票：" + zh.format(name=name) + where_zh,
        en=f"{count} ballots: " + en.format(name=name) + where_en,
        facts={"name": name, "count": count, "labels": labels},
    )


def _unclear_as_abstain(spec: RoundSpec, count: int) -> Decision:
    return Decision(
        rule="M5",
        code="unclear_as_abstain",
        subject=spec.key,
        zh=f"{count} 张选票有无法辨认的标记，该候选人按弃权计，其余有效",
        en=f"{count} ballots have an unreadable mark: read as abstain for that candidate, the rest counts",
        facts={"count": count},
    )


def _blank_valid(spec: RoundSpec, count: int) -> Decision:
    return Decision(
        rule="M5",
        code="blank_valid",
        subject=spec.key,
        zh=f"{count} 张空白票有效，对全部候选人按弃权计",
        en=f"{count} blank ballots are valid: abstain for every candidate",
        facts={"count": count},
    )
