"""Login (throttled per username + IP), logout and the user's own roles."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhixuan.web.accounts import actions, selectors


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded header can be forged to dodge the throttle.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        ip = _client_ip(request)
        if selectors.login_locked(username, ip):
            error = _("登录失败次数过多，请稍后再试。")
            return render(request, "accounts/login.html", {"error": error, "username": username}, status=429)
        user = authenticate(request, username=username, password=password)
        actions.do_record_login(user=user, username=username, ip=ip, success=user is not None)
        if user is not None:
            login(request, user)
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect("home")
        error = _("用户名或密码不正确。")
    return render(request, "accounts/login.html", {"error": error, "username": username, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


@login_required
def my_roles(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/roles.html", {"roles": selectors.roles_of(request.user)})
