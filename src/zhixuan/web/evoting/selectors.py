"""Reads for electronic voting: the code's meeting and open round, the ballot, live checks, receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhixuan.rules.ballots import Ballot, Mark, RoundSpec, WriteIn, read_ballot
from zhixuan.web.elections.models import Election
from zhixuan.web.evoting.actions import RECEIPT_LENGTH, code_hash, normalise_code, receipt_hash
from zhixuan.web.evoting.models import ElectronicBallot, VotingCode
from zhixuan.web.meeting.models import Meeting, Round, RoundStatus
from zhixuan.web.nomination.models import Applicant
from zhixuan.web.roster.models import Member
from zhixuan.web.roster.selectors import election_settings

_MARK = {"for": Mark.FOR, "against": Mark.AGAINST}


@dataclass(frozen=True)
class BallotWarning:
    rule: str
    text: str


def voting_code(code: str) -> VotingCode | None:
    """The code as typed or scanned, with its meeting and election."""
    return VotingCode.objects.filter(code_hash=code_hash(code)).select_related("meeting__election").first()


def meeting_of(election: Election) -> Meeting | None:
    return Meeting.objects.filter(election=election).first()


def open_round(meeting: Meeting) -> Round | None:
    """The round being voted now (the meeting opens one at a time)."""
    return (
        Round.objects.filter(meeting=meeting, status=RoundStatus.OPEN)
        .select_related("position", "meeting__election")
        .order_by("order")
        .first()
    )


def round_title(rnd: Round) -> str:
    title = f"{rnd.position.get_kind_display()}"
    if rnd.kind != "regular":
        title += f"（{rnd.get_kind_display()}）"
    return title


def ballot_candidates(rnd: Round) -> list[dict[str, str]]:
    """The round's candidates in ballot order (``Round.candidates``, fixed at opening by C4)."""
    names = dict(
        Applicant.objects.filter(election=rnd.meeting.election, number__in=rnd.candidates).values_list("number", "name")
    )
    return [{"number": str(n), "name": names.get(str(n), str(n))} for n in rnd.candidates]


def write_ins_allowed(rnd: Round) -> bool:
    # A tie re-vote is among the tied only (M8): no write-ins, as the core reads it.
    return rnd.kind != "revote"


def write_in_choices(election: Election) -> list[Member]:
    """Members who may be written in: full members (P1)."""
    return list(Member.objects.filter(election=election, status="full").only("number", "name").order_by("number"))


def resolve_write_in(election: Election, text: str) -> tuple[str | None, str | None]:
    """A write-in row's text → (member number, None) or (None, a Chinese error naming the text).

    Accepts the member number, the exact name when only one member has it, or ``编号 姓名`` as the
    page's suggestion list fills it in.
    """
    text = " ".join(text.split())
    if not text:
        return None, None
    first = text.split(" ")[0]
    members = Member.objects.filter(election=election)
    by_number = members.filter(number=first).first()
    if by_number is not None:
        return by_number.number, None
    named = list(members.filter(name=text).values_list("number", flat=True)[:2])
    if len(named) == 1:
        return named[0], None
    if len(named) > 1:
        return None, _("名册中有多人名叫“%(text)s”，请填写党员编号。") % {"text": text}
    return None, _("名册中找不到编号或姓名为“%(text)s”的党员。") % {"text": text}


def write_in_numbers(round_id: int, rows: dict[str, str]) -> tuple[list[str], list[str]]:
    """The cast endpoint's write-in rows (``write-in-<i>`` → text) as member numbers, or errors naming the row."""
    rnd = Round.objects.filter(pk=round_id).select_related("meeting__election").first()
    if rnd is None:
        return [], []  # the cast itself refuses the round
    if not write_ins_allowed(rnd):
        return [], [_("并列重新投票只在并列者中投票，不能另选他人。")]
    numbers: list[str] = []
    errors: list[str] = []
    for key in sorted(rows, key=lambda k: int(k.removeprefix("write-in-")) if k[9:].isdigit() else 0):
        row = int(key[9:]) + 1 if key[9:].isdigit() else 0
        number, error = resolve_write_in(rnd.meeting.election, rows[key])
        if error:
            errors.append(_("另选第 %(row)s 行：%(error)s") % {"row": row, "error": error})
        elif number:
            numbers.append(number)
    return numbers, errors


