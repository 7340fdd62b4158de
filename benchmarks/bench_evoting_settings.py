"""Production-like settings for the electronic-voting benchmark: the project's settings, DEBUG off,
persistent database connections, SQLite waiting for its write lock instead of failing."""

from zhixuan.web.settings import *  # noqa: F403

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 60  # noqa: F405
