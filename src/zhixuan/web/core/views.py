from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhixuan.web.elections.selectors import published_elections


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("elections:dashboard")
    return render(request, "core/home.html", {"elections": published_elections()[:20]})
