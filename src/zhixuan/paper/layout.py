"""Geometry of a printed election ballot, in millimetres from the page's top-left corner.

One layout serves the printer (``ballot_pdf``) and, later, the scanner: the scanner finds the four
registration marks, maps the page back onto this geometry, and measures each mark box. No
per-voter serial is printed (S1): every ballot of a round and style is identical, and the QR code
names only the election, the round and the ballot style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PAGE_W = 210.0
PAGE_H = 297.0
MARGIN = 12.0
FIDUCIAL = 7.0  # solid squares in the four corners (registration marks)
QR_SIZE = 26.0
BOX = 7.0  # a mark box is a square of this side
TABLE_TOP = 78.0
TABLE_BOTTOM = PAGE_H - MARGIN - FIDUCIAL - 6.0
ROW_MAX = 12.0
ROW_MIN = 9.0
NAME_LEFT = MARGIN + 8.0
CHOICE_CENTRES = (120.0, 150.0, 180.0)  # x of 赞成 / 不赞成 / 弃权 box centres

Choice = Literal["for", "against", "abstain"]
CHOICES: tuple[Choice, ...] = ("for", "against", "abstain")
CHOICE_ZH = {"for": "赞成", "against": "不赞成", "abstain": "弃权"}
QR_PREFIX = "ZXB1"


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True, slots=True)
class BallotSpec:
    """What one round's ballot shows. ``candidates`` are names already in C4 stroke order."""

    election: str
    round_key: str
    style: str
    title: str
    position: str
    seats: int
    candidates: tuple[str, ...]
    write_in_rows: int

    def __post_init__(self) -> None:
        for label, value in (("election", self.election), ("round", self.round_key), ("style", self.style)):
            if not value or "|" in value:
                raise ValueError(f"{label} id {value!r} must be non-empty and must not contain '|'")
        if self.seats < 1 or not self.candidates:
            raise ValueError("a ballot needs at least one seat and one candidate")


@dataclass(frozen=True, slots=True)
class Row:
    """A candidate row (a printed name) or a write-in row (a blank line for another person's name)."""

    index: int
    kind: Literal["candidate", "write_in"]
    label: str
    name_box: Rect
    boxes: dict[Choice, Rect]


@dataclass(frozen=True, slots=True)
class BallotLayout:
    spec: BallotSpec
    fiducials: tuple[Rect, Rect, Rect, Rect]  # top-left, top-right, bottom-left, bottom-right
    qr: Rect
    row_height: float
    rows: tuple[Row, ...]

    @property
    def qr_payload(self) -> str:
        return qr_payload(self.spec)


def qr_payload(spec: BallotSpec) -> str:
    return f"{QR_PREFIX}|{spec.election}|{spec.round_key}|{spec.style}"


def parse_qr_payload(text: str) -> tuple[str, str, str]:
    """``(election, round, style)`` from a ballot's QR text; ValueError if it is not one of ours."""
    parts = text.split("|")
    if len(parts) != 4 or parts[0] != QR_PREFIX or not all(parts[1:]):
        raise ValueError(f"not a zhixuan ballot code: {text!r}")
    return parts[1], parts[2], parts[3]


def _fiducials() -> tuple[Rect, Rect, Rect, Rect]:
    left, right = MARGIN, PAGE_W - MARGIN - FIDUCIAL
    top, bottom = MARGIN, PAGE_H - MARGIN - FIDUCIAL
    return (
        Rect(left, top, FIDUCIAL, FIDUCIAL),
        Rect(right, top, FIDUCIAL, FIDUCIAL),
        Rect(left, bottom, FIDUCIAL, FIDUCIAL),
        Rect(right, bottom, FIDUCIAL, FIDUCIAL),
    )


def ballot_layout(spec: BallotSpec) -> BallotLayout:
    """Place every row; rows shrink from 12 mm to 9 mm before a ballot is refused as too long."""
    count = len(spec.candidates) + spec.write_in_rows
    # One header row above the table names the three columns.
    space = TABLE_BOTTOM - TABLE_TOP
    row_h = min(ROW_MAX, space / (count + 1))
    if row_h < ROW_MIN:
        most = int(space // ROW_MIN) - 1
        raise ValueError(f"{count} rows do not fit on one A4 ballot (at most {most})")
    rows: list[Row] = []
    for i in range(count):
        top = TABLE_TOP + row_h * (i + 1)
        centre_y = top + row_h / 2
        boxes = {
            c: Rect(cx - BOX / 2, centre_y - BOX / 2, BOX, BOX) for c, cx in zip(CHOICES, CHOICE_CENTRES, strict=True)
        }
        name_box = Rect(NAME_LEFT, top, CHOICE_CENTRES[0] - 15.0 - NAME_LEFT, row_h)
        if i < len(spec.candidates):
            rows.append(Row(i, "candidate", spec.candidates[i], name_box, boxes))
        else:
            rows.append(Row(i, "write_in", "", name_box, boxes))
    qr = Rect(PAGE_W - MARGIN - QR_SIZE, MARGIN + FIDUCIAL + 3.0, QR_SIZE, QR_SIZE)
    return BallotLayout(spec, _fiducials(), qr, row_h, tuple(rows))
