"""Write generated scenarios as YAML (or JSON) files, one per election, named by the election id."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

_BASE_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _CompactDumper(_BASE_DUMPER):  # type: ignore[misc]
    """Block style for the document's structure, one flow-style line per small record.

    A ballot, a member or a review decision then reads as ``- {for: [a003], against: [a001]}``,
    which keeps large files short and diffable.
    """


def _represent_dict(dumper: Any, data: Mapping[str, Any]) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=_is_record(data, 3))


def _represent_list(dumper: Any, data: list[Any]) -> Any:
    # A list of ids (attendance, signatures, picks) fills lines instead of one id per line.
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=all(map(_scalar, data)))


def _is_record(value: object, depth: int) -> bool:
    """Small enough to print on one line: scalars, or lists and mappings of them, ``depth`` levels down."""
    if _scalar(value):
        return True
    if depth == 0:
        return False
    if isinstance(value, Mapping):
        return all(_is_record(v, depth - 1) for v in value.values())
    if isinstance(value, list):
        return len(value) <= 40 and all(_is_record(v, depth - 1) for v in value)
    return False


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


_CompactDumper.add_representer(dict, _represent_dict)
_CompactDumper.add_representer(list, _represent_list)


def dump_yaml(document: Mapping[str, Any]) -> str:
    text: str = yaml.dump(document, Dumper=_CompactDumper, allow_unicode=True, sort_keys=False, width=200)
    return text


def write_scenarios(docs: Iterable[Mapping[str, Any]], out_dir: str | Path, *, fmt: str = "yaml") -> list[Path]:
    """Write each document to ``out_dir/<election id>.yaml`` (or ``.json``); return the paths written."""
    if fmt not in ("yaml", "json"):
        raise ValueError(f"unknown format {fmt!r}; use yaml or json")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for doc in docs:
        path = out / f"{doc['election']['id']}.{fmt}"
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) if fmt == "json" else dump_yaml(doc)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
