"""Benchmark of the ballot scanner on synthetic scans with ground truth (issue 6).

    .venv/bin/python benchmarks/bench_scan.py --ballots 42000 --workers 2 --out benchmarks/results/scan.json

Sheets are generated in a streaming way (sheet ``i`` of a seed depends on ``(seed, i)`` only), in chunks spread over
``--workers`` processes; each is read by ``zhixuan.scan.reader.read_sheet`` (annotated image made and JPEG-encoded,
as kept for the record) and compared with its ground truth. Reported: mark positions, misread marks (must be 0),
ballots read wrong (must be 0), adjudication rate (ballots), and reading speed on one core: OpenCV is held to one
thread and the speed is ballots per CPU-second of reading (``time.process_time``), so a busy machine does not
distort it; wall-clock time is reported beside it. Generation time is not counted as reading time.
The JSON file is rewritten after every chunk, so an interrupted run still leaves its figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import sys
import time
from pathlib import Path
from typing import Any

import cv2

from zhixuan.scan.evaluate import Score
from zhixuan.scan.reader import read_sheet
from zhixuan.scan.synth import Mix, Synth, demo_expected

_SYNTH: Synth | None = None


def _init(seed: int, dpi: int, candidates: int, write_in_rows: int) -> None:
    global _SYNTH
    cv2.setNumThreads(1)
    expected = demo_expected(candidates=candidates, write_in_rows=write_in_rows)
    _SYNTH = Synth(expected, seed=seed, dpi=dpi, mix=Mix())
    _SYNTH.base  # noqa: B018 - rasterise once per worker
    _SYNTH._noise  # noqa: B018


def _chunk(bounds: tuple[int, int]) -> dict[str, Any]:
    assert _SYNTH is not None
    score = Score()
    cpu = wall = gen = 0.0
    for i in range(*bounds):
        g0 = time.perf_counter()
        jpg, truth = _SYNTH.sheet(i)
        c0, w0 = time.process_time(), time.perf_counter()
        gen += w0 - g0
        reading = read_sheet(jpg, _SYNTH.expected)
        assert reading.annotated is not None
        cv2.imencode(".jpg", reading.annotated, [cv2.IMWRITE_JPEG_QUALITY, 85])
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        score.add(reading, truth)
    return {"score": score, "cpu": cpu, "wall": wall, "gen": gen, "n": bounds[1] - bounds[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=42_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--write-in-rows", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/scan.json"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    chunks = [(a, min(a + args.chunk, args.ballots)) for a in range(0, args.ballots, args.chunk)]
    total = Score()
    cpu = wall = gen = 0.0
    done = 0
    started = time.perf_counter()
    command = "python " + " ".join(sys.argv)
    ctx = mp.get_context("fork")
    with ctx.Pool(
        args.workers, initializer=_init, initargs=(args.seed, args.dpi, args.candidates, args.write_in_rows)
    ) as pool:
        for part in pool.imap_unordered(_chunk, chunks):
            total.merge(part["score"])
            cpu += part["cpu"]
            wall += part["wall"]
            gen += part["gen"]
            done += part["n"]
            result = {
                "command": command,
                "complete": done == args.ballots,
                "ballots_planned": args.ballots,
                "ballots_done": done,
                "seed": args.seed,
                "dpi": args.dpi,
                "workers": args.workers,
                "elapsed_s": round(time.perf_counter() - started, 1),
                "read_cpu_s": round(cpu, 2),
                "read_wall_s": round(wall, 2),
                "generate_wall_s": round(gen, 2),
                "ballots_per_cpu_s_one_core": round(done / cpu, 1) if cpu else None,
                "ms_per_ballot_cpu": round(1000 * cpu / done, 2),
                "ms_per_ballot_wall": round(1000 * wall / done, 2),
                "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}",
                "opencv": cv2.__version__,
                **total.to_json(),
            }
            args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
            print(
                f"{done}/{args.ballots} ballots, {total.boxes} marks, misread {total.misread_boxes}, "
                f"adjudicate {total.status.get('adjudicate', 0)}, {done / cpu:.1f} ballots/CPU-s",
                flush=True,
            )
    return 0 if total.misread_boxes == 0 and total.wrong_ballots == 0 and total.wrong_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
