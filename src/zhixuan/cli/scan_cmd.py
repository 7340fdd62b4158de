"""`zhixuan scan DIR|FILE.pdf --election E --round R --ballot B.json` and `zhixuan scan-synth`.

``scan`` reads every sheet, prints how many were read, how many go to the tellers (adjudication) and how many were
refused and why, and writes each sheet's annotated image plus ``readings.json`` to ``--out``.
Exit codes: 0 every sheet read or sent to adjudication, 1 some sheet refused, 2 bad input (no sheets, bad file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from zhixuan.scan.files import expected_to_json, iter_pages, load_expected, write_annotated
from zhixuan.scan.reader import ExpectedBallot, read_sheet

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_INVALID = 2


def add_parser(subparsers: Any) -> None:
    scan = subparsers.add_parser(
        "scan",
        help="读取扫描的纸质选票 / read scanned paper ballots",
        description="读取扫描的选票：定位、二维码核对、逐格判读；存疑的送两名计票人裁定 / read scanned ballots",
    )
    scan.add_argument("input", type=Path, help="图像目录或多页 PDF / a folder of images or a multi-page PDF")
    scan.add_argument("--election", required=True, help="选举编号（二维码中的）/ election id as in the QR code")
    scan.add_argument("--round", required=True, dest="round_key", help="轮次编号 / round key as in the QR code")
    scan.add_argument(
        "--ballot",
        type=Path,
        required=True,
        help="本轮印制的选票说明（JSON：候选人编号与姓名、另选他人行数）/ the printed ballot's description (JSON)",
    )
    scan.add_argument("--out", type=Path, help="标注图像与读取结果的目录 / where annotated images and readings go")
    scan.add_argument("--dpi", type=int, default=200, help="PDF 栅格化分辨率 / resolution to rasterise a PDF")
    scan.add_argument("--json", action="store_true", help="输出 JSON / machine-readable output")
    scan.set_defaults(handler=run_scan)

    synth = subparsers.add_parser(
        "scan-synth",
        help="生成带标准答案的合成扫描选票 / synthetic scanned ballots with ground truth",
    )
    synth.add_argument("--out", type=Path, required=True, help="输出目录 / output directory")
    synth.add_argument("--seed", type=int, default=0, help="随机种子 / seed")
    synth.add_argument("--count", type=int, default=20, help="张数 / number of sheets")
    synth.add_argument("--dpi", type=int, default=200, help="扫描分辨率 / scanner resolution")
    synth.add_argument("--election", default="election-1")
    synth.add_argument("--round", dest="round_key", default="r1-member")
    synth.add_argument("--candidates", type=int, default=10)
    synth.add_argument("--seats", type=int, default=5)
    synth.add_argument("--write-in-rows", type=int, default=2)
    synth.add_argument("--foreign", type=float, default=0.0, help="他轮选票的比例 / share of another round's sheets")
    synth.add_argument("--pdf", action="store_true", help="另写一个多页 PDF / also write one multi-page PDF")
    synth.set_defaults(handler=run_synth)


def _lookup(ballots: list[ExpectedBallot]) -> Any:
    table = {b.key: b for b in ballots}
    return lambda election, round_key, style: table.get((election, round_key, style))


def run_scan(args: argparse.Namespace) -> int:
    try:
        ballots = load_expected(args.ballot)
    except (OSError, ValueError) as exc:
        print(f"选票说明文件无效 / bad ballot description {args.ballot}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not args.input.exists():
        print(f"找不到 / not found: {args.input}", file=sys.stderr)
        return EXIT_INVALID
    out: Path = args.out or args.input.with_name(args.input.stem + ".scan")
    out.mkdir(parents=True, exist_ok=True)
    lookup = _lookup(ballots)
    counts: Counter[str] = Counter()
    refused: list[tuple[str, str, str]] = []
    adjudicate: list[tuple[str, str, str]] = []
    records: list[dict[str, Any]] = []
    try:
        for name, path in iter_pages(args.input, args.dpi):
            reading = read_sheet(path, lookup, election=args.election, round_key=args.round_key)
            counts[reading.status] += 1
            image = write_annotated(reading, out, name)
            if reading.status == "refused":
                (out / "refused").mkdir(exist_ok=True)
                shutil.copyfile(path, out / "refused" / f"{Path(name).stem}{path.suffix}")
            record = {"sheet": name, "image": str(image) if image else None, **reading.to_json()}
            records.append(record)
            for reason in reading.reasons:
                target = refused if reading.status == "refused" else adjudicate
                target.append((name, reason.zh, reason.en))
    except (RuntimeError, OSError) as exc:
        print(f"无法读取输入 / cannot read the input: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not records:
        print(f"没有找到选票图像 / no ballot images in {args.input}", file=sys.stderr)
        return EXIT_INVALID
    (out / "readings.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = {
        "sheets": len(records),
        "read": counts["read"],
        "adjudicate": counts["adjudicate"],
        "refused": counts["refused"],
        "out": str(out),
    }
    if args.json:
        print(json.dumps({**summary, "sheets_detail": records}, ensure_ascii=False, indent=2))
    else:
        n, ok, adj, bad = summary["sheets"], summary["read"], summary["adjudicate"], summary["refused"]
        print(
            f"共 {n} 张：已读取 {ok}，须裁定 {adj}，拒收 {bad}"
            f" / {n} sheets: {ok} read, {adj} to adjudication, {bad} refused"
        )
        for title, items in (("须裁定 / to adjudication", adjudicate), ("拒收 / refused", refused)):
            if items:
                print(title + ":")
                for name, zh, en in items:
                    print(f"  {name}: {zh} / {en}")
        print(f"标注图像与读取结果 / annotated images and readings: {out}")
    return EXIT_REFUSED if counts["refused"] else EXIT_OK


def run_synth(args: argparse.Namespace) -> int:
    from zhixuan.scan.synth import Synth, demo_expected

    expected = demo_expected(
        args.election,
        args.round_key,
        candidates=args.candidates,
        seats=args.seats,
        write_in_rows=args.write_in_rows,
    )
    foreign = demo_expected(args.election + "-other", args.round_key, candidates=args.candidates, seats=args.seats)
    synth = Synth(expected, seed=args.seed, dpi=args.dpi, foreign=foreign, p_foreign=args.foreign)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "ballot.json").write_text(
        json.dumps(expected_to_json(expected), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    files = []
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth_file:
        for i in range(args.count):
            jpg, truth = synth.sheet(i)
            path = out / f"sheet-{i:05d}.jpg"
            path.write_bytes(jpg)
            files.append(path)
            truth_file.write(json.dumps({"sheet": path.name, **truth.to_json()}, ensure_ascii=False) + "\n")
    if args.pdf:
        from PIL import Image

        images = [Image.open(p) for p in files]
        images[0].save(out / "sheets.pdf", save_all=True, append_images=images[1:], resolution=float(args.dpi))
    print(f"{args.count} 张合成选票 / synthetic sheets (seed {args.seed}) → {out}")
    return EXIT_OK
