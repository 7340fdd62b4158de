"""Compare a reading with the synthetic ground truth: misread marks, adjudications, refusals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from zhixuan.scan.reader import SheetReading
from zhixuan.scan.synth import SheetTruth


@dataclass
class Score:
    sheets: int = 0
    boxes: int = 0
    misread_boxes: int = 0  # a confident reading (marked/blank) that contradicts the truth: must stay 0
    wrong_ballots: int = 0  # a sheet read clean whose ballot differs from the truth: must stay 0
    wrong_status: int = 0  # refused ↔ read mixed up, or a write-in / double-marked sheet read as clean
    status: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    ambiguous_clear_boxes: int = 0  # clear boxes sent to adjudication (the reader's own doubt)
    ambiguous_doubtful_boxes: int = 0
    adjudicated_by_construction: int = 0  # sheets the generator made doubtful / double / write-in
    adjudicated_by_reader: int = 0  # sheets the generator made clean that the reader sent to adjudication
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, reading: SheetReading, truth: SheetTruth) -> None:
        self.sheets += 1
        self.status[reading.status] += 1
        for r in reading.reasons:
            self.reasons[r.code] += 1
        if truth.expect == "refused" or reading.status == "refused":
            if truth.expect != reading.status:
                self.wrong_status += 1
                self._example(reading, truth, "status")
            return
        if reading.status == "adjudicate":
            if truth.expect == "adjudicate" or truth.doubtful:
                self.adjudicated_by_construction += 1
            else:
                self.adjudicated_by_reader += 1
        elif truth.expect == "adjudicate":
            self.wrong_status += 1
            self._example(reading, truth, "status")
        truths = {(b.row, b.choice): b for b in truth.boxes}
        for box in reading.boxes:
            self.boxes += 1
            t = truths[(box.row, box.choice)]
            if box.status == "ambiguous":
                if t.doubtful:
                    self.ambiguous_doubtful_boxes += 1
                else:
                    self.ambiguous_clear_boxes += 1
            elif (box.status == "marked") != t.marked:
                self.misread_boxes += 1
                self._example(reading, truth, f"box {box.row}/{box.choice} {box.status} vs {t.style}")
        if reading.status == "read" and reading.ballot != truth.ballot:
            self.wrong_ballots += 1
            self._example(reading, truth, "ballot")

    def _example(self, reading: SheetReading, truth: SheetTruth, what: str) -> None:
        if len(self.examples) < 20:
            self.examples.append({"sheet": truth.index, "what": what, "reasons": [r.en for r in reading.reasons]})

    def merge(self, other: Score) -> None:
        for name in (
            "sheets",
            "boxes",
            "misread_boxes",
            "wrong_ballots",
            "wrong_status",
            "ambiguous_clear_boxes",
            "ambiguous_doubtful_boxes",
            "adjudicated_by_construction",
            "adjudicated_by_reader",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.status.update(other.status)
        self.reasons.update(other.reasons)
        self.examples = (self.examples + other.examples)[:20]

    def to_json(self) -> dict[str, Any]:
        adjudicated = self.status.get("adjudicate", 0)
        return {
            "sheets": self.sheets,
            "mark_positions": self.boxes,
            "misread_marks": self.misread_boxes,
            "wrong_ballots": self.wrong_ballots,
            "wrong_status": self.wrong_status,
            "status": dict(self.status),
            "reasons": dict(self.reasons),
            "adjudication_rate": adjudicated / self.sheets if self.sheets else 0.0,
            "adjudicated_by_construction": self.adjudicated_by_construction,
            "adjudicated_by_reader": self.adjudicated_by_reader,
            "ambiguous_clear_boxes": self.ambiguous_clear_boxes,
            "ambiguous_doubtful_boxes": self.ambiguous_doubtful_boxes,
            "examples": self.examples,
        }
