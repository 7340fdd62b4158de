"""Forms of the elections app: parsing and field checks only; rules are checked by the core."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhixuan.rules.settings import SettingsError, preset_settings
from zhixuan.web.elections.actions import ConditionInput
from zhixuan.web.elections.education import education_level
from zhixuan.web.elections.models import ConditionKind, PositionKind, Township
from zhixuan.web.elections.procedures import PRESET_NAMES

SEAT_DEFAULTS = {
    PositionKind.SECRETARY: 1,
    PositionKind.DEPUTY_SECRETARY: 2,
    PositionKind.MEMBER: 4,
    PositionKind.DISCIPLINE_SECRETARY: 0,
    PositionKind.DISCIPLINE_MEMBER: 0,
}


def parse_overrides(text: str) -> dict[str, object]:
    """``name = value`` per line; true/false, whole numbers and null are typed, the rest kept as text."""
    out: dict[str, object] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise forms.ValidationError(_("第 %(n)d 行应写成“名称 = 值”") % {"n": number})
        name, raw = (part.strip() for part in line.split("=", 1))
        value: object = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        elif raw.lower() in ("null", "none"):
            value = None
        elif raw.isdigit():
            value = int(raw)
        out[name] = value
    return out


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ElectionCreateForm(forms.Form):
    township = forms.ModelChoiceField(queryset=Township.objects.none(), label=_("乡镇"))
    title = forms.CharField(label=_("选举名称"), max_length=200)
    preset = forms.ChoiceField(
        label=_("程序预设"), choices=[(k, format_lazy("{}（{}）", _(v[0]), k)) for k, v in PRESET_NAMES.items()]
    )
    starts_on = forms.DateField(label=_("公告开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    seats_secretary = forms.IntegerField(label=_("党委书记"), min_value=0, initial=1)
    seats_deputy_secretary = forms.IntegerField(label=_("党委副书记"), min_value=0, initial=2)
    seats_member = forms.IntegerField(label=_("党委委员"), min_value=0, initial=4)
    seats_discipline_secretary = forms.IntegerField(label=_("纪委书记"), min_value=0, initial=0)
    seats_discipline_member = forms.IntegerField(label=_("纪委委员"), min_value=0, initial=0)
    min_party_years = forms.IntegerField(label=_("最低党龄（年）"), min_value=0, required=False, initial=3)
    max_age = forms.IntegerField(label=_("年龄上限（周岁）"), min_value=18, required=False, initial=45)
    education = forms.CharField(label=_("学历要求"), required=False, initial="大专及以上学历")
    other_conditions = forms.CharField(
        label=_("其他资格条件（每行一条）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    work_targets = forms.CharField(label=_("工作目标（每行一条）"), widget=forms.Textarea(attrs={"rows": 4}))
    overrides = forms.CharField(
        label=_("覆盖预设参数（每行“名称 = 值”，可留空）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "public_rep_cap = 1/4"}),
    )

    def __init__(self, *args: Any, townships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]

    def clean_education(self) -> str:
        text = (self.cleaned_data.get("education") or "").strip()
        if text and education_level(text) is None:
            raise forms.ValidationError(
                _("学历要求须写明学历层次（小学、初中、高中（中专）、大专、大学本科或研究生），例如“大专及以上学历”")
            )
        return text

    def clean_overrides(self) -> dict[str, object]:
        return parse_overrides(self.cleaned_data.get("overrides", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset, overrides = data.get("preset"), data.get("overrides")
        if preset and isinstance(overrides, dict):
            try:
                preset_settings(preset, overrides)
            except SettingsError as exc:
                self.add_error("overrides", str(exc))
        if sum(data.get(f"seats_{k}") or 0 for k in PositionKind.values) == 0:
            raise forms.ValidationError(_("至少设置一个职位的职数"))
        return data

    def seats(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(f"seats_{k}") or 0 for k in PositionKind.values}

    def conditions(self) -> list[ConditionInput]:
        data = self.cleaned_data
        out: list[ConditionInput] = []
        if data.get("min_party_years"):
            years = data["min_party_years"]
            out.append(ConditionInput(ConditionKind.MIN_PARTY_YEARS, f"党龄满 {years} 年", years))
        if data.get("max_age"):
            age = data["max_age"]
            out.append(ConditionInput(ConditionKind.MAX_AGE, f"年龄不超过 {age} 周岁", age))
        if data.get("education"):
            out.append(ConditionInput(ConditionKind.EDUCATION, data["education"].strip()))
        out += [ConditionInput(ConditionKind.OTHER, line) for line in _lines(data.get("other_conditions", ""))]
        return out

    def work_target_lines(self) -> list[str]:
        return _lines(self.cleaned_data["work_targets"])
