"""Django settings for zhixuan.

SQLite under ``var/`` by default (one laptop at the meeting); PostgreSQL when ``DATABASE_URL``
is set (a county server). Chinese first, English available, dates in Asia/Shanghai.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout root (src/zhixuan/web -> ../../..); var/ holds the embedded database.
PROJECT_DIR = PACKAGE_DIR.parents[2]
VAR_DIR = Path(os.environ.get("ZHIXUAN_VAR_DIR", PROJECT_DIR / "var"))

# A development key only; a deployment sets ZHIXUAN_SECRET_KEY.
SECRET_KEY = os.environ.get("ZHIXUAN_SECRET_KEY", "zhixuan-development-key-not-for-production")
DEBUG = os.environ.get("ZHIXUAN_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ZHIXUAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# Served over HTTPS (a TLS reverse proxy in front of gunicorn, docs/operations.md): ZHIXUAN_HTTPS=1 sends the
# session and CSRF cookies over HTTPS only. gunicorn itself marks a request as HTTPS from the proxy's
# X-Forwarded-Proto, trusted only from FORWARDED_ALLOW_IPS (gunicorn's setting; default 127.0.0.1,::1).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("ZHIXUAN_HTTPS") == "1"
# Origins (scheme://host[:port], comma-separated) allowed to POST forms besides the site itself, e.g. when the
# proxy's public name or port differs from the Host header gunicorn receives.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("ZHIXUAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "zhixuan.web.core",
    "zhixuan.web.audit",
    "zhixuan.web.accounts",
    "zhixuan.web.elections",
    "zhixuan.web.roster",
    "zhixuan.web.nomination",
    "zhixuan.web.recommendation",
    "zhixuan.web.candidates",
    "zhixuan.web.meeting",
    "zhixuan.web.tally",
    "zhixuan.web.evoting",
    "zhixuan.web.results",
    "zhixuan.web.recall",
    "zhixuan.web.board",
    "zhixuan.web.term",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhixuan.web.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhixuan.web.urls"
WSGI_APPLICATION = "zhixuan.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zhixuan.sqlite3'}",
        conn_max_age=0,
    )
}
# A server taking many concurrent writes (electronic voting at the meeting, docs/benchmarks.md):
# ZHIXUAN_DB_SERVER=1 keeps connections open and, on SQLite, uses WAL with synchronous=FULL (each COMMIT
# is on disk before the answer), takes the write lock at BEGIN and waits up to 60 s for it.
if os.environ.get("ZHIXUAN_DB_SERVER") == "1":
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "timeout": 60,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",
            }
        )
# A test run may name its own throw-away database, so two runs against one server never collide.
if os.environ.get("ZHIXUAN_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["ZHIXUAN_TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MEDIA_ROOT = VAR_DIR / "media"  # uploads (e.g. the leaders' report attachments); served by views, not publicly
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Served from the app folders by WhiteNoise, so runserver, the demo and tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Upload limit for roster files (a county's roster is a few thousand rows).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Login throttling per username + IP: this many failures within the window lock that pair.
ZHIXUAN_LOGIN_FAILURE_LIMIT = int(os.environ.get("ZHIXUAN_LOGIN_FAILURE_LIMIT", "5"))
ZHIXUAN_LOGIN_WINDOW_SECONDS = int(os.environ.get("ZHIXUAN_LOGIN_WINDOW_SECONDS", "900"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Server errors and warnings go to stderr (the service's journal) with their traceback, also with DEBUG
# off; a voting page's path (it may hold the voting code) is replaced first (S1, docs/operations.md "Logs").
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_voting_paths": {"()": "zhixuan.web.core.logfilters.HideVotingPaths"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "filters": ["hide_voting_paths"]},
    },
    "loggers": {
        "django": {"handlers": ["stderr"], "level": os.environ.get("ZHIXUAN_DJANGO_LOG_LEVEL", "WARNING")},
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}
