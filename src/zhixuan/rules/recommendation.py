"""Recommendation stages: ballots (R5), weighted scores (R1), stage combination (R2),
selection at a ratio (R3) and a nominee in two pools (R4).

Scores are exact fractions. Ties are returned as tie sets, never settled by sort order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from zhixuan.rules.decision import Decision, Fact, Names, display_name, percent
from zhixuan.rules.settings import CutoffTie

# position -> nominee -> score
Scores = Mapping[str, Mapping[str, Fraction]]


# --- R1: weights -----------------------------------------------------------------------------


def check_weights(weights: Mapping[str, Fraction], *, rule: str = "R1", what: str = "group") -> Decision:
    """R1 / R2: weights are exact, non-negative and sum to exactly 1. Floats are refused."""
    problems: list[str] = []
    total = Fraction(0)
    for key, weight in weights.items():
        if isinstance(weight, float) or not isinstance(weight, Fraction | int):
            problems.append(f"{key}: weight {weight!r} is not an exact fraction")
            continue
        if weight < 0:
            problems.append(f"{key}: weight {weight} is negative")
        total += Fraction(weight)
    facts: dict[str, Fact] = {"total": total, "keys": tuple(weights)}
    if not weights:
        problems.append("no weights given")
    if not problems and total == 1:
        return Decision(
            rule=rule,
            code="weights_valid",
            subject=what,
            zh=f"各{'阶段' if what == 'stage' else '组'}权重之和为 100%",
            en=f"{what} weights sum to 100%",
            facts=facts,
        )
    if not problems:
        problems.append(f"weights sum to {total}, not 1")
    return Decision(
        rule=rule,
        code="weights_invalid",
        subject=what,
        zh=f"权重设置无效：权重之和为 {percent(total)}，应为 100%",
        en="invalid weights: " + "; ".join(problems),
        facts=facts,
    )


def _require_weights(weights: Mapping[str, Fraction], rule: str, what: str) -> dict[str, Fraction]:
    decision = check_weights(weights, rule=rule, what=what)
    if decision.code != "weights_valid":
        raise ValueError(decision.en)
    return {k: Fraction(v) for k, v in weights.items()}


# --- R5: ballots -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecommendationBallot:
    """A recommendation ballot of ``group`` (``count`` identical ballots when aggregated).

    ``choices`` maps position -> recommended nominee ids. A ballot covers every position of the
    stage: a position absent from ``choices`` is a blank (valid, recommends nobody) for it.
    """

    group: str
    choices: Mapping[str, Sequence[str]]
    count: int = 1


@dataclass(frozen=True, slots=True)
class GroupTotals:
    """Counted result of one group for one position: valid ballots and for-counts per nominee.

    Large stages arrive in this form already counted. Several totals for the same group and
    position add up (e.g. counts from several polling points).
    """

    group: str
    position: str
    valid: int
    votes: Mapping[str, int]
    invalid: int = 0


@dataclass(frozen=True, slots=True)
class Tally:
    totals: tuple[GroupTotals, ...]
    decisions: tuple[Decision, ...]


def tally_ballots(
    ballots: Iterable[RecommendationBallot],
    nominees: Mapping[str, Sequence[str]],
    seats: Mapping[str, int],
    *,
    max_per_position: int | None = None,
    names: Names | None = None,
) -> Tally:
    """R5: count ballots per group and position.

    A ballot naming more distinct people for a position than allowed (``max_per_position``, default
    the position's seats) is invalid for that position only. A name repeated on one ballot counts
    once; a name that is not a nominee for the position is not counted (the rest of the ballot is).
    """
    if set(nominees) != set(seats):
        raise ValueError("nominees and seats must list the same positions")
    valid: dict[tuple[str, str], int] = {}
    invalid: dict[tuple[str, str], int] = {}
    ignored: dict[tuple[str, str], int] = {}
    votes: dict[tuple[str, str], dict[str, int]] = {}
    groups: list[str] = []
    for ballot in ballots:
        if ballot.count < 1:
            raise ValueError(f"ballot multiplicity must be >= 1, got {ballot.count}")
        unknown = set(ballot.choices) - set(nominees)
        if unknown:
            raise ValueError(f"ballot names positions not in this stage: {sorted(unknown)}")
        if ballot.group not in groups:
            groups.append(ballot.group)
        for position in nominees:
            key = (ballot.group, position)
            named = list(dict.fromkeys(ballot.choices.get(position, ())))
            allowed = max_per_position if max_per_position is not None else seats[position]
            if len(named) > allowed:
                invalid[key] = invalid.get(key, 0) + ballot.count
                continue
            valid[key] = valid.get(key, 0) + ballot.count
            counts = votes.setdefault(key, {})
            eligible = set(nominees[position])
            for nominee in named:
                if nominee in eligible:
                    counts[nominee] = counts.get(nominee, 0) + ballot.count
                else:
                    ignored[key] = ignored.get(key, 0) + ballot.count

    totals: list[GroupTotals] = []
    decisions: list[Decision] = []
    for group in groups:
        for position in nominees:
            key = (group, position)
            allowed = max_per_position if max_per_position is not None else seats[position]
            group_name, where = display_name(group, names), display_name(position, names)
            totals.append(
                GroupTotals(group, position, valid.get(key, 0), dict(votes.get(key, {})), invalid.get(key, 0))
            )
            if invalid.get(key):
                decisions.append(
                    Decision(
                        rule="R5",
                        code="over_recommended",
                        subject=f"{group}/{position}",
                        zh=f"{group_name}：{invalid[key]} 张推荐票对 {where} 推荐超过 {allowed} 人，"
                        "该职位无效（其他职位照常计票）",
                        en=f"{group_name}: {invalid[key]} ballots recommend more than {allowed} for {where}; "
                        "invalid for that position only",
                        facts={
                            "group": group,
                            "position": position,
                            "invalid": invalid[key],
                            "valid": valid.get(key, 0),
                            "allowed": allowed,
                        },
                    )
                )
            if ignored.get(key):
                decisions.append(
                    Decision(
                        rule="R5",
                        code="unknown_nominee_ignored",
                        subject=f"{group}/{position}",
                        zh=f"{group_name}：{where} 的推荐票中有 {ignored[key]} 个所推荐的人不是该职位提名人选，不计票",
                        en=f"{group_name}: "
                        f"{ignored[key]} names recommended for {where} are not nominees for it and were not counted",
                        facts={"group": group, "position": position, "ignored": ignored[key]},
                    )
                )
    return Tally(tuple(totals), tuple(decisions))


# --- R1: one stage ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageScores:
    """Scores of one stage (or of several combined): position -> nominee -> exact score."""

    stage: str
    scores: Scores
    decisions: tuple[Decision, ...]


def _merge_totals(
    totals: Iterable[GroupTotals], weights: Mapping[str, Fraction], nominees: Mapping[str, Sequence[str]]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], dict[str, int]]]:
    valid: dict[tuple[str, str], int] = {}
    votes: dict[tuple[str, str], dict[str, int]] = {}
    for t in totals:
        if t.group not in weights:
            raise ValueError(f"group {t.group!r} has no weight in this stage")
        if t.position not in nominees:
            raise ValueError(f"position {t.position!r} is not in this stage")
        if t.valid < 0:
            raise ValueError(f"{t.group}/{t.position}: negative valid count")
        key = (t.group, t.position)
        valid[key] = valid.get(key, 0) + t.valid
        counts = votes.setdefault(key, {})
        for nominee, n in t.votes.items():
            if nominee not in nominees[t.position]:
                raise ValueError(f"{t.group}/{t.position}: {nominee!r} is not a nominee for this position")
            if n < 0 or n > t.valid:
                raise ValueError(f"{t.group}/{t.position}: {nominee!r} has {n} votes of {t.valid} valid")
            counts[nominee] = counts.get(nominee, 0) + n
    return valid, votes


def score_stage(
    stage: str,
    weights: Mapping[str, Fraction],
    totals: Iterable[GroupTotals],
    nominees: Mapping[str, Sequence[str]],
    names: Names | None = None,
) -> StageScores:
    """R1: ``S(c) = Σ_g w_g · for_g(c) / valid_g(p)``, exact.

    A group with no valid ballots for a position contributes 0 there, and a decision says so.
    """
    w = _require_weights(weights, "R1", "group")
    valid, votes = _merge_totals(totals, w, nominees)
    decisions: list[Decision] = []
    scores: dict[str, dict[str, Fraction]] = {}
    for position, people in nominees.items():
        where = display_name(position, names)
        for group in w:
            if valid.get((group, position), 0) == 0:
                decisions.append(
                    Decision(
                        rule="R1",
                        code="group_no_valid_ballots",
                        subject=f"{stage}/{group}/{position}",
                        zh=f"{stage}：{display_name(group, names)} 对 {where} 没有有效推荐票，"
                        f"该组（权重 {percent(w[group])}）计 0 分",
                        en=f"{stage}: {display_name(group, names)} cast no valid ballots for {where}; "
                        f"the group (weight {percent(w[group])}) contributes 0",
                        facts={"stage": stage, "group": group, "position": position, "weight": w[group]},
                    )
                )
        scores[position] = {}
        for nominee in people:
            score = Fraction(0)
            parts_zh: list[str] = []
            facts: dict[str, Fact] = {"stage": stage, "position": position, "groups": tuple(w)}
            for group, weight in w.items():
                key = (group, position)
                n_valid = valid.get(key, 0)
                n_for = votes.get(key, {}).get(nominee, 0)
                if n_valid:
                    score += weight * Fraction(n_for, n_valid)
                parts_zh.append(f"{display_name(group, names)} {percent(weight)}×{n_for}/{n_valid}")
                facts[f"weight:{group}"] = weight
                facts[f"for:{group}"] = n_for
                facts[f"valid:{group}"] = n_valid
            facts["score"] = score
            scores[position][nominee] = score
            who = display_name(nominee, names)
            decisions.append(
                Decision(
                    rule="R1",
                    code="stage_score",
                    subject=nominee,
                    zh=f"{who}（{where}）{stage}得分 {percent(score)} = {' + '.join(parts_zh)}",
                    en=f"{who} ({where}) {stage} score {percent(score)}",
                    facts=facts,
                )
            )
    return StageScores(stage, scores, tuple(decisions))


# --- R2: several stages ----------------------------------------------------------------------


def combine_stages(
    stage_weights: Mapping[str, Fraction],
    stages: Sequence[StageScores],
    names: Names | None = None,
    label: str = "综合",
) -> StageScores:
    """R2: ``Score(c) = Σ_stage W_stage · S_stage(c)``.

    Every stage must cover the same positions. A nominee absent from a stage (e.g. not reviewed
    into the second recommendation) scores 0 there, and a decision says so.
    """
    w = _require_weights(stage_weights, "R2", "stage")
    by_name = {s.stage: s for s in stages}
    if len(by_name) != len(stages) or set(by_name) != set(w):
        raise ValueError("stage weights and stages must name the same stages, once each")
    positions = list(stages[0].scores)
    for s in stages:
        if set(s.scores) != set(positions):
            raise ValueError(f"stage {s.stage!r} covers different positions")
    decisions: list[Decision] = []
    combined: dict[str, dict[str, Fraction]] = {}
    for position in positions:
        where = display_name(position, names)
        people: list[str] = []
        for s in stages:
            people.extend(n for n in s.scores[position] if n not in people)
        combined[position] = {}
        for nominee in people:
            who = display_name(nominee, names)
            total = Fraction(0)
            parts: list[str] = []
            facts: dict[str, Fact] = {"position": position, "stages": tuple(w)}
            for stage_name, weight in w.items():
                stage_scores = by_name[stage_name].scores[position]
                if nominee not in stage_scores:
                    decisions.append(
                        Decision(
                            rule="R2",
                            code="not_in_stage",
                            subject=nominee,
                            zh=f"{who}（{where}）未参加{stage_name}，该阶段计 0 分",
                            en=f"{who} ({where}) was not in stage {stage_name}; scores 0 there",
                            facts={"position": position, "stage": stage_name},
                        )
                    )
                part = stage_scores.get(nominee, Fraction(0))
                total += weight * part
                parts.append(f"{stage_name} {percent(weight)}×{percent(part)}")
                facts[f"weight:{stage_name}"] = weight
                facts[f"score:{stage_name}"] = part
            facts["score"] = total
            combined[position][nominee] = total
            decisions.append(
                Decision(
                    rule="R2",
                    code="combined_score",
                    subject=nominee,
                    zh=f"{who}（{where}）{label}得分 {percent(total)} = {' + '.join(parts)}",
                    en=f"{who} ({where}) combined score {percent(total)}",
                    facts=facts,
                )
            )
    return StageScores(label, combined, tuple(decisions))


# --- Ranking and cut-off (R3, also used by C2) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranked:
    """A nominee's place; equal scores share a rank (1, 2, 2, 4)."""

    nominee: str
    score: Fraction
    rank: int


@dataclass(frozen=True, slots=True)
class Cut:
    """The top ``places`` of a ranking.

    ``above`` are in for sure. ``tied`` is the group sharing the score at the cut-off when it
    straddles it (empty otherwise); ``places_left`` of them fit.
    """

    ranking: tuple[Ranked, ...]
    places: int
    above: tuple[str, ...]
    tied: tuple[str, ...]
    places_left: int
    cutoff_score: Fraction | None


def rank(scores: Mapping[str, Fraction | int]) -> tuple[Ranked, ...]:
    """Descending by score; equal scores share a rank and keep input order (a listing, not a decision)."""
    ordered = sorted(scores.items(), key=lambda item: -Fraction(item[1]))
    out: list[Ranked] = []
    for i, (nominee, score) in enumerate(ordered):
        value = Fraction(score)
        place = out[-1].rank if out and out[-1].score == value else i + 1
        out.append(Ranked(nominee, value, place))
    return tuple(out)


def cut(scores: Mapping[str, Fraction | int], places: int) -> Cut:
    """Split a ranking at ``places`` and return the tie straddling the cut-off explicitly."""
    if places < 0:
        raise ValueError("places must not be negative")
    ranking = rank(scores)
    if len(ranking) <= places:
        return Cut(ranking, places, tuple(r.nominee for r in ranking), (), 0, None)
    if places == 0:
        return Cut(ranking, places, (), (), 0, None)
    boundary = ranking[places - 1].score
    if ranking[places].score != boundary:
        return Cut(ranking, places, tuple(r.nominee for r in ranking[:places]), (), 0, boundary)
    above = tuple(r.nominee for r in ranking if r.score > boundary)
    tied = tuple(r.nominee for r in ranking if r.score == boundary)
    return Cut(ranking, places, above, tied, places - len(above), boundary)


# --- R3 / R4: preliminary pools --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotNeeded:
    """R3 with ``cutoff_tie="lot"``: draw (L1) among ``tied`` for ``places_left`` places, then call
    again with the drawn order in ``drawn[position]``."""

    position: str
    tied: tuple[str, ...]
    places_left: int
    score: Fraction


@dataclass(frozen=True, slots=True)
class Pool:
    """One position's preliminary pool."""

    position: str
    seats: int
    places: int
    ranking: tuple[Ranked, ...]
    kept: tuple[str, ...]
    lot: LotNeeded | None
    excluded: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    pools: Mapping[str, Pool]
    decisions: tuple[Decision, ...]

    @property
    def lots(self) -> tuple[LotNeeded, ...]:
        return tuple(p.lot for p in self.pools.values() if p.lot is not None)

    @property
    def complete(self) -> bool:
        return not self.lots


def _pool(
    position: str,
    scores: Mapping[str, Fraction],
    seats: int,
    places: int,
    excluded: set[str],
    cutoff_tie: CutoffTie,
    drawn: Sequence[str] | None,
) -> Pool:
    remaining = {n: s for n, s in scores.items() if n not in excluded}
    c = cut(remaining, places)
    lot: LotNeeded | None = None
    kept: tuple[str, ...]
    if not c.tied:
        kept = c.above
    elif cutoff_tie == "keep_all":
        kept = c.above + c.tied
    elif drawn is None or not set(c.tied) <= set(drawn):
        assert c.cutoff_score is not None
        kept = c.above
        lot = LotNeeded(position, c.tied, c.places_left, c.cutoff_score)
    else:
        # Only the order of the tied matters; names drawn earlier but since excluded are skipped.
        order = [n for n in drawn if n in c.tied]
        kept = c.above + tuple(order[: c.places_left])
    return Pool(position, seats, places, c.ranking, kept, lot, tuple(n for n in scores if n in excluded))


def select_preliminary(
    scores: Scores,
    seats: Mapping[str, int],
    *,
    ratio: int,
    cutoff_tie: CutoffTie = "keep_all",
    drawn: Mapping[str, Sequence[str]] | None = None,
    preferences: Mapping[str, Sequence[str]] | None = None,
    names: Names | None = None,
) -> Selection:
    """R3 + R4: keep the top ``ratio × seats`` per position, then resolve nominees in two pools.

    R3: a tie at the cut-off keeps all tied (``"keep_all"``), or (``"lot"``) the pool stays open and
    :attr:`Selection.lots` says who is tied for how many places; pass the L1 draw's order in
    ``drawn[position]`` on the next call.

    R4: a nominee kept for two positions keeps the one higher in ``preferences[nominee]`` (N3 order)
    and is dropped from the other; the freed place goes to the next-ranked nominee of that position
    (R3 applied again, ties included), so each pool keeps its ``ratio × seats`` places.
    """
    if set(scores) != set(seats):
        raise ValueError("scores and seats must list the same positions")
    if ratio < 1 or any(n < 1 for n in seats.values()):
        raise ValueError("ratio and every position's seats must be at least 1")
    drawn = drawn or {}
    preferences = preferences or {}
    excluded: dict[str, set[str]] = {p: set() for p in scores}
    r4: list[Decision] = []
    first_kept: dict[str, tuple[str, ...]] | None = None
    dropped_for: dict[str, list[str]] = {p: [] for p in scores}

    while True:
        pools = {
            p: _pool(p, scores[p], seats[p], ratio * seats[p], excluded[p], cutoff_tie, drawn.get(p)) for p in scores
        }
        if first_kept is None:
            first_kept = {p: pool.kept for p, pool in pools.items()}
        kept_in: dict[str, list[str]] = {}
        tied_in: dict[str, list[str]] = {}
        for p, pool in pools.items():
            for n in pool.kept:
                kept_in.setdefault(n, []).append(p)
            if pool.lot is not None:
                for n in pool.lot.tied:
                    tied_in.setdefault(n, []).append(p)
        changed = False
        for nominee, kept_positions in kept_in.items():
            involved = kept_positions + tied_in.get(nominee, [])
            if len(involved) < 2:
                continue
            order = list(preferences.get(nominee, ()))
            missing = [p for p in involved if p not in order]
            if missing:
                raise ValueError(
                    f"{nominee!r} is in the pool for {', '.join(involved)}"
                    f" but has no preference for {', '.join(missing)} (N3)"
                )
            keep = min(kept_positions, key=order.index)
            for p in involved:
                if order.index(p) > order.index(keep):
                    excluded[p].add(nominee)
                    dropped_for[p].append(nominee)
                    changed = True
                    who = display_name(nominee, names)
                    kept_at, dropped_at = display_name(keep, names), display_name(p, names)
                    preference = order.index(keep) + 1
                    r4.append(
                        Decision(
                            rule="R4",
                            code="kept_higher_preference",
                            subject=nominee,
                            zh=f"{who} 同时进入 {kept_at} 和 {dropped_at} 的初步人选，"
                            f"按志愿保留 {kept_at}（第 {preference} 志愿），{dropped_at} 的名额依次递补",
                            en=f"{who} was in the pools for {kept_at} and {dropped_at}; "
                            f"keeps {kept_at} (preference {preference}); the next nominee for {dropped_at} moves up",
                            facts={"kept_position": keep, "dropped_position": p, "preference": preference},
                        )
                    )
        if not changed:
            break

    assert first_kept is not None  # the loop runs at least once
    decisions: list[Decision] = list(r4)
    for p, pool in pools.items():
        decisions.extend(_pool_decisions(pool, ratio, names))
        for n in pool.kept:
            if n not in first_kept[p]:
                who, where = display_name(n, names), display_name(p, names)
                freed = "、".join(display_name(d, names) for d in dropped_for[p])
                decisions.append(
                    Decision(
                        rule="R4",
                        code="moved_up",
                        subject=n,
                        zh=f"{who} 递补进入 {where} 初步人选（{freed} 保留其他志愿职位）",
                        en=f"{who} moves up into the pool for {where} ({freed} kept another position)",
                        facts={"position": p, "freed_by": tuple(dropped_for[p])},
                    )
                )
    return Selection(pools, tuple(decisions))


def _pool_decisions(pool: Pool, ratio: int, names: Names | None) -> list[Decision]:
    p = pool.position
    where = display_name(p, names)
    out: list[Decision] = []
    base: dict[str, Fact] = {
        "position": p,
        "seats": pool.seats,
        "ratio": ratio,
        "places": pool.places,
        "nominees": len(pool.ranking),
        "kept": len(pool.kept),
    }
    if len(pool.ranking) <= pool.places:
        out.append(
            Decision(
                rule="R3",
                code="pool_all_kept",
                subject=p,
                zh=f"{where}：提名人选 {len(pool.ranking)} 名，不超过按 1:{ratio} 应保留的 {pool.places} 名，"
                "全部进入初步人选",
                en=f"{where}: {len(pool.ranking)} nominees, not more than the {pool.places} places at 1:{ratio}; "
                "all kept",
                facts=base,
            )
        )
    elif pool.lot is not None:
        lot = pool.lot
        tied_names = "、".join(display_name(n, names) for n in lot.tied)
        out.append(
            Decision(
                rule="R3",
                code="cutoff_needs_lot",
                subject=p,
                zh=f"{where}：第 {pool.places} 名处 {len(lot.tied)} 人得分并列（{percent(lot.score)}）：{tied_names}，"
                f"需抽签决定剩余 {lot.places_left} 个名额",
                en=f"{where}: {len(lot.tied)} nominees tie at the cut-off ({percent(lot.score)}): {tied_names}; "
                f"a lot must decide {lot.places_left} remaining places",
                facts={**base, "tied": lot.tied, "places_left": lot.places_left, "score": lot.score},
            )
        )
    else:
        kept_score = min((r.score for r in pool.ranking if r.nominee in pool.kept), default=Fraction(0))
        tied = tuple(r.nominee for r in pool.ranking if r.score == kept_score)
        extra = len(pool.kept) - pool.places
        if extra > 0:
            out.append(
                Decision(
                    rule="R3",
                    code="cutoff_tie_kept",
                    subject=p,
                    zh=f"{where}：第 {pool.places} 名处 {len(tied)} 人得分并列（{percent(kept_score)}），"
                    f"全部保留，初步人选 {len(pool.kept)} 名",
                    en=f"{where}: {len(tied)} nominees tie at the cut-off ({percent(kept_score)}); "
                    f"all kept, {len(pool.kept)} in the pool",
                    facts={**base, "tied": tied, "score": kept_score},
                )
            )
        elif len(tied) > 1 and any(n not in pool.kept for n in tied):
            out.append(
                Decision(
                    rule="R3",
                    code="cutoff_lot_applied",
                    subject=p,
                    zh=f"{where}：第 {pool.places} 名处并列者按抽签顺序确定："
                    f"{'、'.join(display_name(n, names) for n in tied if n in pool.kept)} 进入",
                    en=f"{where}: the tie at the cut-off was decided by the drawn order",
                    facts={**base, "tied": tied, "score": kept_score},
                )
            )
        out.append(
            Decision(
                rule="R3",
                code="pool_selected",
                subject=p,
                zh=f"{where}：提名人选 {len(pool.ranking)} 名，职数 {pool.seats}，"
                f"按 1:{ratio} 确定初步人选 {len(pool.kept)} 名（最低得分 {percent(kept_score)}）",
                en=f"{where}: {len(pool.ranking)} nominees, {pool.seats} seats, "
                f"1:{ratio} keeps {len(pool.kept)} (lowest kept score {percent(kept_score)})",
                facts={**base, "lowest_kept": kept_score},
            )
        )
    for r in pool.ranking:
        who = display_name(r.nominee, names)
        inside = r.nominee in pool.kept
        pending = pool.lot is not None and r.nominee in pool.lot.tied
        code = "kept" if inside else ("pending_lot" if pending else "not_kept")
        state_zh = "进入初步人选" if inside else ("待抽签" if pending else "未进入初步人选")
        state_en = "kept" if inside else ("awaits the lot" if pending else "not kept")
        out.append(
            Decision(
                rule="R3",
                code=code,
                subject=r.nominee,
                zh=f"{who}（{where}）排名第 {r.rank}，得分 {percent(r.score)}，{state_zh}",
                en=f"{who} ({where}) ranked {r.rank} with {percent(r.score)}: {state_en}",
                facts={"position": p, "rank": r.rank, "score": r.score},
            )
        )
    return out
