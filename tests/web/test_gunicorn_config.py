"""The production gunicorn configuration (``gunicorn -c python:zhixuan.web.gunicorn_config zhixuan.web.wsgi``).

It keeps what the e-voting benchmark found (docs/benchmarks.md, "PostgreSQL tail"): one listening socket
per worker (``reuse_port``) and every worker warmed up before it accepts a connection; and it writes no
access log unless asked (S1: request lines would add voters' times and addresses, and ``/v/<code>/`` the code).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

import pytest
from django.db import connections


def load_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    for name in ("ZHIXUAN_BIND", "ZHIXUAN_WORKERS", "ZHIXUAN_THREADS", "ZHIXUAN_ACCESS_LOG", "ZHIXUAN_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import zhixuan.web.gunicorn_config as config

    return importlib.reload(config)


def test_defaults_are_the_benchmarked_server_without_an_access_log(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(monkeypatch)
    assert config.bind == ["127.0.0.1:8000"]
    assert (config.worker_class, config.workers, config.threads) == ("gthread", 2, 8)
    assert config.reuse_port is True
    assert config.keepalive == 30
    assert config.accesslog is None
    assert config.wsgi_app == "zhixuan.web.wsgi:application"


def test_environment_sets_bind_workers_threads_and_an_explicit_access_log(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(
        monkeypatch,
        ZHIXUAN_BIND="0.0.0.0:8080, [::]:8080",
        ZHIXUAN_WORKERS="4",
        ZHIXUAN_THREADS="16",
        ZHIXUAN_ACCESS_LOG="/var/log/zhixuan/access.log",
    )
    assert config.bind == ["0.0.0.0:8080", "[::]:8080"]
    assert config.reuse_port is True
    assert (config.workers, config.threads) == (4, 16)
    assert config.accesslog == "/var/log/zhixuan/access.log"


def test_a_unix_socket_gets_no_reuse_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """With reuse_port each worker binds its own socket; for a unix socket that means each new worker removes
    the file the previous one bound, so only one worker would be reached."""
    config = load_config(monkeypatch, ZHIXUAN_BIND="unix:/run/zhixuan/gunicorn.sock")
    assert config.reuse_port is False


def test_gunicorn_reads_every_setting_of_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """gunicorn ignores unknown names in a config module silently, so a misspelt one would be lost."""
    from gunicorn.app.base import Application

    load_config(monkeypatch)

    class Probe(Application):
        """gunicorn's own loading of ``-c python:zhixuan.web.gunicorn_config``, without a command line."""

        def init(self, parser: Any, opts: Any, args: Any) -> None:
            return None

        def load_config(self) -> None:
            self.load_config_from_module_name_or_filename("python:zhixuan.web.gunicorn_config")

        def load(self) -> Any:
            return None

    probe = Probe()
    cfg = probe.cfg
    assert cfg.reuse_port is True
    assert cfg.worker_class_str == "gthread"
    assert (cfg.workers, cfg.threads, cfg.keepalive) == (2, 8, 30)
    assert cfg.address == [("127.0.0.1", 8000)]
    assert cfg.accesslog is None
    assert cfg.wsgi_app == "zhixuan.web.wsgi:application"
    import zhixuan.web.gunicorn_config as config

    assert cfg.post_worker_init is config.post_worker_init
    assert cfg.on_starting is config.on_starting


@pytest.mark.django_db(transaction=True)
def test_warm_up_passes_requests_through_the_real_app_and_closes_its_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a gunicorn worker the warm-up runs in the main thread, which serves no request: whatever database
    connection it opened must be closed again, or it would sit idle for the worker's life. With persistent
    connections (``ZHIXUAN_DB_SERVER=1``: ``CONN_MAX_AGE`` 600) Django does not close it after a request."""
    from zhixuan.web.gunicorn_config import WARM_UP, warm_up
    from zhixuan.web.wsgi import application

    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 600)
    seen: dict[str, Any] = {}

    def worker_main_thread() -> None:
        connection = connections["default"]
        closes = []
        original_close = connection.close

        def counting_close() -> None:
            closes.append(connection.connection is not None)
            original_close()

        connection.close = counting_close  # type: ignore[method-assign]
        try:
            seen["statuses"] = warm_up(application)
            seen["open_before_close"] = bool(closes) and closes[-1]
            seen["still_open"] = connection.connection is not None
            seen["in_memory"] = connection.vendor == "sqlite" and connection.is_in_memory_db()
        except BaseException as exc:  # reported by the test thread
            seen["error"] = exc
        finally:
            del connection.close
            connections.close_all()

    thread = threading.Thread(target=worker_main_thread)
    thread.start()
    thread.join(timeout=60)

    assert "error" not in seen, seen.get("error")
    assert len(seen["statuses"]) == len(WARM_UP) == 2
    assert all(status.startswith("200") for status in seen["statuses"]), seen["statuses"]
    # The unknown code's cast reached the database (refused after its SELECT) and kept its connection ...
    assert seen["open_before_close"] is True
    # ... and that connection was closed. (Django keeps an in-memory SQLite test database's connection,
    # since closing it would drop the database; a file or PostgreSQL database's connection is gone.)
    assert seen["still_open"] is seen["in_memory"]


def test_benchmark_config_uses_the_same_warm_up() -> None:
    """One copy of the warm-up: the benchmark's gunicorn config imports the production one."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_evoting_gunicorn.py"
    namespace: dict[str, Any] = {}
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)
    import zhixuan.web.gunicorn_config as config

    assert namespace["warm_up"] is config.warm_up
    assert "reuse_port" not in namespace  # the benchmark's command line decides (--no-reuse-port)
