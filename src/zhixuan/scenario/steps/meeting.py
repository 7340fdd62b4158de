"""The members' meeting: scrutineers and tellers (M2), then each round in order (M1, M3–M10).

The core names people by the strings it is given; the runner passes display labels (the name, with
the id where two people share a name) so decisions read "王煦 当选 …", and maps them back to ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from zhixuan.rules.ballots import (
    Attendance,
    Ballot,
    BallotEntry,
    Mark,
    RoundKind,
    RoundSpec,
    Tally,
    TallyError,
    WriteIn,
    tally_round,
    tally_totals,
)
from zhixuan.rules.candidates import check_competitive
from zhixuan.rules.meeting import (
    RoundOrderError,
    RoundOutcome,
    cascade,
    check_issued,
    check_scrutineers,
    check_tellers,
    close_with_empty_seats,
    decide_leave_empty,
    decide_round,
)
from zhixuan.scenario.context import NeedsInput, RunContext, file_error
from zhixuan.scenario.errors import PathPart
from zhixuan.scenario.report import Needed, Section, Table

_MARKS = {"F": Mark.FOR, "A": Mark.AGAINST, ".": Mark.ABSTAIN, "?": Mark.UNCLEAR}


@dataclass(slots=True)
class _Labels:
    """Display label <-> id for everyone who can appear on a ballot."""

    to_label: dict[str, str]
    to_id: dict[str, str]

    @classmethod
    def build(cls, names: Mapping[str, str], same_person: Mapping[str, str]) -> _Labels:
        """``same_person`` maps a roster id to the applicant id of the same person (one label for both)."""
        people = {i: n for i, n in names.items() if i not in same_person}
        counts: dict[str, int] = {}
        for name in people.values():
            counts[name] = counts.get(name, 0) + 1
        to_label = {i: n if counts[n] == 1 else f"{n}（{i}）" for i, n in people.items()}
        to_id = {label: i for i, label in to_label.items()}
        for member, applicant in same_person.items():
            to_label[member] = to_label[applicant]
        return cls(to_label, to_id)

    def labels(self, ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(self.to_label[i] for i in ids)

    def ids(self, labels: Sequence[str]) -> list[str]:
        return [self.to_id[label] for label in labels]


def _labels(ctx: RunContext) -> _Labels:
    return _Labels.build(ctx.names, {m: a for a, m in ctx.applicant_member.items()})


def run_meeting(ctx: RunContext) -> None:
    meeting = ctx.doc.get("meeting")
    if not meeting:
        return
    labels = _labels(ctx)
    rounds = meeting["rounds"]

    opening = Section(
        "meeting", "党员大会：监票人、计票人与法定人数", "Members' meeting: scrutineers, tellers and quorum"
    )
    meeting_candidates: set[str] = set()
    for rnd in rounds:
        meeting_candidates.update(rnd.get("candidates", ctx.formal.get(rnd["position"], [])))
        meeting_candidates.update(rnd.get("opt_ins", []))
    if meeting.get("scrutineers"):
        opening.decisions.extend(
            check_scrutineers(
                labels.labels(meeting["scrutineers"]),
                labels.labels(sorted(meeting_candidates)),
                labels.labels(sorted(ctx.rights)),
            )
        )
    if meeting.get("tellers"):
        opening.decisions.extend(
            check_tellers(labels.labels(meeting["tellers"]), labels.labels(sorted(meeting_candidates)))
        )
    opening.facts["应到会 / expected"] = ctx.expected
    ctx.report.sections.append(opening)

    outcomes: list[RoundOutcome] = []
    opt_ins: list[str] = []
    # Filled as rounds run, so a run that stops for input still shows the rounds held so far.
    rounds_out: list[dict[str, object]] = []
    ctx.report.outcome["rounds"] = rounds_out
    for r, rnd in enumerate(rounds):
        base: tuple[PathPart, ...] = ("meeting", "rounds", r)
        final = _run_round(ctx, labels, rnd, base, outcomes, opt_ins, rounds_out)
        outcomes.append(final)
        opt_ins = list(rnd.get("opt_ins", []))
    ctx.report.outcome["elected"] = {p: list(ids) for p, ids in ctx.elected.items()}


def run_single_round(ctx: RunContext, rnd: Mapping[str, Any], base: tuple[PathPart, ...]) -> None:
    """A by-election (补选) after a recall: one round under the same round rules (A3, M1–M10)."""
    rounds_out: list[dict[str, object]] = []
    _run_round(ctx, _labels(ctx), rnd, base, [], [], rounds_out, kind="by_election")
    ctx.report.outcome.setdefault("by_elections", []).extend(rounds_out)  # type: ignore[attr-defined]
    ctx.report.outcome["elected"] = {p: list(ids) for p, ids in ctx.elected.items()}


def _run_round(
    ctx: RunContext,
    labels: _Labels,
    rnd: Mapping[str, Any],
    base: tuple[PathPart, ...],
    previous: list[RoundOutcome],
    opt_ins: list[str],
    rounds_out: list[dict[str, object]],
    kind: RoundKind = "regular",
) -> RoundOutcome:
    position = ctx.position(rnd["position"])
    key = rnd.get("id", rnd["position"])
    own = rnd.get("candidates", ctx.formal.get(rnd["position"]))
    if not own:
        raise NeedsInput(
            Needed(
                key,
                f"第 {base[-1]} 轮（{position['name']}）没有候选人："
                "请在场景文件中给出 candidates，或先完成候选人产生步骤",
                f"round {key} ({position['name']}) has no candidates: give `candidates` or the steps that produce them",
                "M3",
            )
        )
    seats = position["seats"] - len(ctx.elected.get(rnd["position"], []))
    section = Section(
        f"round:{key}",
        f"选举轮次：{position['name']}（应选 {seats} 名）",
        f"Round: {position['name']} ({seats} seat(s))",
    )
    spec = RoundSpec(key=key, position=position["name"], seats=seats, candidates=labels.labels(own))
    try:
        # A plenary of the new committee (standard preset, M3) elects from the committee's own
        # winners, so the top-down cascade does not apply to it.
        earlier = [] if rnd.get("electorate") == "committee" else previous
        joined, cascade_decisions = cascade(earlier, labels.labels(opt_ins), spec, ctx.settings)
    except RoundOrderError as exc:
        raise file_error((*base, "position"), f"轮次顺序错误：{exc}", f"round order: {exc}") from exc
    section.decisions.extend(cascade_decisions)
    ordered = labels.labels(ctx.stroke_sorted(labels.ids(joined)))
    spec = RoundSpec(key=key, position=position["name"], seats=seats, candidates=ordered, kind=kind)
    if "candidates" in rnd:
        section.decisions.append(
            check_competitive(position["kind"], seats, len(ordered), ctx.settings, position=position["name"])
        )

    votes: list[tuple[tuple[PathPart, ...], Mapping[str, Any]]] = [(base, rnd)]
    votes += [((*base, "followups", f), fu) for f, fu in enumerate(rnd.get("followups", []))]
    winners: list[str] = []
    outcome: RoundOutcome | None = None
    step = 0
    while True:
        path, vote = votes[step]
        electorate = rnd.get("electorate", "members")
        expected, present = _attendance_counts(ctx, vote, electorate)
        tally = _tally(ctx, labels, spec, vote, path, expected, present)
        attendance = Attendance(expected=expected, present=present, issued=tally.issued, collected=tally.collected)
        outcome = decide_round(spec, tally, attendance, ctx.settings)
        section.tables.append(_tally_table(spec, tally, outcome))
        issued_check = check_issued(attendance, subject=spec.key)
        if issued_check is not None:
            section.decisions.append(issued_check)
        section.decisions.extend(tally.decisions)
        section.decisions.extend(outcome.decisions)
        winners.extend(outcome.winners)
        rounds_out.append({"position_id": rnd["position"], **_round_json(spec, tally, outcome, labels)})
        section.facts[f"{spec.key} 发出/收回/有效/无效 · issued/collected/valid/invalid"] = (
            f"{tally.issued} / {tally.collected} / {tally.valid} / {tally.invalid}"
        )
        if outcome.status == "complete":
            break
        needs = outcome.needs
        assert needs is not None  # every non-complete outcome says what it needs (M10)
        if needs.kind == "supplementary" and "leave_empty" in rnd:
            decision = decide_leave_empty(
                rnd["leave_empty"]["votes_for"], rnd["leave_empty"]["present"], ctx.settings, subject=spec.key
            )
            section.decisions.append(decision)
            if decision.code == "seats_left_empty":
                outcome = close_with_empty_seats(outcome, decision)
                break
        step += 1
        expected_kind = "rerun" if needs.kind in ("rerun", "quorum") else needs.kind
        if step >= len(votes) or votes[step][1]["kind"] != expected_kind:
            ctx.report.sections.append(section)
            raise NeedsInput(Needed(spec.key, needs.zh, needs.en, needs.rule))
        if needs.kind in ("revote", "supplementary"):
            ordered_follow = labels.labels(ctx.stroke_sorted(labels.ids(needs.candidates)))
            spec = RoundSpec(
                key=f"{key}/{expected_kind}-{step}",
                position=spec.position,
                seats=needs.seats,
                candidates=ordered_follow,
                kind=needs.kind,
            )
        else:  # a re-run of a void round (M6) or one below quorum (M1): same ballot, its own key
            spec = replace(spec, key=f"{key}/{expected_kind}-{step}")
    elected_ids = labels.ids(winners)
    ctx.elected.setdefault(rnd["position"], []).extend(elected_ids)
    section.facts["当选 / elected"] = [ctx.name(i) for i in ctx.stroke_sorted(elected_ids)]
    ctx.report.sections.append(section)
    return _with_all_winners(outcome, tuple(winners), labels.labels(own), joined)


def _with_all_winners(
    outcome: RoundOutcome, winners: tuple[str, ...], own: tuple[str, ...], joined: tuple[str, ...]
) -> RoundOutcome:
    """The round's overall outcome for the cascade: everyone who stood, everyone who won (M3)."""
    return replace(outcome, winners=winners, spec=replace(outcome.spec, candidates=joined or own))


