"""Forms of the term app, and the parsing of the grid forms (counts per leader, scale and grade)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhixuan.web.term import selectors
from zhixuan.web.term.models import ReviewSession

MAX_ITEMS = 30


class SessionForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    held_on = forms.DateField(
        label=gettext_lazy("测评日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    satisfaction = forms.BooleanField(
        label=gettext_lazy("满意度（满意 / 基本满意 / 不满意）"), required=False, initial=True
    )
    competence = forms.BooleanField(
        label=gettext_lazy("称职度（优秀 / 称职 / 基本称职 / 不称职）"), required=False, initial=True
    )


class ReportForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("述职报告"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    attachment = forms.FileField(label=gettext_lazy("附件"), required=False)


def commitment_texts(data: QueryDict) -> list[str]:
    return [data.get(f"item-{n}", "") for n in range(1, MAX_ITEMS + 1)]


def review_statuses(data: QueryDict, keys: list[str]) -> dict[str, tuple[str, str]]:
    return {k: (data.get(f"status-{k}", ""), data.get(f"note-{k}", "")) for k in keys}


def group_rows(data: QueryDict) -> list[tuple[str, str, str]]:
    rows = []
    for n in range(1, 21):
        key, name, weight = (data.get(f"{f}-{n}", "").strip() for f in ("key", "name", "weight"))
        if name or weight:
            rows.append((key, name, weight))
    return rows


def cell_name(leader: str, scale: str, grade: str) -> str:
    return f"c-{leader}-{scale}-{grade}"


def paper_counts(data: QueryDict, session: ReviewSession) -> tuple[int, dict[str, Any]]:
    """The collected number and the counts grid; a bad cell is refused naming leader, scale and grade."""
    names = {x.leader: x.name for x in session.leaders.all()}
    problems = []
    raw = data.get("collected", "").strip()
    collected = 0
    if not raw.isdigit():
        problems.append(_("收回测评表张数须为不小于 0 的整数"))
    else:
        collected = int(raw)
    counts = selectors.empty_counts(session)
    for leader, scales in counts.items():
        for scale, grades in scales.items():
            for grade in grades:
                text = data.get(cell_name(leader, scale, grade), "").strip() or "0"
                if not text.isdigit():
                    problems.append(
                        _("%(name)s · %(scale)s · %(grade)s：“%(text)s”不是不小于 0 的整数")
                        % {
                            "name": names.get(leader, leader),
                            "scale": selectors.SCALE_LABELS[scale],
                            "grade": selectors.GRADE_LABELS[grade],
                            "text": text,
                        }
                    )
                    continue
                grades[grade] = int(text)
    if problems:
        raise ValidationError(_("录入未保存：%(list)s。") % {"list": "；".join(problems)})
    return collected, counts


def rating_marks(data: QueryDict, session: ReviewSession) -> dict[str, dict[str, str]]:
    marks: dict[str, dict[str, str]] = {}
    for leader in session.leaders.all():
        for scale in session.scales:
            grade = data.get(f"r-{leader.leader}-{scale}", "")
            if grade:
                marks.setdefault(leader.leader, {})[scale] = grade
    return marks


def form_marks(data: QueryDict, session: ReviewSession) -> dict[str, dict[str, str]]:
    """One printed form from the fast entry screen: ``f-<leader>-<scale>`` = a grade, or blank."""
    marks: dict[str, dict[str, str]] = {}
    for leader in session.leaders.all():
        for scale in session.scales:
            grade = data.get(f"f-{leader.leader}-{scale}", "")
            if grade and grade != selectors.BLANK:
                marks.setdefault(leader.leader, {})[scale] = grade
    return marks


def whole_number(text: str | None, *, default: int | None = None) -> int | None:
    text = (text or "").strip()
    if not text and default is not None:
        return default
    return int(text) if text.isdigit() else None
