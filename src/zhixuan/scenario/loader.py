"""Read a scenario file (YAML or JSON), check its shape and references, or say exactly what is wrong."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from zhixuan.scenario.errors import Problem, ScenarioError, format_path
from zhixuan.scenario.references import check_references
from zhixuan.scenario.schema import SCHEMA

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """YAML with only true/false as booleans: YAML 1.1 would read the recall fields `yes:` / `no:` as booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_LOADER = _Loader


def load_path(path: str | Path) -> dict[str, Any]:
    """Load and validate the scenario at ``path``; raise :class:`ScenarioError` listing every problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ScenarioError([Problem("(file)", f"找不到文件 {p}", f"file not found: {p}")]) from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem("(file)", "文件不是 UTF-8 编码", "file is not UTF-8 text")]) from exc
    return load_text(text, json_only=p.suffix.lower() == ".json")


def load_text(text: str, *, json_only: bool = False) -> dict[str, Any]:
    """Parse and validate scenario text; JSON is YAML too, so YAML parsing accepts both."""
    try:
        document = json.loads(text) if json_only else yaml.load(text, Loader=_LOADER)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [Problem(f"(line {exc.lineno}, column {exc.colno})", f"JSON 格式错误：{exc.msg}", exc.msg)]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"(line {mark.line + 1}, column {mark.column + 1})" if mark else "(file)"
        problem = str(getattr(exc, "problem", exc))
        raise ScenarioError([Problem(where, f"YAML 格式错误：{problem}", f"YAML syntax: {problem}")]) from exc
    return validate(document)


def validate(document: object) -> dict[str, Any]:
    """Check a parsed document; return it unchanged when valid."""
    if not isinstance(document, dict):
        raise ScenarioError([Problem("(file)", "文件顶层必须是映射（键: 值）", "top level must be a mapping")])
    problems = list(_schema_problems(document))
    if problems:
        raise ScenarioError(problems)
    problems = check_references(document)
    if problems:
        raise ScenarioError(problems)
    return document


def _schema_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    errors = sorted(_VALIDATOR.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        yield _describe(error)


def _describe(error: jsonschema.ValidationError) -> Problem:
    """Turn a schema error into a bilingual, specific message at the failing path."""
    if error.validator == "oneOf" and error.context:
        # Report the alternative that got furthest rather than "not valid under any schema".
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            return _describe(deepest)
    path = format_path(error.absolute_path)
    v, value, arg = error.validator, error.instance, error.validator_value
    if v == "required":
        missing = [k for k in arg if isinstance(value, dict) and k not in value]
        names = ", ".join(missing)
        return Problem(path, f"缺少必填字段 {names}", f"missing required field {names}")
    if v == "additionalProperties":
        extra = sorted(str(k) for k in set(value) - set(error.schema.get("properties", {})))
        names = ", ".join(extra)
        return Problem(path, f"不认识的字段 {names}", f"unknown field {names}")
    if v == "enum":
        allowed = ", ".join(map(str, arg))
        return Problem(path, f"取值 {value!r} 无效，应为 {allowed} 之一", f"{value!r} is not one of {allowed}")
    if v == "const":
        return Problem(path, f"应为 {arg!r}", f"must be {arg!r}")
    if v == "type":
        return Problem(path, f"类型错误：应为 {arg}，实为 {value!r}", f"must be of type {arg}, got {value!r}")
    if v == "minimum":
        return Problem(path, f"{value} 小于最小值 {arg}", f"{value} is below the minimum {arg}")
    if v == "minItems":
        return Problem(path, f"至少需要 {arg} 项", f"needs at least {arg} item(s)")
    if v == "pattern":
        hint = error.schema.get("description", f"pattern {arg}")
        return Problem(path, f"格式不对：{value!r}（{hint}）", f"{value!r} does not match: {hint}")
    return Problem(path, error.message, error.message)
