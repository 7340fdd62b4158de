"""Read one scanned ballot sheet back onto the geometry it was printed from (``zhixuan.paper.layout``).

Steps: find the four registration squares, map the printed layout onto the image with a homography (rotation,
skew, scale; a sheet fed upside down is recognised by where its QR code is), decode the QR code and refuse a
sheet of another election, round or ballot style, then measure every mark box.

A box is measured inside its printed border (the border itself is never counted as ink), against the local
paper white, with two fractions: ``trace`` (pixels visibly darker than the paper) and ``ink`` (pixels dark like a
pen or pencil stroke). Two thresholds classify it: nearly no trace → blank, enough ink → marked, anything in
between → ambiguous. An ambiguous box is never guessed: the ballot goes to two tellers (adjudication), as does a
ballot with ink in a write-in row (a name must be read by people) or two marks in one row.

Ballot-level validity (over-votes, write-ins, M4/M5) is not decided here: a clean sheet yields the ballot in the
scenario form ``{"for": [...], "against": [...], "unclear": [...], "write_ins": [...]}`` and the rules core reads it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import cv2
import numpy as np
import zxingcpp

from zhixuan.paper.layout import (
    CHOICE_CENTRES,
    CHOICES,
    MARGIN,
    PAGE_H,
    PAGE_W,
    BallotLayout,
    Rect,
    parse_qr_payload,
)

BoxStatus = Literal["marked", "blank", "ambiguous"]
SheetStatus = Literal["read", "adjudicate", "refused"]

SCALE = 4.0  # px per mm of the canonical (corrected) page image
REDUCE_FROM = 700  # px across the page: a scan twice as wide or more is read at half size (~100 dpi)
BOX_INSET = 1.1  # mm inside the printed box edge: the 1 pt border and registration error stay outside
WRITE_IN_LEFT = MARGIN + 30.0 + 0.8  # the printed name line runs from MARGIN+30 to CHOICE_CENTRES[0]-16
WRITE_IN_RIGHT = CHOICE_CENTRES[0] - 16.0 - 0.5
QR_QUIET = 3.0  # mm of page kept around the QR code when it is cut out for decoding


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Relative darkness ``1 - pixel / paper`` levels and the fractions of a box's inside that classify it."""

    trace: float = 0.20  # a pixel this much darker than the paper is a visible trace
    ink: float = 0.40  # ... and this much darker is ink of a stroke (pen or pencil)
    blank_max: float = 0.010  # trace fraction up to this → blank
    marked_min: float = 0.070  # ink fraction from this → marked (between the two → ambiguous)
    write_in_trace: float = 0.30  # darkness counted as handwriting on a write-in line
    write_in_min: float = 0.004  # fraction of the write-in line area → ink, ballot to adjudication
    border_min: float = 0.25  # mean darkness of a printed box border; lower means the layout is misplaced


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class ExpectedBallot:
    """The ballot a round printed: its layout and the candidate id of each candidate row, in ballot order."""

    layout: BallotLayout
    candidate_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        rows = sum(1 for r in self.layout.rows if r.kind == "candidate")
        if rows != len(self.candidate_ids):
            raise ValueError(f"{len(self.candidate_ids)} candidate ids for {rows} candidate rows")

    @property
    def key(self) -> tuple[str, str, str]:
        spec = self.layout.spec
        return (spec.election, spec.round_key, spec.style)


Lookup = Callable[[str, str, str], "ExpectedBallot | BallotLayout | None"]


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # no_registration | no_qr | foreign | unknown_style | misaligned | ambiguous | double | write_in
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class BoxReading:
    row: int
    row_kind: Literal["candidate", "write_in"]
    candidate: str | None  # candidate id of a candidate row
    choice: str  # for | against | abstain
    trace: float
    ink: float
    status: BoxStatus

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "row_kind": self.row_kind,
            "candidate": self.candidate,
            "choice": self.choice,
            "trace": round(self.trace, 4),
            "ink": round(self.ink, 4),
            "status": self.status,
        }


