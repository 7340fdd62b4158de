"""Electronic voting at the members' meeting: voting codes and casting (S1, M4–M6).

What is stored, and what is not (S1):

- ``VotingCode`` keeps a keyed hash of the code and whether it is active. Nothing records which
  member received which code: the check-in desk prints the slip and forgets the code.
- ``CodeUse`` (code, round) says that a code has voted in a round. Its key is random, it has no time.
- ``ElectronicBallot`` holds the marks, a random key and the hash of the voter's receipt: no code,
  no member, no time, no sequence.

Audit (S2): issuing and handing back a code are audited with the meeting's count of active codes
(the number ``Round.issued`` is built from, M6), never with the code. **Casting a ballot writes no
audit entry.** An entry per ballot would carry a precise time and a chain position — a cast order —
for each ballot, which together with who was seen voting when links a voter to a ballot; it would
also make every voter wait on the one chain-head row lock. What the record needs is the round's
number of electronic ballots and a commitment to their contents, which the meeting app writes in
its round-close entry from :func:`round_summary` (after :func:`seal_round_ballots`); the ballots
themselves are published with the election record (S4), so anyone can recount them against that
digest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from zhixuan.web.audit.log import append_entry
from zhixuan.web.evoting.models import CodeUse, ElectronicBallot, VotingCode, random_key
from zhixuan.web.meeting.models import Meeting, MeetingStatus, Round, RoundStatus

# Unambiguous for reading aloud and typing: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10 ≈ 8·10^14 codes
RECEIPT_LENGTH = 12
MARK_CHOICES = ("for", "against", "abstain")


class CastRefused(ValidationError):
    """The ballot was not stored: the code is unknown, handed back or has voted, or the round is not open.

    ``reason`` is one of ``unknown_code``, ``inactive_code``, ``already_voted``, ``round_not_open``,
    ``bad_ballot``.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalise_code(text: str) -> str:
    """The code as typed or scanned: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """``ABCDE-FGHJK``: how a code is printed on the slip."""
    raw = normalise_code(code)
    return f"{raw[:5]}-{raw[5:]}"


def format_receipt(receipt: str) -> str:
    """``ABCD-EFGH-JKMN``: how the receipt is shown to the voter."""
    raw = normalise_code(receipt)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_hash(code: str) -> str:
    """Keyed hash (HMAC-SHA-256 with the deployment's secret key) of a normalised code.

    Keyed, so that a copy of the database alone cannot be searched for the codes that made it.
    """
    key = hashlib.sha256(b"zhixuan.evoting.code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, normalise_code(code).encode("ascii", "ignore"), hashlib.sha256).hexdigest()


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(normalise_code(receipt).encode("ascii", "ignore")).hexdigest()


def _random_text(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_receipt() -> str:
    """A receipt code for a ballot (unformatted); the ballot stores only :func:`receipt_hash` of it."""
    return _random_text(RECEIPT_LENGTH)


def fresh_code() -> tuple[str, str]:
    """A new voting code and its keyed hash, unused by the members' meetings and the recall meetings."""
    from zhixuan.web.recall.models import VotingCode as RecallCode

    while True:
        code = _random_text(CODE_LENGTH)
        digest = code_hash(code)
        if not (
            VotingCode.objects.filter(code_hash=digest).exists() or RecallCode.objects.filter(code_hash=digest).exists()
        ):
            return code, digest


def _active_codes(meeting: Meeting) -> int:
    return VotingCode.objects.filter(meeting=meeting, active=True).count()


def do_issue_code(actor: Any, *, meeting: Meeting) -> str:
    """Create one voting code for the member at the desk and return it, formatted, to print once.

    Only its keyed hash is stored; nothing records who received it (S1).
    """
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(_("会议已闭会，不能再发放投票码。"))
    with transaction.atomic():
        code, digest = fresh_code()
        VotingCode.objects.create(meeting=meeting, code_hash=digest)
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="evoting.issue_code",
            obj=meeting,
            data={"active_codes": _active_codes(meeting)},
        )
    return format_code(code)