def _attendance_counts(ctx: RunContext, vote: Mapping[str, Any], electorate: str) -> tuple[int, int]:
    if electorate == "committee":
        committee = ctx.all_elected()
        expected = len(committee)
        present_raw = vote["present"]
        present = len(set(present_raw) & committee) if isinstance(present_raw, list) else present_raw
        return expected, present
    present_raw = vote["present"]
    # P1: only members with voting rights count as present for quorum and threshold.
    present = len(set(present_raw) & ctx.rights) if isinstance(present_raw, list) else present_raw
    return ctx.expected, present


def _tally(
    ctx: RunContext,
    labels: _Labels,
    spec: RoundSpec,
    vote: Mapping[str, Any],
    path: tuple[PathPart, ...],
    expected: int,
    present: int,
) -> Tally:
    issued = vote.get("issued", present)
    eligible = labels.labels(sorted(ctx.rights - ctx.all_elected()))
    try:
        if "totals" in vote:
            totals = vote["totals"]
            counts = totals["candidates"]
            missing = [c for c in spec.candidates if labels.to_id[c] not in counts]
            if missing:
                raise file_error(
                    (*path, "totals", "candidates"),
                    f"缺少候选人 {'、'.join(missing)} 的票数",
                    f"no totals for {', '.join(missing)}",
                )
            collected = vote.get("collected", totals["valid"] + totals["invalid"])
            attendance = Attendance(expected=expected, present=present, issued=issued, collected=collected)
            return tally_totals(
                spec,
                {c: counts[labels.to_id[c]]["for"] for c in spec.candidates},
                {c: counts[labels.to_id[c]]["against"] for c in spec.candidates},
                {c: counts[labels.to_id[c]]["abstain"] for c in spec.candidates},
                totals["valid"],
                totals["invalid"],
                attendance,
            )
        entries = [_ballot(labels, spec, b, (*path, "ballots", i)) for i, b in enumerate(vote.get("ballots", []))]
        collected = vote.get("collected", sum(e[1] for e in entries))
        attendance = Attendance(expected=expected, present=present, issued=issued, collected=collected)
        return tally_round(spec, entries, attendance, ctx.settings, eligible)
    except TallyError as exc:
        raise file_error(
            path,
            f"计票数字对不上：{exc.decision.zh}（{exc.decision.rule}）",
            f"counts do not add up: {exc.decision.en} ({exc.decision.rule})",
        ) from exc