@dataclass
class SheetReading:
    """What one sheet says. ``ballot`` is set for a clean sheet (status ``read``); ``proposed`` for one that
    goes to adjudication (its doubtful rows as ``unclear``, write-ins left for the tellers to name)."""

    status: SheetStatus
    reasons: list[Reason] = field(default_factory=list)
    election: str | None = None
    round_key: str | None = None
    style: str | None = None
    upside_down: bool = False
    rotation_deg: float = 0.0
    scale: float = 0.0  # image px per mm
    boxes: list[BoxReading] = field(default_factory=list)
    write_in_rows_with_ink: list[int] = field(default_factory=list)
    ballot: dict[str, list[Any]] | None = None
    proposed: dict[str, list[Any]] | None = None
    annotated: np.ndarray | None = None  # BGR image of the corrected page, boxes outlined by class

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reasons": [r.to_json() for r in self.reasons],
            "election": self.election,
            "round": self.round_key,
            "style": self.style,
            "upside_down": self.upside_down,
            "rotation_deg": round(self.rotation_deg, 2),
            "px_per_mm": round(self.scale, 3),
            "write_in_rows_with_ink": self.write_in_rows_with_ink,
            "ballot": self.ballot,
            "proposed": self.proposed,
            "boxes": [b.to_json() for b in self.boxes],
        }