def do_deactivate_code(actor: Any, *, meeting: Meeting, code: str) -> VotingCode:
    """A slip handed back (the member leaves): the code can no longer vote. Ballots already cast stay."""
    raw = normalise_code(code)
    if len(raw) != CODE_LENGTH:
        raise ValidationError(
            _("投票码应为 %(n)s 位字母或数字，输入的是 %(got)s 位。") % {"n": CODE_LENGTH, "got": len(raw)}
        )
    with transaction.atomic():
        voting = VotingCode.objects.select_for_update().filter(meeting=meeting, code_hash=code_hash(raw)).first()
        if voting is None:
            raise ValidationError(_("本次会议没有发放过投票码 %(code)s，请核对。") % {"code": format_code(raw)})
        if not voting.active:
            raise ValidationError(_("投票码 %(code)s 已经收回。") % {"code": format_code(raw)})
        voting.active = False
        voting.save(update_fields=["active"])
        append_entry(
            chain=meeting.election.audit_chain,
            actor=actor,
            action="evoting.deactivate_code",
            obj=meeting,
            data={"active_codes": _active_codes(meeting)},
        )
    return voting


def clean_marks(rnd: Round | Sequence[str], marks: Mapping[str, str], write_ins: Sequence[str] = ()) -> dict[str, Any]:
    """The scenario's ballot form from a mark per candidate and the write-ins' member numbers.

    ``rnd`` is the round or its candidates in ballot order. Shape only: whether the ballot is valid is
    the core's decision (M4, M5) when the round is counted.
    """
    candidates = [str(c) for c in (rnd.candidates if isinstance(rnd, Round) else rnd)]
    unknown = sorted(set(marks) - set(candidates))
    if unknown:
        raise CastRefused(_("选票上没有候选人 %(who)s。") % {"who": "、".join(unknown)}, "bad_ballot")
    out: dict[str, Any] = {"for": [], "against": []}
    for number in candidates:
        mark = marks.get(number, "abstain")
        if mark not in MARK_CHOICES:
            raise CastRefused(_("候选人 %(who)s 的标记无效。") % {"who": number}, "bad_ballot")
        if mark != "abstain":
            out[mark].append(number)
    names = [w for w in (str(w).strip() for w in write_ins) if w]
    if names:
        out["write_ins"] = [{"name": name, "for": True} for name in names]
    return out


# --- casting: the hot path -------------------------------------------------------------------------
#
# A cast is one read (the code and the round, joined) and one short write transaction, in plain SQL:
# at a meeting hundreds of voters confirm within a minute, and the ORM's query building cost more
# than the database work. The rules are the same as everywhere: the (code, round) unique constraint
# of ``CodeUse`` is the guard against a second ballot, the round must be open and the code active at
# COMMIT, and the receipt is returned only after the COMMIT (the ballot is durable when acknowledged).


@dataclass(frozen=True)
class _Target:
    code_id: int
    active: bool
    round_id: int | None
    round_status: str | None
    candidates: tuple[str, ...]


