"""Readable report of a run: Chinese by default, English on request."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from zhixuan.rules.decision import Decision, percent
from zhixuan.scenario.report import RunReport, Table

# Per-person decisions of these codes are many in a large election; the text report shows a count
# and a few examples, the JSON keeps every one.
_SUMMARISE_AFTER = 6


def render_text(report: RunReport, lang: str = "zh") -> str:
    zh = lang == "zh"
    lines: list[str] = []
    title = str(report.election.get("title", report.election.get("id", "")))
    preset = report.election.get("preset", "")
    lines.append("=" * 72)
    lines.append(f"{title}  ({'程序' if zh else 'preset'}: {preset})")
    lines.append("=" * 72)
    lines.append(("生效规则设置：" if zh else "Settings in force: ") + _settings_line(report.settings))
    for section in report.sections:
        lines.append("")
        lines.append(f"■ {section.title(lang)}")
        for key, value in section.facts.items():
            lines.append(f"  {key}: {_fmt(value)}")
        for table in section.tables:
            lines.extend(_table(table, zh))
        lines.extend(_decisions(section.decisions, lang))
    lines.append("")
    if report.needs:
        head = "⚠ 需要补充输入，运行在此停止" if zh else "⚠ Needs input; the run stops here"
        body = report.needs.zh if zh else report.needs.en
        lines.append(f"{head} ({report.needs.rule}): {body}")
    else:
        lines.append("✓ 全部步骤已完成" if zh else "✓ All steps complete")
    return "\n".join(lines)


def _settings_line(settings: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items())


def _fmt(value: object) -> str:
    if isinstance(value, Fraction):
        return percent(value)
    if isinstance(value, list | tuple):
        return "、".join(_fmt(v) for v in value)
    return str(value)


def _table(table: Table, zh: bool) -> list[str]:
    headers = [z if zh else e for z, e in table.columns]
    rows = [[_fmt(v) for v in row] for row in table.rows]
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) if rows else _width(h) for i, h in enumerate(headers)]
    out = ["  " + "  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))]
    out.append("  " + "  ".join("-" * w for w in widths))
    out += ["  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return out


def _decisions(decisions: list[Decision], lang: str) -> list[str]:
    counts = Counter((d.rule, d.code) for d in decisions)
    shown: Counter[tuple[str, str]] = Counter()
    out: list[str] = []
    for d in decisions:
        key = (d.rule, d.code)
        shown[key] += 1
        if counts[key] > _SUMMARISE_AFTER and shown[key] > 3:
            if shown[key] == 4:
                more = counts[key] - 3
                out.append(
                    f"    … 同类决定另有 {more} 项 ({d.rule})" if lang == "zh" else f"    … {more} more ({d.rule})"
                )
            continue
        out.append(f"  · {d.text('zh' if lang == 'zh' else 'en')}")
    return out


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
