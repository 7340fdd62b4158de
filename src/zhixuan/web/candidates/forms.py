"""Forms of the candidates step: parsing and field checks only; the rules are checked by the core."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhixuan.web.nomination.models import Applicant


class InspectionForm(forms.Form):
    """C3: pass, or fail with a written reason."""

    outcome = forms.ChoiceField(label=_("考察结果"), choices=[("pass", _("合格")), ("fail", _("不合格"))])
    reason = forms.CharField(label=_("考察意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "fail" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("考察不合格必须填写理由 (C3)。"))
        return data

    @property
    def passed(self) -> bool:
        return bool(self.cleaned_data["outcome"] == "pass")


class CountyVoteForm(forms.Form):
    """C2: number of county-committee members voting and each preliminary candidate's for-votes."""

    voters = forms.IntegerField(label=_("参加票决人数"), min_value=1)
    held_on = forms.DateField(label=_("票决日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, candidates: Sequence[Applicant] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for applicant in self.candidates:
            self.fields[f"votes_{applicant.number}"] = forms.IntegerField(
                label=applicant.name,
                min_value=0,
                error_messages={
                    "required": _("请填写 %(name)s 的赞成票数。") % {"name": applicant.name},
                    "min_value": _("%(name)s 的赞成票数不能为负。") % {"name": applicant.name},
                    "invalid": _("%(name)s 的赞成票数应为整数。") % {"name": applicant.name},
                },
            )

    def votes(self) -> dict[str, int]:
        return {a.number: int(self.cleaned_data[f"votes_{a.number}"]) for a in self.candidates}

    def vote_fields(self) -> list[tuple[Applicant, Any]]:
        return [(a, self[f"votes_{a.number}"]) for a in self.candidates]
