"""Forms of registration, nomination and review: parsing and field checks only.

N2, N3 and N4 are checked by the rules core in ``actions``; errors it raises are attached to the
form's fields by ``attach_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhixuan.web.elections.models import Election
from zhixuan.web.nomination import selectors
from zhixuan.web.nomination.actions import ApplicantInput
from zhixuan.web.nomination.models import RouteKind

GENDER_CHOICES = [("", "—"), ("男", _("男")), ("女", _("女"))]


class ApplicationForm(forms.Form):
    """The application (报名表): personal facts for the review (N4), statement, positions by preference (N3)."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    gender = forms.ChoiceField(label=_("性别"), choices=GENDER_CHOICES)
    member_number = forms.CharField(label=_("党员编号（名册中的编号）"), max_length=32, required=False)
    age = forms.IntegerField(
        label=_("年龄（周岁）"),
        min_value=18,
        max_value=100,
        error_messages={
            "invalid": _("年龄须填写整数（周岁）"),
            "min_value": _("年龄须在 18 至 100 周岁之间"),
            "max_value": _("年龄须在 18 至 100 周岁之间"),
        },
    )
    party_years = forms.IntegerField(
        label=_("党龄（年）"),
        min_value=0,
        max_value=90,
        error_messages={
            "invalid": _("党龄须填写整数（年）"),
            "min_value": _("党龄须在 0 至 90 年之间"),
            "max_value": _("党龄须在 0 至 90 年之间"),
        },
    )
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *selectors.EDUCATION_CHOICES])
    identity = forms.CharField(label=_("身份（如 乡镇干部、村党组织书记）"), max_length=64, required=False)
    current_post = forms.CharField(label=_("现任职务"), max_length=200, required=False)
    phone = forms.RegexField(
        label=_("联系电话"),
        regex=r"^[0-9+\- ]{7,20}$",
        max_length=32,
        error_messages={"invalid": _("联系电话只能包含数字、空格、+ 和 -，长度 7–20 位")},
    )
    statement = forms.CharField(label=_("竞职陈述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.election = election
        choices = [("", "—"), *((p.kind, p.get_kind_display()) for p in selectors.positions(election))]
        self.preference_names: list[str] = []
        self.position_errors: list[str] = []
        for rank in range(1, len(choices)):
            name = f"pref_{rank}"
            self.fields[name] = forms.ChoiceField(
                label=_("第 %(rank)d 志愿") % {"rank": rank},
                choices=choices,
                required=rank == 1,
                error_messages={"required": _("请至少选择一个报名职位 (N3)")},
            )
            self.preference_names.append(name)

    @property
    def preference_fields(self) -> list[Any]:
        return [self[name] for name in self.preference_names]

    def wanted(self) -> list[str]:
        return [self.cleaned_data[n] for n in self.preference_names if self.cleaned_data.get(n)]

    def to_input(self) -> ApplicantInput:
        data = self.cleaned_data
        return ApplicantInput(
            name=data["name"].strip(),
            positions=self.wanted(),
            gender=data.get("gender") or "",
            member_number=(data.get("member_number") or "").strip(),
            age=data.get("age"),
            party_years=data.get("party_years"),
            education=data.get("education") or "",
            identity=data.get("identity") or "",
            current_post=data.get("current_post") or "",
            phone=data.get("phone") or "",
            statement=data.get("statement") or "",
        )

    def attach_errors(self, exc: ValidationError) -> None:
        """Put the action's errors on their fields; N3 errors go to the preferences as a whole."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                if name == "positions":
                    self.position_errors.extend(errors)
                    continue
                for message in errors:
                    self.add_error(name if name in self.fields else None, message)
        else:
            for message in exc.messages:
                self.add_error(None, message)


class StaffApplicantForm(ApplicationForm):
    """Staff entry of a paper application or nomination: the same fields and the route (N2)."""

    route = forms.ChoiceField(label=_("提名方式"), choices=RouteKind.choices, initial=RouteKind.SELF)
    by = forms.CharField(label=_("推荐组织（组织推荐时填写）"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("phone", "statement"):
            self.fields[name].required = False


class RouteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("提名方式"), choices=[(RouteKind.ORGANISATION, _("组织推荐")), (RouteKind.JOINT, _("党员群众联名推荐"))]
    )
    position = forms.CharField(label=_("联名推荐的职位"), required=False)
    by = forms.CharField(label=_("推荐组织"), max_length=200, required=False)


class SignaturesForm(forms.Form):
    numbers = forms.CharField(
        label=_("签名人名册编号（每行一个，可一次录入多个）"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "0001\n0002\nQ001"}),
    )


class ReviewForm(forms.Form):
    position = forms.IntegerField()
    verdict = forms.ChoiceField(choices=[("qualified", _("合格")), ("not_qualified", _("不合格"))])
    reason = forms.CharField(required=False, max_length=2000)


class NoticeForm(forms.Form):
    days = forms.IntegerField(label=_("异议期（天）"), min_value=1, max_value=30, initial=5)


class ObjectionForm(forms.Form):
    nominee = forms.ChoiceField(label=_("反映对象"))
    by = forms.CharField(label=_("反映人（可不填）"), max_length=200, required=False)
    reason = forms.CharField(label=_("反映的问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, content: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (f"{q['number']}|{p['kind']}", f"{q['name']}（{p['title']}）")
            for p in content.get("positions", [])
            for q in p["qualified"]
        ]

    def target(self) -> tuple[str, str]:
        number, _sep, kind = self.cleaned_data["nominee"].partition("|")
        return number, kind


class ObjectionDecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("upheld", _("异议成立")), ("rejected", _("异议不成立"))])
    outcome = forms.CharField(max_length=5000)
