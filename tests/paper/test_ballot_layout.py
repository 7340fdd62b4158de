"""The printed ballot's geometry: what the printer draws and the scanner will measure (M4, S1)."""

from __future__ import annotations

import pytest

from zhixuan.paper.layout import (
    PAGE_H,
    PAGE_W,
    BallotSpec,
    ballot_layout,
    parse_qr_payload,
    qr_payload,
)


def spec(candidates: int = 5, write_ins: int = 2, **kw: object) -> BallotSpec:
    args: dict[str, object] = {
        "election": "e1",
        "round_key": "r1",
        "style": "A",
        "title": "党委委员选举票",
        "position": "党委委员",
        "seats": 4,
        "candidates": tuple(f"候选人{i}" for i in range(candidates)),
        "write_in_rows": write_ins,
    }
    args.update(kw)
    return BallotSpec(**args)  # type: ignore[arg-type]


def overlaps(a: object, b: object) -> bool:
    ax, ay, aw, ah = a.x, a.y, a.w, a.h  # type: ignore[attr-defined]
    bx, by, bw, bh = b.x, b.y, b.w, b.h  # type: ignore[attr-defined]
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_every_candidate_row_has_three_choice_boxes_and_write_in_rows_follow() -> None:
    layout = ballot_layout(spec(5, 2))
    assert [r.kind for r in layout.rows] == ["candidate"] * 5 + ["write_in"] * 2
    assert [r.label for r in layout.rows[:5]] == [f"候选人{i}" for i in range(5)]
    assert all(set(r.boxes) == {"for", "against", "abstain"} for r in layout.rows)


def test_nothing_printed_overlaps_and_everything_is_on_the_page() -> None:
    layout = ballot_layout(spec(16, 2))
    shapes = [*layout.fiducials, layout.qr] + [b for r in layout.rows for b in r.boxes.values()]
    for i, a in enumerate(shapes):
        assert a.x >= 0 and a.x + a.w <= PAGE_W and a.y >= 0 and a.y + a.h <= PAGE_H
        for b in shapes[i + 1 :]:
            assert not overlaps(a, b)


def test_a_ballot_too_long_for_one_page_is_refused_with_the_limit() -> None:
    with pytest.raises(ValueError, match=r"21 rows do not fit on one A4 ballot \(at most 20\)"):
        ballot_layout(spec(19, 2))


def test_qr_names_election_round_and_style_only_and_reads_back() -> None:
    s = spec()
    assert qr_payload(s) == "ZXB1|e1|r1|A"
    assert parse_qr_payload(qr_payload(s)) == ("e1", "r1", "A")
    with pytest.raises(ValueError, match="not a zhixuan ballot"):
        parse_qr_payload("https://example.com")
    with pytest.raises(ValueError, match="must not contain"):
        spec(round_key="r|1")
