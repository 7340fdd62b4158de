"""Production-like settings for the electronic-voting benchmark: the project's settings, DEBUG off,
persistent database connections; SQLite in WAL mode with ``synchronous=FULL`` (each COMMIT is on disk
before the response), write transactions taking the lock at BEGIN and waiting for it — what
``ZHIXUAN_DB_SERVER=1`` gives a deployment (settings.py)."""

from zhixuan.web.settings import *  # noqa: F403

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        {
            "timeout": 60,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