def _ballot(labels: _Labels, spec: RoundSpec, record: Mapping[str, Any], path: tuple[PathPart, ...]) -> BallotEntry:
    count = record.get("count", 1)
    label = f"{path[-2]}[{path[-1]}]" if count == 1 else None
    if "marks" in record:
        text = record["marks"]
        if len(text) != len(spec.candidates):
            raise file_error(
                (*path, "marks"),
                f"标记有 {len(text)} 位，但本轮选票有 {len(spec.candidates)} 名候选人"
                f"（按姓氏笔画：{'、'.join(spec.candidates)}）",
                f"{len(text)} marks for {len(spec.candidates)} candidates ({', '.join(spec.candidates)})",
            )
        marks = tuple(_MARKS[ch] for ch in text)
    else:
        chosen: dict[str, Mark] = {}
        for field, mark in (("for", Mark.FOR), ("against", Mark.AGAINST), ("unclear", Mark.UNCLEAR)):
            for k, ident in enumerate(record.get(field, [])):
                label_of = labels.to_label.get(ident)
                if label_of not in spec.candidates:
                    raise file_error(
                        (*path, field, k),
                        f"{ident} 不是本轮候选人",
                        f"{ident} is not a candidate in this round",
                    )
                if label_of in chosen:
                    raise file_error(
                        (*path, field, k),
                        f"{ident} 在同一张选票上有两个标记（看不清的标记请写在 unclear）",
                        f"{ident} is marked twice on one ballot (use `unclear` for an unreadable mark)",
                    )
                chosen[label_of] = mark
        marks = tuple(chosen.get(c, Mark.ABSTAIN) for c in spec.candidates)
    write_ins = tuple(
        WriteIn(labels.to_label.get(w["name"], w["name"]), bool(w["for"])) for w in record.get("write_ins", [])
    )
    return (Ballot(marks, write_ins), count, label)


