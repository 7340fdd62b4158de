"""Time the seed-000 county end to end: generate, write, and `zhixuan run` all nine township files.

Run: .venv/bin/python benchmarks/bench_county.py [--seed S] [--json] [--keep DIR]

The run is timed as a user meets it: one ``zhixuan run FILE…`` process over the nine files
(interpreter start, imports, YAML parsing, schema and reference checks, the rules core, the
report). Target: under 10 s. Then each file is loaded and run in this process to show where the
time goes. Exits 1 when the command misses the target or a township does not complete.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from zhixuan.scenario.loader import load_path
from zhixuan.scenario.runner import run_scenario
from zhixuan.synth import generate_county, write_scenarios

TARGET_SECONDS = 10.0
ZHIXUAN = Path(sys.executable).with_name("zhixuan")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="county seed (default 0)")
    parser.add_argument("--json", action="store_true", help="time `zhixuan run --json` instead of the text report")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them (default: a temp dir)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="zhixuan-county-") as tmp:
        out = args.keep or Path(tmp)
        t0 = time.perf_counter()
        docs = generate_county(args.seed)
        t1 = time.perf_counter()
        paths = write_scenarios(docs, out)
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in paths)
        members = sum(len(d["roster"]["members"]) for d in docs)
        ballots = sum(len(r["ballots"]) for d in docs for r in d["meeting"]["rounds"])
        print(
            f"county seed {args.seed:03d}: {len(paths)} files, {members} members, {ballots} meeting ballots, "
            f"{size / 1_048_576:.2f} MiB"
        )
        print(f"  generate  {t1 - t0:6.2f} s")
        print(f"  write     {t2 - t1:6.2f} s")

        command = [str(ZHIXUAN), "run", *map(str, paths)] + (["--json"] if args.json else [])
        t3 = time.perf_counter()
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        elapsed = time.perf_counter() - t3
        flag = " --json" if args.json else ""
        print(f"  command   {shlex.quote(str(ZHIXUAN))} run {shlex.quote(str(out))}/*.yaml{flag}")
        print(f"  zhixuan run, 9 files: {elapsed:6.2f} s (target < {TARGET_SECONDS:.0f} s), exit {proc.returncode}")

        print("  per file, in process:     load     run   status")
        incomplete = 0
        load_total = run_total = 0.0
        for path in paths:
            a = time.perf_counter()
            doc = load_path(path)
            b = time.perf_counter()
            report = run_scenario(doc)
            c = time.perf_counter()
            load_total += b - a
            run_total += c - b
            incomplete += report.status != "complete"
            print(f"    {path.name:24s} {b - a:6.2f} s {c - b:6.2f} s   {report.status}")
        print(f"    {'total':24s} {load_total:6.2f} s {run_total:6.2f} s")

    ok = proc.returncode == 0 and elapsed < TARGET_SECONDS and not incomplete
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    print("OK" if ok else "MISSED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
