"""`zhixuan` — run scenario files through the rules core, generate synthetic ones, check lots.

Exit codes of ``zhixuan run``: 0 complete, 3 needs input, 2 invalid file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from zhixuan.cli import lot_cmd, scan_cmd, synth_cmd
from zhixuan.cli.report_text import render_text
from zhixuan.scenario.errors import Problem, ScenarioError
from zhixuan.scenario.loader import load_path
from zhixuan.scenario.runner import run_scenario
from zhixuan.scenario.schema import SCHEMA

EXIT_COMPLETE = 0
EXIT_INVALID = 2
EXIT_NEEDS_INPUT = 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INVALID
    result: int = args.handler(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhixuan",
        description="公推直选：按规则运行选举场景文件 / run election scenario files through the rules core",
    )
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="运行场景文件并解释每项决定 / run scenarios and explain every decision")
    run.add_argument("paths", nargs="+", type=Path, help="场景文件或目录 / scenario files or directories")
    run.add_argument("--json", action="store_true", help="输出 JSON / machine-readable output")
    run.add_argument("--lang", choices=("zh", "en"), default="zh", help="报告语言 / report language")
    run.set_defaults(handler=_run)

    schema = sub.add_parser("schema", help="打印场景文件的 JSON Schema / print the scenario JSON Schema")
    schema.set_defaults(handler=_schema)

    synth_cmd.add_parser(sub)
    lot_cmd.add_parser(sub)
    scan_cmd.add_parser(sub)
    return parser


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in {".yaml", ".yml", ".json"})
        else:
            files.append(path)
    return files


def _run(args: argparse.Namespace) -> int:
    files = _expand(args.paths)
    if not files:
        print("没有找到场景文件 / no scenario files found", file=sys.stderr)
        return EXIT_INVALID
    worst = EXIT_COMPLETE
    outputs: list[dict[str, object]] = []
    for path in _progress(files):
        try:
            report = run_scenario(load_path(path))
        except (ScenarioError, ValueError) as exc:
            worst = EXIT_INVALID
            _print_problems(path, _problems(exc), args, outputs)
            continue
        code = EXIT_COMPLETE if report.status == "complete" else EXIT_NEEDS_INPUT
        if worst != EXIT_INVALID:
            worst = max(worst, code)
        if args.json:
            outputs.append({"file": str(path), **report.to_json()})
        else:
            print(render_text(report, args.lang))
    if args.json:
        payload: object = outputs[0] if len(outputs) == 1 else outputs
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return worst


def _problems(exc: Exception) -> list[Problem]:
    if isinstance(exc, ScenarioError):
        return exc.problems
    # The core refuses impossible input (e.g. a round left without candidates): say so, don't crash.
    return [Problem("(run)", f"输入无法按规则处理：{exc}", f"input the rules cannot take: {exc}")]


def _print_problems(
    path: Path, problems: list[Problem], args: argparse.Namespace, outputs: list[dict[str, object]]
) -> None:
    if args.json:
        outputs.append({"file": str(path), "status": "invalid", "problems": [p.to_json() for p in problems]})
        return
    print(f"✗ {path}: 场景文件无效 / invalid scenario file", file=sys.stderr)
    for problem in problems:
        print(f"  {problem.text(args.lang)}", file=sys.stderr)


def _progress(files: list[Path]) -> Iterator[Path]:
    """A progress bar on stderr for long runs at a terminal; plain iteration otherwise."""
    if len(files) < 2 or not sys.stderr.isatty():
        yield from files
        return
    console = Console(stderr=True)
    with Progress(*Progress.get_default_columns(), console=console, transient=True) as progress:
        task = progress.add_task("运行场景 / running", total=len(files))
        for path in files:
            yield path
            progress.advance(task)


def _schema(args: argparse.Namespace) -> int:
    del args
    print(json.dumps(SCHEMA, ensure_ascii=False, indent=2))
    return EXIT_COMPLETE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