def ballot_warnings(rnd: Round, ballot: dict[str, Any]) -> list[BallotWarning]:
    """What the core will say about this ballot (M4, M5), shown before the voter confirms.

    Nothing is prevented: an over-voted ballot is cast if confirmed, and counted invalid.
    """
    election = rnd.meeting.election
    candidates = tuple(str(c) for c in rnd.candidates)
    marks = {n: Mark.FOR for n in ballot.get("for", [])} | {n: Mark.AGAINST for n in ballot.get("against", [])}
    kind = rnd.kind if rnd.kind in ("regular", "revote", "supplementary") else "regular"
    spec = RoundSpec(key=rnd.key, position=rnd.position.kind, seats=rnd.seats, candidates=candidates, kind=kind)
    write_ins = tuple(WriteIn(w["name"], bool(w.get("for"))) for w in ballot.get("write_ins", []))
    eligible = {m.number for m in write_in_choices(election)}
    candidate_members = set(
        Applicant.objects.filter(election=election, number__in=candidates, member__isnull=False).values_list(
            "member__number", flat=True
        )
    )
    reading = read_ballot(
        Ballot(tuple(marks.get(c, Mark.ABSTAIN) for c in candidates), write_ins),
        spec,
        election_settings(election),
        eligible - candidate_members,
    )
    out: list[BallotWarning] = []
    if reading.reason == "over_vote":
        out.append(
            BallotWarning(
                "M5",
                _("您赞成了 %(n)s 人（含另选），超过本轮应选 %(seats)s 名，这张选票将作为无效票。")
                % {"n": reading.for_marks, "seats": rnd.seats},
            )
        )
    why = {
        "write_in_without_against": (
            "M4",
            _("只有对某位候选人投了不赞成票，才能另选他人；另选的“%(name)s”将不计入。"),
        ),
        "write_in_is_candidate": ("M4", _("“%(name)s”是本轮候选人，另选将不计入。")),
        "write_in_ineligible": ("M5", _("“%(name)s”不具备被选举资格，另选将不计入。")),
        "write_in_duplicate": ("M5", _("“%(name)s”重复另选，只计一次。")),
        "write_in_not_allowed": ("M8", _("并列重新投票只在并列者中投票，另选的“%(name)s”将不计入。")),
    }
    names = dict(Member.objects.filter(election=election).values_list("number", "name"))
    for reason, name in reading.ignored:
        rule, text = why.get(reason, ("M5", _("另选的“%(name)s”将不计入。")))
        out.append(BallotWarning(rule, text % {"name": names.get(name, name)}))
    if reading.blank:
        out.append(BallotWarning("M5", _("您没有作任何标记：这是一张空白票，有效，对所有候选人均视为弃权。")))
    return out


def write_in_labels(election: Election, ballot: dict[str, Any]) -> list[str]:
    names = dict(Member.objects.filter(election=election).values_list("number", "name"))
    return [f"{w['name']} {names.get(w['name'], '')}".strip() for w in ballot.get("write_ins", [])]


@dataclass(frozen=True)
class ReceiptStatus:
    round_title: str
    round_key: str
    election_title: str
    counted: bool
    status_label: str


def receipt_status(receipt: str) -> ReceiptStatus | None:
    """Whether a receipt's ballot is stored and in which round — never what it says."""
    if len(normalise_code(receipt)) != RECEIPT_LENGTH:
        return None
    ballot = (
        ElectronicBallot.objects.filter(receipt_hash=receipt_hash(receipt))
        .select_related("round__position", "round__meeting__election")
        .only(
            "round__key",
            "round__kind",
            "round__status",
            "round__position__kind",
            "round__meeting__election__title",
        )
        .first()
    )
    if ballot is None:
        from zhixuan.web.recall.selectors import receipt_status as recall_receipt

        return recall_receipt(receipt_hash(receipt))
    rnd = ballot.round
    counted = rnd.status in (RoundStatus.ACCEPTED, RoundStatus.PUBLISHED)
    return ReceiptStatus(
        round_title=round_title(rnd),
        round_key=rnd.key,
        election_title=rnd.meeting.election.title,
        counted=counted,
        status_label=str(rnd.get_status_display()),
    )


@dataclass(frozen=True)
class DeskCounts:
    issued: int
    active: int
    handed_back: int
    open_round: Round | None
    cast_in_open_round: int


def desk_counts(meeting: Meeting) -> DeskCounts:
    codes = VotingCode.objects.filter(meeting=meeting)
    issued = codes.count()
    active = codes.filter(active=True).count()
    rnd = open_round(meeting)
    cast = ElectronicBallot.objects.filter(round=rnd).count() if rnd is not None else 0
    return DeskCounts(issued, active, issued - active, rnd, cast)