def _tally_table(spec: RoundSpec, tally: Tally, outcome: RoundOutcome) -> Table:
    rows: list[list[object]] = []
    names = list(spec.candidates) + [w for w in tally.write_ins if w not in spec.candidates]
    for name in sorted(names, key=lambda n: -tally.votes_for(n)):
        count = tally.counts.get(name)
        rows.append(
            [
                name,
                tally.votes_for(name),
                count.against if count else "—",
                count.abstain if count else "—",
                "✓" if name in outcome.winners else "",
            ]
        )
    return Table(
        [
            ("候选人", "candidate"),
            ("赞成", "for"),
            ("不赞成", "against"),
            ("弃权", "abstain"),
            ("当选", "elected"),
        ],
        rows,
    )


def _round_json(spec: RoundSpec, tally: Tally, outcome: RoundOutcome, labels: _Labels) -> dict[str, object]:
    return {
        "key": spec.key,
        "position": spec.position,
        "kind": spec.kind,
        "seats": spec.seats,
        "candidates": labels.ids(spec.candidates),
        "issued": tally.issued,
        "collected": tally.collected,
        "valid": tally.valid,
        "invalid": tally.invalid,
        "counts": {
            labels.to_id.get(c, c): {"for": n.for_, "against": n.against, "abstain": n.abstain}
            for c, n in tally.counts.items()
        },
        "write_ins": {labels.to_id.get(w, w): n for w, n in tally.write_ins.items()},
        "status": outcome.status,
        "winners": labels.ids(list(outcome.winners)),
        "needs": None
        if outcome.needs is None
        else {
            "kind": outcome.needs.kind,
            "seats": outcome.needs.seats,
            "candidates": labels.ids(list(outcome.needs.candidates)),
        },
    }
