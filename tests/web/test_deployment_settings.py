"""Deployment settings read from the environment (docs/operations.md): HTTPS-only cookies behind a TLS
proxy, and extra trusted origins for CSRF. Each case imports the settings in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = (
    "import json; from zhixuan.web import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS]))"
)


def settings_with(**env: str) -> list[object]:
    clean = {k: v for k, v in os.environ.items() if k not in ("ZHIXUAN_HTTPS", "ZHIXUAN_CSRF_TRUSTED_ORIGINS")}
    out = subprocess.run([sys.executable, "-c", PROBE], env=clean | env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_by_default_cookies_also_go_over_plain_http_and_no_extra_origin_is_trusted() -> None:
    # The meeting laptop serves http://127.0.0.1:8000 (make demo): secure cookies would break its logins.
    assert settings_with() == [False, False, []]


def test_https_deployment_sends_session_and_csrf_cookies_over_https_only() -> None:
    assert settings_with(ZHIXUAN_HTTPS="1") == [True, True, []]


def test_trusted_origins_are_a_comma_separated_list() -> None:
    origins = " https://zhixuan.example.gov.cn , https://zhixuan.example.gov.cn:8443,"
    assert settings_with(ZHIXUAN_CSRF_TRUSTED_ORIGINS=origins)[2] == [
        "https://zhixuan.example.gov.cn",
        "https://zhixuan.example.gov.cn:8443",
    ]
