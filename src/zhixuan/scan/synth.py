"""Synthetic scans of marked ballots, with ground truth: seeded and reproducible.

The real ballot PDF (``zhixuan.paper.ballot_pdf``) is rasterised once by poppler at scanner resolution; each sheet
is then marked the way voters mark paper — ticks, crosses, circles, full and partial fills with black or blue pens
and pencil, stray dots, write-in names, and rarely faint marks, half-erased marks and tiny dots inside a box — and
degraded the way a scanner and a ballot box degrade it: rotated up to ±3° (now and then fed upside down), scaled,
shifted, folded (a crease with its shadow), blurred, noised and JPEG-compressed.

Ground truth per box says whether it is marked and whether the mark is ``clear`` or ``doubtful`` by construction
(faint, half-erased, a tiny dot). A reader must read every clear box right; a doubtful box may come out ambiguous
or right, never wrong. Sheet ``i`` of seed ``s`` depends on ``(s, i)`` only, so any slice of a set can be made
again alone.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import cv2
import numpy as np

from zhixuan.paper.ballot_pdf import render_ballot
from zhixuan.paper.layout import CHOICES, MARGIN, PAGE_H, PAGE_W, BallotLayout, BallotSpec, Rect, ballot_layout
from zhixuan.scan.reader import WRITE_IN_LEFT, WRITE_IN_RIGHT, ExpectedBallot

Expect = Literal["read", "adjudicate", "refused"]

DEMO_NAMES = ("于敏", "王煦", "田军", "许静", "李明", "张孝菊", "邓海波", "侯建中", "赵一鸣", "董小红")


@dataclass(frozen=True)
class Mix:
    """How often each thing happens. Per ballot unless named per box."""

    p_for: float = 0.55  # per candidate: the voter's intent
    p_against: float = 0.20  # (the rest abstain; a fifth of abstentions tick the 弃权 box)
    p_tick_abstain: float = 0.2
    p_double: float = 0.002  # a row with two boxes marked (to adjudication)
    p_write_in: float = 0.002  # a name written in a write-in row, a tick beside it
    p_faint: float = 0.001  # a faint mark (doubtful, truly marked)
    p_erased: float = 0.001  # a half-erased mark (doubtful, not marked), often with the correction beside it
    p_dot_in_box: float = 0.001  # a tiny dot inside a box (doubtful, not marked)
    p_stray_dots: float = 0.3  # pen dots elsewhere on the sheet (not in a box): must be ignored
    p_fold: float = 0.5
    p_upside_down: float = 0.05
    max_rotation: float = 3.0  # degrees
    scale: tuple[float, float] = (0.97, 1.03)
    blur: tuple[float, float] = (0.3, 1.1)  # gaussian sigma, px at scanner resolution
    noise: tuple[float, float] = (1.5, 6.0)  # gray levels
    jpeg: tuple[int, int] = (60, 92)


CLEAN = Mix(p_double=0, p_write_in=0, p_faint=0, p_erased=0, p_dot_in_box=0)


@dataclass(frozen=True, slots=True)
class BoxTruth:
    row: int
    choice: str
    marked: bool
    doubtful: bool
    style: str  # blank | tick | cross | circle | fill | partial | faint | erased | dot

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "choice": self.choice,
            "marked": self.marked,
            "doubtful": self.doubtful,
            "style": self.style,
        }


@dataclass
class SheetTruth:
    index: int
    expect: Expect  # "read" also for a sheet with a doubtful box (see ``doubtful``)
    election: str
    round_key: str
    boxes: list[BoxTruth] = field(default_factory=list)
    ballot: dict[str, list[Any]] | None = None  # scenario form, for a sheet that reads clean
    write_in_rows: list[int] = field(default_factory=list)
    doubtful: bool = False  # a box doubtful by construction: adjudication or the right reading
    upside_down: bool = False
    rotation_deg: float = 0.0
    pens: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "expect": self.expect,
            "election": self.election,
            "round": self.round_key,
            "ballot": self.ballot,
            "write_in_rows": self.write_in_rows,
            "doubtful": self.doubtful,
            "upside_down": self.upside_down,
            "rotation_deg": round(self.rotation_deg, 3),
            "boxes": [b.to_json() for b in self.boxes],
        }


def demo_expected(
    election: str = "election-1",
    round_key: str = "r1-member",
    *,
    candidates: int = 10,
    seats: int = 5,
    write_in_rows: int = 2,
    style: str = "A",
) -> ExpectedBallot:
    """A member-round ballot with ``candidates`` fictional candidates ``a01…`` and ``write_in_rows`` write-in rows."""
    names = tuple((DEMO_NAMES * 5)[:candidates])
    ids = tuple(f"a{i + 1:02d}" for i in range(candidates))
    labels = tuple(f"{n}（{i}）" if names.count(n) > 1 else n for n, i in zip(names, ids, strict=True))
    spec = BallotSpec(election, round_key, style, "灵山乡党委委员选举票", "党委委员", seats, labels, write_in_rows)
    return ExpectedBallot(ballot_layout(spec), ids)


_RASTERS: dict[tuple[BallotSpec, int], np.ndarray] = {}


def rasterise(layout: BallotLayout, dpi: int) -> np.ndarray:
    """The printed ballot as poppler renders it, grayscale uint8 (kept per ballot and resolution)."""
    key = (layout.spec, dpi)
    if key not in _RASTERS:
        _RASTERS[key] = _rasterise(layout, dpi)
    return _RASTERS[key]


def _rasterise(layout: BallotLayout, dpi: int) -> np.ndarray:
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed to rasterise the ballot PDF")
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-"], input=render_ballot(layout), capture_output=True, check=True
    ).stdout
    return cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)


# --- pens and marks --------------------------------------------------------------------------------

_PENS = {  # darkness range (1 - gray/paper) and stroke width range in mm
    "black": ((0.82, 0.95), (0.35, 0.8)),
    "blue": ((0.58, 0.78), (0.35, 0.8)),
    "pencil": ((0.52, 0.70), (0.35, 0.6)),
}
_PEN_WEIGHTS = (0.55, 0.3, 0.15)
_CLEAR_STYLES = ("tick", "cross", "circle", "fill", "partial")
_CLEAR_WEIGHTS = (0.55, 0.22, 0.1, 0.06, 0.07)


class Synth:
    """Makes sheet ``i`` of a set: ``(jpeg_bytes, SheetTruth)``."""

    def __init__(
        self,
        expected: ExpectedBallot,
        *,
        seed: int = 0,
        dpi: int = 200,
        mix: Mix | None = None,
        foreign: ExpectedBallot | None = None,
        p_foreign: float = 0.0,
    ) -> None:
        self.expected = expected
        self.seed = seed
        self.dpi = dpi
        self.mix = mix or Mix()
        self.foreign = foreign
        self.p_foreign = p_foreign if foreign is not None else 0.0
        self.ppm = dpi / 25.4  # px per mm

    @cached_property
    def base(self) -> np.ndarray:
        return rasterise(self.expected.layout, self.dpi)

    @cached_property
    def foreign_base(self) -> np.ndarray:
        assert self.foreign is not None
        return rasterise(self.foreign.layout, self.dpi)

    @cached_property
    def _noise(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed ^ 0x5EED)
        h, w = self.base.shape
        z = rng.standard_normal((h + 64, w + 64)).astype(np.float32)
        return np.clip(z * 10, 0, 255).astype(np.uint8), np.clip(-z * 10, 0, 255).astype(np.uint8)

    # The drawing works in page millimetres; cv2 takes fixed-point pixel coordinates (4 fractional bits).
    def _p(self, x: float, y: float) -> tuple[int, int]:
        return (round(x * self.ppm * 16), round(y * self.ppm * 16))

    def _width(self, mm: float) -> int:
        return max(1, round(mm * self.ppm))

    def _stroke(self, ink: np.ndarray, pts: list[tuple[float, float]], value: int, width: float) -> None:
        arr = np.array([self._p(x, y) for x, y in pts], dtype=np.int32)
        cv2.polylines(ink, [arr], False, value, self._width(width), cv2.LINE_AA, shift=4)

    def _mark(self, ink: np.ndarray, rng: np.random.Generator, box: Rect, style: str, value: int, width: float) -> None:
        cx, cy = box.centre
        cx += rng.uniform(-0.7, 0.7)
        cy += rng.uniform(-0.7, 0.7)
        s = box.w * rng.uniform(0.75, 1.15) / 2  # half size of the mark

        def j(v: float = 0.35) -> float:
            return float(rng.uniform(-v, v))

        if style == "tick":
            pts = [
                (cx - s * 0.75 + j(), cy + j()),
                (cx - s * 0.2 + j(), cy + s * 0.7 + j()),
                (cx + s + j(), cy - s + j()),
            ]
            self._stroke(ink, pts, value, width)
        elif style == "cross":
            self._stroke(ink, [(cx - s + j(), cy - s + j()), (cx + s + j(), cy + s + j())], value, width)
            self._stroke(ink, [(cx + s + j(), cy - s + j()), (cx - s + j(), cy + s + j())], value, width)
        elif style == "circle":
            r = rng.uniform(1.6, 2.4)
            cv2.ellipse(
                ink,
                self._p(cx, cy),
                (round(r * self.ppm * 16), round(r * rng.uniform(0.8, 1.1) * self.ppm * 16)),
                float(rng.uniform(0, 180)),
                0,
                360,
                value,
                self._width(width),
                cv2.LINE_AA,
                shift=4,
            )
        elif style == "fill":
            x0, y0 = box.x + rng.uniform(-0.3, 0.8), box.y + rng.uniform(-0.3, 0.8)
            x1, y1 = box.x + box.w - rng.uniform(-0.3, 0.8), box.y + box.h - rng.uniform(-0.3, 0.8)
            cv2.rectangle(ink, self._p(x0, y0), self._p(x1, y1), value, -1, cv2.LINE_AA, shift=4)
        elif style == "partial":  # a zigzag scribble over part of the box
            top = box.y + rng.uniform(0.5, 1.5)
            bottom = box.y + box.h * rng.uniform(0.5, 0.9)
            n = int(rng.integers(4, 8))
            pts = []
            for k in range(n):
                y = top + (bottom - top) * k / (n - 1)
                pts.append((box.x + 0.8 + j(0.4), y))
                pts.append((box.x + box.w - 0.8 + j(0.4), y + (bottom - top) / (2 * (n - 1))))
            self._stroke(ink, pts, value, max(width, 0.6))
        elif style == "dot":
            r = rng.uniform(0.25, 0.45)
            cv2.circle(ink, self._p(cx, cy), round(r * self.ppm * 16), value, -1, cv2.LINE_AA, shift=4)
        else:  # pragma: no cover
            raise ValueError(style)

    def _pen(self, rng: np.random.Generator) -> tuple[str, int, float]:
        name = str(rng.choice(list(_PENS), p=_PEN_WEIGHTS))
        (d0, d1), (w0, w1) = _PENS[name]
        return name, round(255 * rng.uniform(d0, d1)), float(rng.uniform(w0, w1))

    def _write_name(self, ink: np.ndarray, rng: np.random.Generator, row_box: Rect, value: int, width: float) -> None:
        """Two or three handwritten-looking characters on the write-in line."""
        y_mid = row_box.y + row_box.h / 2 + 0.5
        x = WRITE_IN_LEFT + rng.uniform(1, 12)
        for _ in range(int(rng.integers(2, 4))):
            size = rng.uniform(3.5, 5.5)
            for _ in range(int(rng.integers(3, 7))):
                x0, y0 = x + rng.uniform(0, size), y_mid - size / 2 + rng.uniform(0, size)
                ang = rng.uniform(0, math.pi)
                ln = rng.uniform(1.5, size)
                self._stroke(ink, [(x0, y0), (x0 + ln * math.cos(ang), y0 + ln * math.sin(ang))], value, width * 0.8)
            x += size + rng.uniform(0.8, 2.0)
            if x > WRITE_IN_RIGHT - 6:
                break

    # --- one sheet -----------------------------------------------------------------------------------

    def sheet(self, index: int) -> tuple[bytes, SheetTruth]:
        rng = np.random.default_rng([self.seed, index])
        m = self.mix
        foreign = self.p_foreign > 0 and rng.random() < self.p_foreign
        exp = self.foreign if foreign else self.expected
        assert exp is not None
        base = self.foreign_base if foreign else self.base
        layout = exp.layout
        spec = layout.spec
        truth = SheetTruth(index, "read", spec.election, spec.round_key)
        ink = np.zeros_like(base)

        pen_name, value, width = self._pen(rng)
        truth.pens.append(pen_name)
        state: dict[tuple[int, str], BoxTruth] = {}
        doubtful_any = False
        candidate_rows = [r for r in layout.rows if r.kind == "candidate"]
        write_rows = [r for r in layout.rows if r.kind == "write_in"]

        for row in candidate_rows:
            u = rng.random()
            choice = "for" if u < m.p_for else "against" if u < m.p_for + m.p_against else "abstain"
            if choice == "abstain" and rng.random() >= m.p_tick_abstain:
                continue
            style = str(rng.choice(_CLEAR_STYLES, p=_CLEAR_WEIGHTS))
            self._mark(ink, rng, row.boxes[choice], style, value, width)  # type: ignore[index]
            state[(row.index, choice)] = BoxTruth(row.index, choice, True, False, style)

        def free_box() -> tuple[int, str] | None:
            for _ in range(20):
                row = candidate_rows[int(rng.integers(len(candidate_rows)))]
                choice = str(rng.choice(CHOICES))
                if (row.index, choice) not in state:
                    return row.index, choice
            return None

        rows_by_index = {r.index: r for r in layout.rows}
        if rng.random() < m.p_double:  # a second box marked in a row that already has a mark
            taken = sorted({r for r, _c in state})
            spot = None
            if taken:
                r = taken[int(rng.integers(len(taken)))]
                spot = next(((r, c) for c in rng.permutation(CHOICES) if (r, c) not in state), None)
            if spot:
                self._mark(ink, rng, rows_by_index[spot[0]].boxes[spot[1]], "tick", value, width)  # type: ignore[index]
                state[spot] = BoxTruth(spot[0], spot[1], True, False, "tick")
        for kind, p in (("faint", m.p_faint), ("erased", m.p_erased), ("dot", m.p_dot_in_box)):
            if rng.random() >= p:
                continue
            spot = free_box()
            if not spot:
                continue
            box = rows_by_index[spot[0]].boxes[spot[1]]  # type: ignore[index]
            doubtful_any = True
            if kind == "faint":
                self._mark(
                    ink, rng, box, str(rng.choice(("tick", "cross"))), round(255 * rng.uniform(0.22, 0.32)), width
                )
                state[spot] = BoxTruth(spot[0], spot[1], True, True, "faint")
            elif kind == "erased":
                layer = np.zeros_like(ink)
                self._mark(layer, rng, box, str(rng.choice(("tick", "cross"))), value, max(width, 0.5))
                layer = cv2.GaussianBlur(layer, (0, 0), 0.25 * self.ppm)  # the rubber smears what it leaves
                cv2.max(ink, cv2.convertScaleAbs(layer, alpha=rng.uniform(0.18, 0.38)), dst=ink)
                state[spot] = BoxTruth(spot[0], spot[1], False, True, "erased")
            else:
                self._mark(ink, rng, box, "dot", value, width)
                state[spot] = BoxTruth(spot[0], spot[1], False, True, "dot")

        write_ins: list[dict[str, Any]] = []
        if write_rows and rng.random() < m.p_write_in:
            row = write_rows[int(rng.integers(len(write_rows)))]
            self._write_name(ink, rng, row.name_box, value, width)
            self._mark(ink, rng, row.boxes["for"], "tick", value, width)
            state[(row.index, "for")] = BoxTruth(row.index, "for", True, False, "tick")
            truth.write_in_rows.append(row.index)
            write_ins.append({"row": row.index})

        if rng.random() < m.p_stray_dots:
            for _ in range(int(rng.integers(1, 4))):
                self._stray_dot(ink, rng, layout, value)

        # Ground truth per box and the ballot in scenario form.
        ballot: dict[str, list[Any]] = {"for": [], "against": [], "unclear": [], "write_ins": []}
        double = False
        for row in layout.rows:
            marked = []
            for choice in CHOICES:
                bt = state.get((row.index, choice)) or BoxTruth(row.index, choice, False, False, "blank")
                truth.boxes.append(bt)
                if bt.marked:
                    marked.append(choice)
            if row.kind == "candidate":
                cid = exp.candidate_ids[row.index]
                if len(marked) > 1:
                    ballot["unclear"].append(cid)
                    double = True
                elif marked and marked[0] != "abstain":
                    ballot[marked[0]].append(cid)
        truth.doubtful = doubtful_any
        if foreign:
            truth.expect = "refused"
        elif double or truth.write_in_rows:
            truth.expect = "adjudicate"
        else:
            truth.ballot = ballot  # a doubtful box may go to adjudication; read, it must give this ballot

        if rng.random() < m.p_fold:
            crease = np.zeros_like(ink)
            self._fold(crease, rng)
            cv2.max(ink, crease, dst=ink)
        image = self._degrade(base, ink, rng, truth)
        quality = int(rng.integers(m.jpeg[0], m.jpeg[1] + 1))
        ok, jpg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        return jpg.tobytes(), truth

    def _stray_dot(self, ink: np.ndarray, rng: np.random.Generator, layout: BallotLayout, value: int) -> None:
        """A pen dot away from every box and write-in line: a reader must ignore it."""
        for _ in range(30):
            x, y = rng.uniform(MARGIN + 9, PAGE_W - MARGIN - 9), rng.uniform(60, PAGE_H - MARGIN - 9)
            near_box = any(
                b.x - 1.8 < x < b.x + b.w + 1.8 and b.y - 1.8 < y < b.y + b.h + 1.8
                for r in layout.rows
                for b in r.boxes.values()
            )
            near_line = any(
                r.kind == "write_in"
                and WRITE_IN_LEFT - 2 < x < WRITE_IN_RIGHT + 2
                and r.name_box.y <= y <= r.name_box.y + r.name_box.h
                for r in layout.rows
            )
            if not (near_box or near_line):
                r = rng.uniform(0.2, 0.6)
                cv2.circle(ink, self._p(x, y), round(r * self.ppm * 16), value, -1, cv2.LINE_AA, shift=4)
                return

    def _fold(self, ink: np.ndarray, rng: np.random.Generator) -> None:
        """A crease across the sheet: a faint line in a soft shadow band."""
        y = rng.uniform(PAGE_H * 0.3, PAGE_H * 0.7)
        tilt = rng.uniform(-4, 4)
        a, b = (-5.0, y - tilt), (PAGE_W + 5, y + tilt)
        shadow = rng.uniform(0.02, 0.07)
        for k, w in enumerate((12.0, 8.0, 4.0)):
            self._stroke(ink, [a, b], round(255 * shadow * (k + 1) / 3), w)
        self._stroke(ink, [a, b], round(255 * rng.uniform(0.06, 0.12)), 0.3)

    def _degrade(self, base: np.ndarray, ink: np.ndarray, rng: np.random.Generator, truth: SheetTruth) -> np.ndarray:
        m = self.mix
        h, w = base.shape
        paper = rng.uniform(228, 250)
        inv = cv2.subtract(np.full_like(ink, 255), ink)
        page = cv2.multiply(base, inv, scale=paper / 255 / 255)
        angle = float(rng.uniform(-m.max_rotation, m.max_rotation))
        upside = bool(rng.random() < m.p_upside_down)
        truth.rotation_deg = -angle  # clockwise on the image, as the reader reports it
        truth.upside_down = upside
        scale = float(rng.uniform(*m.scale))
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle + (180.0 if upside else 0.0), scale)
        rot[0, 2] += rng.uniform(-3, 3) * self.ppm
        rot[1, 2] += rng.uniform(-3, 3) * self.ppm
        page = cv2.warpAffine(page, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=int(paper))
        sigma = float(rng.uniform(*m.blur))
        page = cv2.GaussianBlur(page, (0, 0), sigma)
        pos, neg = self._noise
        level = float(rng.uniform(*m.noise)) / 10
        ox, oy = int(rng.integers(0, 64)), int(rng.integers(0, 64))
        page = cv2.add(page, cv2.convertScaleAbs(pos[oy : oy + h, ox : ox + w], alpha=level))
        page = cv2.subtract(page, cv2.convertScaleAbs(neg[oy : oy + h, ox : ox + w], alpha=level))
        return page
