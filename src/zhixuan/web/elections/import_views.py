"""The scenario-file import page (issue 3 item 12): a county admin uploads a file, gets a new election
or every problem of the file listed by path, in Chinese and English."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from zhixuan.scenario.errors import Problem, ScenarioError
from zhixuan.web.accounts import selectors as access
from zhixuan.web.elections.scenario_import import do_import_scenario


class ScenarioImportForm(forms.Form):
    county = forms.ModelChoiceField(label=_("导入到县"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    file = forms.FileField(label=_("场景文件（YAML 或 JSON）"))

    def __init__(self, *args: object, counties: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]


@login_required
def scenario_import(request: HttpRequest) -> HttpResponse:
    counties = access.administered_counties(request.user)
    if not counties.exists():
        raise PermissionDenied
    form = ScenarioImportForm(request.POST or None, request.FILES or None, counties=counties)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "scenario.yaml"
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            problems = [Problem("(file)", "文件不是 UTF-8 编码的文本", "the file is not UTF-8 text")]
        else:
            try:
                election, prepared = do_import_scenario(
                    request.user, county=form.cleaned_data["county"], text=text, filename=name
                )
            except ScenarioError as exc:
                problems = list(exc.problems)
            else:
                return render(
                    request,
                    "elections/import_done.html",
                    {
                        "election": election,
                        "filename": name,
                        "set_aside": [n for n in prepared.notes if n.set_aside],
                        "changed": [n for n in prepared.notes if not n.set_aside],
                        "counts": {
                            "members": election.members.count(),
                            "public_reps": election.public_reps.count(),
                            "applicants": election.applicants.count(),
                            "stages": election.recommendation_stages.count(),
                        },
                    },
                )
    status = 400 if problems else 200
    return render(request, "elections/import.html", {"form": form, "problems": problems}, status=status)
