"""Forms of the recall: parsing and field checks only; A3, M1, M2 are checked by the core in ``actions``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

_INT = {"invalid": _("请填写整数"), "min_value": _("不能小于 0"), "required": _("此项必填")}


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, error_messages=_INT)


class PetitionForm(forms.Form):
    leader = forms.ChoiceField(label=_("被罢免人"))
    reason = forms.CharField(label=_("罢免理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: object, leaders: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["leader"].choices = leaders


class NumbersForm(forms.Form):
    numbers = forms.CharField(
        label=_("名册编号（每行一个，或用空格、逗号分隔）"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "0012\n0013"}),
        error_messages={"required": _("请填写名册编号")},
    )


class ConveneForm(forms.Form):
    held_on = forms.DateField(label=_("会议日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("会议地点"), max_length=200, required=False)


class OfficersForm(forms.Form):
    scrutineers = forms.CharField(label=_("监票人编号"), error_messages={"required": _("请填写监票人")})
    tellers = forms.CharField(label=_("计票人编号"), required=False)


class VoteCountForm(forms.Form):
    issued = _count(_("发出票数"))
    yes = _count(_("赞成罢免"))
    no = _count(_("不赞成"))
    abstain = _count(_("弃权"))
    invalid = _count(_("无效票"))


class ByCountForm(forms.Form):
    """Per-candidate totals: the fields ``for_<n>``, ``against_<n>``, ``abstain_<n>`` per candidate."""

    issued = _count(_("发出票数"))
    valid = _count(_("有效票"))
    invalid = _count(_("无效票"))

    def __init__(self, *args: object, candidates: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.candidates = candidates
        for number, name in candidates:
            for mark, label in (("for", _("赞成")), ("against", _("不赞成")), ("abstain", _("弃权"))):
                self.fields[f"{mark}_{number}"] = _count(f"{name} {label}")

    def rows(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(n, name, [self[f"{m}_{n}"] for m in ("for", "against", "abstain")]) for n, name in self.candidates]

    def data_dict(self) -> dict[str, object]:
        d = self.cleaned_data
        return {
            "issued": d["issued"],
            "valid": d["valid"],
            "invalid": d["invalid"],
            "candidates": {
                n: {m: d[f"{m}_{n}"] for m in ("for", "against", "abstain")} for n, _name in self.candidates
            },
        }