class ScanError(ValueError):
    """A sheet that cannot be read at all (refused); carries the reason."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.en)
        self.reason = reason


# --- loading ---------------------------------------------------------------------------------------


def load_gray(image: Any) -> np.ndarray:
    """A grayscale uint8 array from an array (gray or BGR), a PIL image, encoded bytes or a file path.

    Scans finer than about 180 dpi are reduced while decoding (JPEG's own DCT scaling): ~100 dpi is plenty for
    7 mm boxes and a 26 mm QR code, and it keeps reading fast.
    """
    if isinstance(image, np.ndarray):
        arr = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else np.asarray(image, dtype=np.uint8)
        return _reduce(arr)
    if hasattr(image, "convert"):  # PIL
        return _reduce(np.asarray(image.convert("L"), dtype=np.uint8))
    if not isinstance(image, bytes | bytearray | memoryview):
        try:
            with open(image, "rb") as fh:
                image = fh.read()
        except OSError:
            raise ScanError(
                Reason("unreadable", f"无法读取图像文件 {image}", f"cannot read the image file {image}")
            ) from None
    data = np.frombuffer(image, np.uint8)
    flag = cv2.IMREAD_GRAYSCALE
    try:
        from PIL import Image

        width = Image.open(io.BytesIO(bytes(image))).size[0]
        flag = (
            cv2.IMREAD_REDUCED_GRAYSCALE_4
            if width >= 4 * REDUCE_FROM
            else cv2.IMREAD_REDUCED_GRAYSCALE_2
            if width >= 2 * REDUCE_FROM
            else flag
        )
    except Exception:
        pass
    arr = cv2.imdecode(data, flag)
    if arr is None:
        raise ScanError(Reason("unreadable", "无法解码图像文件", "the image file cannot be decoded"))
    return arr


def _reduce(arr: np.ndarray) -> np.ndarray:
    factor = arr.shape[1] // REDUCE_FROM
    if factor < 2:
        return np.ascontiguousarray(arr)
    size = (arr.shape[1] // factor, arr.shape[0] // factor)
    return cv2.resize(arr, size, interpolation=cv2.INTER_AREA)


# --- registration ----------------------------------------------------------------------------------


def _fiducial_centres_mm(layout: BallotLayout) -> np.ndarray:
    return np.array([f.centre for f in layout.fiducials], dtype=np.float64)  # TL, TR, BL, BR


def _find_fiducials(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Image centres of the four registration squares (ordered by image corner: TL, TR, BL, BR) and px/mm."""
    h, w = gray.shape
    est = w / PAGE_W  # a scanner returns the page; the exact scale comes from the squares
    small_scale = 2.0
    f = small_scale / est
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    _t, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _n, _labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    side = 7.0 * small_scale
    bw, bh, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    keep = (
        (bw >= 0.65 * side)
        & (bw <= 1.5 * side)
        & (bh >= 0.65 * side)
        & (bh <= 1.5 * side)
        & (area >= 0.45 * side * side)
        & (area <= 1.8 * side * side)
        & (area >= 0.72 * bw * bh)
    )
    candidates = [(float(x), float(y)) for x, y in centroids[1:][keep]]
    sh, sw = small.shape
    corners = [(0.0, 0.0), (sw, 0.0), (0.0, sh), (sw, sh)]
    found: list[tuple[float, float]] = []
    for cx, cy in corners:
        near = [c for c in candidates if abs(c[0] - cx) < sw * 0.35 and abs(c[1] - cy) < sh * 0.3]
        if not near:
            raise ScanError(
                Reason("no_registration", "找不到四角定位标记，无法读取", "the four registration marks are not found")
            )
        found.append(min(near, key=lambda c: (c[0] - cx) ** 2 + (c[1] - cy) ** 2))
    pts = np.array(found, dtype=np.float64) / f
    # Refine on the full image: centroid of the dark square in a window around each.
    refined = []
    win = round(6.5 * est)
    for x, y in pts:
        x0, y0 = max(0, int(x) - win), max(0, int(y) - win)
        x1, y1 = min(w, int(x) + win), min(h, int(y) + win)
        patch = gray[y0:y1, x0:x1]
        _t, pb = cv2.threshold(patch, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        n2, _lab2, st2, cen2 = cv2.connectedComponentsWithStats(pb, connectivity=8)
        if n2 < 2:
            refined.append((x, y))
            continue
        k = 1 + int(np.argmax(st2[1:, cv2.CC_STAT_AREA]))
        refined.append((x0 + float(cen2[k][0]), y0 + float(cen2[k][1])))
    pts = np.array(refined, dtype=np.float64)
    # The squares must form the printed rectangle (179 × 266 mm between centres), up to scale.
    top = np.linalg.norm(pts[1] - pts[0])
    bottom = np.linalg.norm(pts[3] - pts[2])
    left = np.linalg.norm(pts[2] - pts[0])
    right = np.linalg.norm(pts[3] - pts[1])
    expected_ratio = (PAGE_H - 2 * MARGIN - 7.0) / (PAGE_W - 2 * MARGIN - 7.0)
    ratio = (left + right) / (top + bottom)
    if abs(ratio / expected_ratio - 1) > 0.04 or abs(top / bottom - 1) > 0.04 or abs(left / right - 1) > 0.04:
        raise ScanError(
            Reason(
                "no_registration",
                "四角定位标记的位置不像本系统印制的选票（可能不是选票或纸张严重变形）",
                "the registration marks do not form the printed rectangle (not a ballot, or badly distorted)",
            )
        )
    px_per_mm = (top + bottom) / 2 / (PAGE_W - 2 * MARGIN - 7.0)
    return pts, px_per_mm


def _homography(layout: BallotLayout, image_pts: np.ndarray, upside_down: bool) -> np.ndarray:
    """Canonical page pixels (SCALE px/mm) → image pixels."""
    src = _fiducial_centres_mm(layout) * SCALE
    dst = image_pts[[3, 2, 1, 0]] if upside_down else image_pts
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))


def _decode_qr(gray: np.ndarray, h: np.ndarray, layout: BallotLayout) -> str | None:
    q = layout.qr
    x0, y0 = (q.x - QR_QUIET) * SCALE, (q.y - QR_QUIET) * SCALE
    size = round((q.w + 2 * QR_QUIET) * SCALE)
    shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], dtype=np.float64)
    crop = cv2.warpPerspective(
        gray, h @ shift, (size, size), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR, borderValue=255
    )
    results = zxingcpp.read_barcodes(crop, formats=zxingcpp.BarcodeFormat.QRCode)
    for r in results:
        if r.valid and r.text:
            return str(r.text)
    return None