def _target(code: str, round_id: int) -> _Target | None:
    """The code's row and, if it is a round of the code's meeting, the round: one query."""
    codes, rounds = VotingCode._meta.db_table, Round._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, c.active, r.id, r.status, r.candidates FROM {codes} c "
            f"LEFT JOIN {rounds} r ON r.meeting_id = c.meeting_id AND r.id = %s WHERE c.code_hash = %s",
            [round_id, code_hash(code)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    candidates = row[4]
    if isinstance(candidates, str):
        candidates = json.loads(candidates)
    return _Target(int(row[0]), bool(row[1]), row[2], row[3], tuple(str(c) for c in candidates or ()))


@dataclass
class _Cast:
    code_id: int
    round_id: int
    marks: str  # JSON, as the model's JSONField stores it
    receipt: str
    outcome: str = ""  # "cast" or a CastRefused reason
    error: BaseException | None = None
    done: bool = False


_REFUSALS = {
    "already_voted": lambda: _("此投票码本轮已投票，每个投票码每轮只能投一次。"),
    "round_not_open": lambda: _("本轮投票已经结束，选票没有保存。"),
    "inactive_code": lambda: _("此投票码已收回，不能投票。"),
}


def _store_one(cursor: Any, job: _Cast) -> str:
    """The cast's rows, inside the caller's transaction; returns ``cast`` or why nothing was stored.

    ``CodeUse`` first: on SQLite that insert takes the write lock, so the state read after it is the
    latest commit; on PostgreSQL ``FOR SHARE`` makes a concurrent round close (an UPDATE of the round
    row) wait for this COMMIT, or makes this cast see the committed close. Casts do not block each other.
    """
    uses, ballots = CodeUse._meta.db_table, ElectronicBallot._meta.db_table
    rounds, codes = Round._meta.db_table, VotingCode._meta.db_table
    pg = connection.vendor == "postgresql"
    use_id = random_key()
    cursor.execute(
        f"INSERT INTO {uses} (id, code_id, round_id) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
        [use_id, job.code_id, job.round_id],
    )
    if cursor.rowcount == 0:
        return "already_voted"
    lock = " FOR SHARE" if pg else ""
    cursor.execute(
        f"SELECT r.status, c.active FROM {rounds} r, {codes} c WHERE r.id = %s AND c.id = %s{lock}",
        [job.round_id, job.code_id],
    )
    state = cursor.fetchone()
    if state is None or state[0] != RoundStatus.OPEN or not state[1]:
        cursor.execute(f"DELETE FROM {uses} WHERE id = %s", [use_id])
        return "round_not_open" if state is None or state[0] != RoundStatus.OPEN else "inactive_code"
    cursor.execute(
        f"INSERT INTO {ballots} (id, round_id, marks, receipt_hash) VALUES (%s, %s, %s{'::jsonb' if pg else ''}, %s)",
        [random_key(), job.round_id, job.marks, receipt_hash(job.receipt)],
    )
    return "cast"


def _store_statement(job: _Cast) -> None:
    """PostgreSQL: the cast as ONE statement in its own transaction (autocommit) — one round trip instead
    of five (BEGIN, insert, state, insert, COMMIT), so less driver and server work per ballot and no
    transaction left open while the thread waits for the interpreter.

    The same guards as ``_store_one``: the round and code rows are read ``FOR SHARE`` (a concurrent close
    waits for this commit, or this cast sees the committed close); the code use is inserted only if the
    round is open and the code active, and the unique (code, round) constraint with ``ON CONFLICT DO
    NOTHING`` stays the one-ballot-per-code guard; the ballot is inserted only if the use was.
    """
    uses, ballots = CodeUse._meta.db_table, ElectronicBallot._meta.db_table
    rounds, codes = Round._meta.db_table, VotingCode._meta.db_table
    sql = f"""
        WITH state AS (
            SELECT r.status, c.active FROM {rounds} r, {codes} c WHERE r.id = %s AND c.id = %s FOR SHARE
        ), used AS (
            INSERT INTO {uses} (id, code_id, round_id)
            SELECT %s, %s, %s FROM state WHERE state.status = %s AND state.active
            ON CONFLICT DO NOTHING RETURNING 1
        ), cast_ballot AS (
            INSERT INTO {ballots} (id, round_id, marks, receipt_hash)
            SELECT %s, %s, %s::jsonb, %s FROM used RETURNING 1
        )
        SELECT (SELECT status FROM state), (SELECT active FROM state), (SELECT count(*) FROM cast_ballot)
    """
    params = [
        job.round_id,
        job.code_id,
        random_key(),
        job.code_id,
        job.round_id,
        RoundStatus.OPEN.value,
        random_key(),
        job.round_id,
        job.marks,
        receipt_hash(job.receipt),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        status, active, stored = cursor.fetchone()
    if stored:
        job.outcome = "cast"
    elif status != RoundStatus.OPEN:
        job.outcome = "round_not_open"
    elif not active:
        job.outcome = "inactive_code"
    else:
        job.outcome = "already_voted"


# SQLite has one writer and makes each COMMIT durable with an fsync (``synchronous=FULL``), a few
# milliseconds on an ordinary disk: one COMMIT per ballot would cap a meeting at a few hundred ballots
# a second. So the casts of a server process commit in groups: a cast queues its rows, and whichever
# thread holds the writer lock stores everything queued in one transaction with one COMMIT, then
# everyone in that group gets their answer. Nobody is answered before the COMMIT that holds their ballot.
# (PostgreSQL groups concurrent commits itself; there each cast is one statement, ``_store_statement``.)
_SQLITE_WRITER = threading.Lock()
_QUEUE_LOCK = threading.Lock()
_QUEUE: list[_Cast] = []


def _store_grouped(job: _Cast) -> None:
    with _QUEUE_LOCK:
        _QUEUE.append(job)
    with _SQLITE_WRITER:
        if job.done:
            return
        with _QUEUE_LOCK:
            group = list(_QUEUE)
            _QUEUE.clear()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for queued in group:
                    queued.outcome = _store_one(cursor, queued)
        except BaseException as exc:  # nothing of the group is stored: every one of them gets the error
            for queued in group:
                queued.error = exc
            raise
        finally:
            for queued in group:
                queued.done = True


def do_cast_marks(*, code: str, round_id: int, marks: Mapping[str, str], write_ins: Sequence[str] = ()) -> str:
    """Store one anonymous ballot for ``code`` in round ``round_id`` and return the receipt code, once.

    ``marks``: candidate number → ``for`` / ``against`` / ``abstain``; ``write_ins``: member numbers.
    One transaction inserts ``CodeUse(code, round)`` — its unique constraint is the guard against a
    second ballot, also under concurrency — and the ``ElectronicBallot`` with a random key. No audit
    entry is written (see the module docstring: S1). Raises :class:`CastRefused`.
    """
    target = _target(code, round_id)
    if target is None:
        raise CastRefused(_("投票码无效，请核对投票码。"), "unknown_code")
    if not target.active:
        raise CastRefused(_("此投票码已收回，不能投票。"), "inactive_code")
    if target.round_id is None or target.round_status != RoundStatus.OPEN:
        raise CastRefused(_("本轮投票未在进行中，选票没有保存。"), "round_not_open")
    ballot = clean_marks(target.candidates, marks, write_ins)
    job = _Cast(target.code_id, target.round_id, json.dumps(ballot), _random_text(RECEIPT_LENGTH))
    if connection.vendor == "sqlite":
        _store_grouped(job)
    else:
        _store_statement(job)
    if job.error is not None:
        raise job.error
    if job.outcome != "cast":
        raise CastRefused(_REFUSALS[job.outcome](), job.outcome)
    return format_receipt(job.receipt)


def do_cast_ballot(*, code: str, round_id: int, ballot: Mapping[str, Any]) -> str:
    """:func:`do_cast_marks` for a ballot in the scenario's form (``for``, ``against``, ``write_ins``)."""
    marks = {n: "for" for n in ballot.get("for", [])} | {n: "against" for n in ballot.get("against", [])}
    write_ins = [w["name"] for w in ballot.get("write_ins", []) if w.get("for")]
    return do_cast_marks(code=code, round_id=round_id, marks=marks, write_ins=write_ins)


def seal_round_ballots(rnd: Round) -> None:
    """Rewrite a closed round's electronic ballots and code uses in a random order.

    For the meeting app's round-close action, inside its transaction. Storage order (SQLite rowid,
    PostgreSQL heap position) and PostgreSQL's per-row transaction id (``xmin``, equal for a ballot and
    the code use written with it) would otherwise still say which ballot came with which code; after
    this every row of the round carries the closing transaction's id and a shuffled position (S1).
    Old row versions remain in free pages until PostgreSQL's VACUUM / SQLite's page reuse.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("seal_round_ballots must run inside the round-close transaction")
    rewrite_shuffled(ElectronicBallot.objects.filter(round=rnd))
    rewrite_shuffled(CodeUse.objects.filter(round=rnd))


def rewrite_shuffled(rows: Any) -> None:
    """Delete the rows of ``rows`` (a queryset of a model with a random key) and write them again in a
    random order with new random keys: storage order and transaction ids then say nothing of the
    order they were written in (S1). For a closing transaction (a meeting round, a recall stage)."""
    model = rows.model
    found = list(rows)
    rows.delete()
    secrets.SystemRandom().shuffle(found)
    for row in found:
        row.pk = random_key()
    model.objects.bulk_create(found)


def round_summary(rnd: Round) -> dict[str, Any]:
    """What the round-close audit entry records about electronic voting: counts and a content digest.

    ``ballots_sha256`` is the SHA-256 of the round's ballots in canonical form, sorted, so the
    published record (S4) can be checked against the audit chain (S2) without any cast order.
    """
    count, digest = ballots_digest(ElectronicBallot.objects.filter(round=rnd).values_list("marks", flat=True))
    return {
        "electronic_ballots": count,
        "codes_used": CodeUse.objects.filter(round=rnd).count(),
        "active_codes": _active_codes(rnd.meeting),
        "ballots_sha256": digest,
    }


def ballots_digest(contents: Any) -> tuple[int, str]:
    """How many ballots and the SHA-256 of their contents in canonical form, sorted: no cast order (S1)."""
    lines = sorted(json.dumps(m, sort_keys=True, ensure_ascii=False, separators=(",", ":")) for m in contents)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()
