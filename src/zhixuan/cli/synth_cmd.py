"""`zhixuan synth county|qingquan --seed N --out DIR`: write seeded synthetic scenario files."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhixuan.synth import generate_county, generate_qingquan, write_scenarios
from zhixuan.synth.county import TOWNSHIPS

DEFAULT_SEEDS = {"county": 0, "qingquan": 3}


def add_parser(subparsers: Any) -> None:
    synth = subparsers.add_parser(
        "synth",
        help="生成合成场景文件 / generate synthetic scenario files",
        description="按种子生成可复现的合成场景 / generate reproducible synthetic scenarios from a seed",
    )
    kinds = synth.add_subparsers(dest="kind", required=True)
    county = kinds.add_parser(
        "county",
        help="种子 000 县：9 个乡镇同时公推直选（三轮选）/ the seed-000 county: 9 townships, three-round",
    )
    qingquan = kinds.add_parser(
        "qingquan", help="种子 003 清泉镇：两推三票四展示 / the seed-003 Qingquan town, two-recommendation"
    )
    for kind, sub in (("county", county), ("qingquan", qingquan)):
        sub.add_argument("--seed", type=int, default=DEFAULT_SEEDS[kind], help="随机种子 / seed")
        sub.add_argument("--out", type=Path, required=True, help="输出目录 / output directory")
        sub.add_argument("--json", action="store_true", help="写 JSON 而不是 YAML / write JSON instead of YAML")
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    fmt = "json" if args.json else "yaml"
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        if args.kind == "county":
            task = progress.add_task("生成乡镇 / townships", total=len(TOWNSHIPS) + 1)
            docs = generate_county(args.seed, progress=lambda _name: progress.advance(task))
        else:
            task = progress.add_task("生成清泉镇 / Qingquan", total=2)
            docs = [generate_qingquan(args.seed)]
            progress.advance(task)
        progress.update(task, description="写文件 / writing")
        paths = write_scenarios(docs, args.out, fmt=fmt)
        progress.advance(task)
    for path, doc in zip(paths, docs, strict=True):
        members = len(doc["roster"]["members"])
        seats = sum(p["seats"] for p in doc["positions"])
        size = os.path.getsize(path)
        print(f"{path}\t{doc['election']['title']}\t党员 {members} 人，职数 {seats}\t{size / 1024:.0f} KiB")
    print(f"共写入 {len(paths)} 个文件 / wrote {len(paths)} file(s) to {args.out}")
    return 0