# --- measuring -------------------------------------------------------------------------------------


def _px(r: Rect, inset: float = 0.0) -> tuple[int, int, int, int]:
    return (
        round((r.x + inset) * SCALE),
        round((r.y + inset) * SCALE),
        round((r.x + r.w - inset) * SCALE),
        round((r.y + r.h - inset) * SCALE),
    )


def _lightness(page: np.ndarray) -> np.ndarray:
    """``255 × pixel / local paper white`` over the canonical page (uint8): 255 is paper, 0 is black.

    The paper white is the brightest level within 15 mm (larger than a filled box), smoothed: a crease shadow or a
    grey scan lowers it, so darkness is always measured against the paper around the box.
    """
    small = cv2.resize(page, (round(PAGE_W), round(PAGE_H)), interpolation=cv2.INTER_AREA)  # 1 px per mm
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = np.maximum(paper, 40)
    paper = cv2.resize(paper, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(page, paper, scale=255)


def _classify(trace: float, ink: float, t: Thresholds) -> BoxStatus:
    if ink >= t.marked_min:
        return "marked"
    if trace <= t.blank_max:
        return "blank"
    return "ambiguous"


def read_sheet(
    image: Any,
    expected: ExpectedBallot | BallotLayout | Lookup,
    *,
    election: str | None = None,
    round_key: str | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    annotate: bool = True,
) -> SheetReading:
    """Read one sheet. ``expected`` is the round's ballot, or a lookup ``(election, round, style) → ballot``.

    With a single expected ballot, a sheet whose QR code names another election, round or style is refused;
    with a lookup, ``election``/``round_key`` (when given) must match the QR code.
    """
    try:
        gray = load_gray(image)
        return _read(gray, expected, election, round_key, thresholds, annotate)
    except ScanError as exc:
        return SheetReading(status="refused", reasons=[exc.reason])


def _as_expected(found: ExpectedBallot | BallotLayout) -> ExpectedBallot:
    if isinstance(found, ExpectedBallot):
        return found
    ids = tuple(r.label for r in found.rows if r.kind == "candidate")
    return ExpectedBallot(found, ids)


def _read(
    gray: np.ndarray,
    expected: ExpectedBallot | BallotLayout | Lookup,
    election: str | None,
    round_key: str | None,
    t: Thresholds,
    annotate: bool,
) -> SheetReading:
    fixed = None if callable(expected) and not isinstance(expected, ExpectedBallot | BallotLayout) else expected
    if fixed is not None:
        fixed = _as_expected(fixed)
        election = election or fixed.layout.spec.election
        round_key = round_key or fixed.layout.spec.round_key
    pts, px_per_mm = _find_fiducials(gray)
    # The QR code sits at the top right: where it decodes tells whether the sheet was fed upside down.
    # Its position depends only on the page, so any layout finds it.
    probe_layout = fixed.layout if fixed is not None else None
    if probe_layout is None:
        from zhixuan.paper.layout import BallotSpec, ballot_layout

        probe_layout = ballot_layout(BallotSpec("x", "x", "x", "", "", 1, ("x",), 0))
    payload = None
    upside_down = False
    hom = np.eye(3)
    for flip in (False, True):
        hom = _homography(probe_layout, pts, flip)
        payload = _decode_qr(gray, hom, probe_layout)
        if payload is not None:
            upside_down = flip
            break
    if payload is None:
        raise ScanError(Reason("no_qr", "选票二维码无法识别", "the ballot's QR code cannot be read"))
    try:
        qr_election, qr_round, qr_style = parse_qr_payload(payload)
    except ValueError:
        raise ScanError(
            Reason("no_qr", f"二维码不是本系统的选票编码：{payload}", f"the QR code is not a zhixuan ballot: {payload}")
        ) from None
    if (election and qr_election != election) or (round_key and qr_round != round_key):
        raise ScanError(
            Reason(
                "foreign",
                f"这张选票属于选举 {qr_election} 的 {qr_round} 轮，"
                f"不是本次读取的选举 {election} 的 {round_key} 轮，拒收",
                f"this sheet belongs to election {qr_election} round {qr_round}, not election {election} "
                f"round {round_key}: refused",
            )
        )
    if fixed is not None:
        if qr_style != fixed.layout.spec.style:
            raise ScanError(
                Reason(
                    "unknown_style",
                    f"选票样式 {qr_style} 不是本轮印制的样式 {fixed.layout.spec.style}",
                    f"ballot style {qr_style} is not this round's style {fixed.layout.spec.style}",
                )
            )
        exp = fixed
    else:
        assert callable(expected)
        found = expected(qr_election, qr_round, qr_style)
        if found is None:
            raise ScanError(
                Reason(
                    "unknown_style",
                    f"找不到选举 {qr_election} {qr_round} 轮样式 {qr_style} 的选票版式",
                    f"no printed layout for election {qr_election} round {qr_round} style {qr_style}",
                )
            )
        exp = _as_expected(found)
        hom = _homography(exp.layout, pts, upside_down)

    width, height = round(PAGE_W * SCALE), round(PAGE_H * SCALE)
    page = cv2.warpPerspective(
        gray, hom, (width, height), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR, borderValue=255
    )
    light = _lightness(page)
    trace_mask = light <= round(255 * (1 - t.trace))
    ink_mask = light <= round(255 * (1 - t.ink))

    reading = SheetReading(
        status="read",
        election=qr_election,
        round_key=qr_round,
        style=qr_style,
        upside_down=upside_down,
        scale=px_per_mm,
    )
    # Skew, clockwise on the image, apart from the half turn of a sheet fed upside down.
    top_vec = pts[1] - pts[0]
    reading.rotation_deg = math.degrees(math.atan2(top_vec[1], top_vec[0]))

    candidate_ids = exp.candidate_ids
    weak_border = 0
    for row in exp.layout.rows:
        cand = candidate_ids[row.index] if row.kind == "candidate" else None
        for choice in CHOICES:
            box = row.boxes[choice]
            x0, y0, x1, y1 = _px(box, BOX_INSET)
            inside_trace = float(trace_mask[y0:y1, x0:x1].mean())
            inside_ink = float(ink_mask[y0:y1, x0:x1].mean())
            bx0, by0, bx1, by1 = _px(box, -0.25)
            ring = light[by0:by1, bx0:bx1]
            inner = light[by0 + 3 : by1 - 3, bx0 + 3 : bx1 - 3]
            lit = (float(ring.sum(dtype=np.int64)) - float(inner.sum(dtype=np.int64))) / max(1, ring.size - inner.size)
            border = 1 - lit / 255
            if border < t.border_min:
                weak_border += 1
            reading.boxes.append(
                BoxReading(
                    row.index, row.kind, cand, choice, inside_trace, inside_ink, _classify(inside_trace, inside_ink, t)
                )
            )
        if row.kind == "write_in":
            ly = row.name_box.y + row.name_box.h / 2 + 3.0  # the printed name line
            y_top = round((row.name_box.y + 0.8) * SCALE)
            y_bot = round((row.name_box.y + row.name_box.h - 0.8) * SCALE)
            l0, l1 = round((ly - 0.8) * SCALE), round((ly + 0.8) * SCALE)
            xa, xb = round(WRITE_IN_LEFT * SCALE), round(WRITE_IN_RIGHT * SCALE)
            level = round(255 * (1 - t.write_in_trace))
            region = np.concatenate([light[y_top:l0, xa:xb].ravel(), light[l1:y_bot, xa:xb].ravel()])
            if float((region <= level).mean()) >= t.write_in_min:
                reading.write_in_rows_with_ink.append(row.index)
    if weak_border > len(reading.boxes) // 4:
        raise ScanError(
            Reason(
                "misaligned",
                "印制的方框与版式不符（版式不对或纸张变形），拒收",
                "the printed boxes are not where the layout puts them (wrong layout or distorted sheet): refused",
            )
        )
    _conclude(reading)
    if annotate:
        reading.annotated = _annotate(page, exp.layout, reading)
    return reading


def _conclude(reading: SheetReading) -> None:
    ballot: dict[str, list[Any]] = {"for": [], "against": [], "unclear": [], "write_ins": []}
    ambiguous_rows: list[int] = []
    double_rows: list[int] = []
    by_row: dict[int, list[BoxReading]] = {}
    for b in reading.boxes:
        by_row.setdefault(b.row, []).append(b)
    for row, boxes in by_row.items():
        marked = [b for b in boxes if b.status == "marked"]
        doubtful = any(b.status == "ambiguous" for b in boxes)
        if doubtful:
            ambiguous_rows.append(row)
        elif len(marked) > 1:
            double_rows.append(row)
        if boxes[0].row_kind == "write_in":
            if (marked or doubtful) and row not in reading.write_in_rows_with_ink:
                reading.write_in_rows_with_ink.append(row)
            continue
        cand = boxes[0].candidate
        if doubtful or len(marked) > 1:
            ballot["unclear"].append(cand)
        elif marked and marked[0].choice in ("for", "against"):
            ballot[marked[0].choice].append(cand)
    reading.write_in_rows_with_ink.sort()
    if ambiguous_rows:
        rows = "、".join(str(r + 1) for r in ambiguous_rows)
        reading.reasons.append(
            Reason(
                "ambiguous",
                f"第 {rows} 行有无法确定的标记（过淡、擦除或过小），须两名计票人裁定",
                f"row(s) {', '.join(str(r + 1) for r in ambiguous_rows)}: a doubtful mark (faint, erased or tiny); "
                "two tellers decide",
            )
        )
    if double_rows:
        rows = "、".join(str(r + 1) for r in double_rows)
        reading.reasons.append(
            Reason(
                "double",
                f"第 {rows} 行划了不止一格，须两名计票人裁定",
                f"row(s) {', '.join(str(r + 1) for r in double_rows)}: more than one box marked; two tellers decide",
            )
        )
    if reading.write_in_rows_with_ink:
        rows = "、".join(str(r + 1) for r in reading.write_in_rows_with_ink)
        reading.reasons.append(
            Reason(
                "write_in",
                f"第 {rows} 行（另选他人）有字迹，姓名须由两名计票人认读",
                f"row(s) {', '.join(str(r + 1) for r in reading.write_in_rows_with_ink)} (write-in) carry ink; "
                "two tellers read the name",
            )
        )
    if reading.reasons:
        reading.status = "adjudicate"
        reading.proposed = ballot
    else:
        reading.ballot = ballot


_COLOURS = {"marked": (0, 150, 0), "blank": (200, 170, 120), "ambiguous": (0, 140, 255)}


def _annotate(page: np.ndarray, layout: BallotLayout, reading: SheetReading) -> np.ndarray:
    out = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    rows = {r.index: r for r in layout.rows}
    for b in reading.boxes:
        x0, y0, x1, y1 = _px(rows[b.row].boxes[b.choice], -0.8)  # type: ignore[index]
        cv2.rectangle(out, (x0, y0), (x1, y1), _COLOURS[b.status], 3 if b.status != "blank" else 1)
    for index in reading.write_in_rows_with_ink:
        x0, y0, x1, y1 = _px(rows[index].name_box)
        cv2.rectangle(out, (x0, y0), (x1, y1), (0, 0, 220), 3)
    label = {"read": "READ", "adjudicate": "ADJUDICATE", "refused": "REFUSED"}[reading.status]
    colour = (0, 150, 0) if reading.status == "read" else (0, 0, 220)
    text = f"{label} {reading.election}|{reading.round_key}|{reading.style}"
    if reading.upside_down:
        text += " (fed upside down)"
    cv2.putText(out, text, (round(MARGIN * SCALE), round(8 * SCALE)), cv2.FONT_HERSHEY_SIMPLEX, 1.0, colour, 2)
    return out
