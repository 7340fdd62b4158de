"""gunicorn configuration for a county server or the meeting laptop (docs/operations.md)::

    gunicorn -c python:zhixuan.web.gunicorn_config zhixuan.web.wsgi

The defaults are what docs/benchmarks.md measured (electronic voting: 2 workers × 8 threads, gthread):

- **Warm-up** (``post_worker_init``): each worker, after loading the WSGI app and before it accepts a
  connection, passes two requests through the app in process — ``GET /public/receipt/`` and a
  ``POST /v/cast/`` with an unknown code (refused after one SELECT; nothing is written, nothing audited) —
  so the URL configuration, the views, the templates, the translation catalogues and the database driver
  are loaded before the first voter arrives. Without it a fresh worker's first requests wait for all of
  that (seconds on a busy machine), and meanwhile the other worker takes most of the phones' connections.
- **reuse_port**: one listening socket per worker, so the kernel spreads new connections evenly. Phones keep
  their connection open (keep-alive), so an uneven split at the start would last the whole vote.
- **No access log** unless ``ZHIXUAN_ACCESS_LOG`` names one (S1): an access log of ``POST /v/cast/`` records
  when each voter voted and from which address, and the no-JavaScript path ``/v/<code>/`` even carries the
  voting code in the request line. The stored ballot has neither time nor voter; the server's logs must not
  add them back unless an operator deliberately asks for request logging.

Environment (all optional): ``ZHIXUAN_BIND`` (default ``127.0.0.1:8000``; several addresses separated by
commas; a TCP address, so that ``reuse_port`` applies), ``ZHIXUAN_WORKERS`` (2), ``ZHIXUAN_THREADS`` (8),
``ZHIXUAN_KEEPALIVE`` (seconds, 30), ``ZHIXUAN_ACCESS_LOG`` (a file, or ``-`` for stderr; unset: none),
``ZHIXUAN_LOG_LEVEL`` (``info``). gunicorn's own command-line options override these.
"""

from __future__ import annotations

import os
from io import BytesIO
from typing import Any

wsgi_app = "zhixuan.web.wsgi:application"
bind = [address.strip() for address in os.environ.get("ZHIXUAN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
worker_class = "gthread"
workers = int(os.environ.get("ZHIXUAN_WORKERS", "2"))
threads = int(os.environ.get("ZHIXUAN_THREADS", "8"))
worker_connections = 2000  # phones holding keep-alive connections during a vote (the benchmark: 1,000)
backlog = 4096
# One socket per worker on a TCP address. Not on a unix socket: there each worker would remove the socket
# file the previous one bound, and only the last worker would get connections.
reuse_port = not any(address.startswith("unix:") for address in bind)
keepalive = int(os.environ.get("ZHIXUAN_KEEPALIVE", "30"))
# S1: no request log by default (see the module docstring); an operator may ask for one explicitly.
accesslog = os.environ.get("ZHIXUAN_ACCESS_LOG") or None
errorlog = "-"  # gunicorn's own messages (start, stop, worker restarts) on stderr: no request lines
loglevel = os.environ.get("ZHIXUAN_LOG_LEVEL", "info")

# The requests of the warm-up: (method, path, body).
WARM_UP = [
    ("GET", "/public/receipt/", b""),
    ("POST", "/v/cast/", b"code=WARMUP00&round=1&mark-A01=for"),  # unknown code: refused after one SELECT
]


def _warm_up_host() -> str:
    """A host name the site accepts (``ALLOWED_HOSTS``), so the warm-up reaches the views."""
    from django.conf import settings

    for host in settings.ALLOWED_HOSTS:
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def warm_up(app: Any) -> list[str]:
    """Pass the ``WARM_UP`` requests through the WSGI ``app`` in process; return their status lines.

    The database connection this opens belongs to the calling thread (a gunicorn worker's main
    thread, which serves no request); it is closed again before returning.
    """
    from django.db import connections

    host = _warm_up_host()
    statuses: list[str] = []
    try:
        for method, path, body in WARM_UP:
            environ = {
                "REQUEST_METHOD": method,
                "PATH_INFO": path,
                "QUERY_STRING": "",
                "SERVER_NAME": host,
                "SERVER_PORT": "80",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_HOST": host,
                "REMOTE_ADDR": "127.0.0.1",
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": BytesIO(body),
                "wsgi.errors": BytesIO(),
                "wsgi.url_scheme": "http",
                "wsgi.version": (1, 0),
                "wsgi.multithread": True,
                "wsgi.multiprocess": True,
                "wsgi.run_once": False,
            }

            def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
                statuses.append(status)

            response = app(environ, start_response)
            try:
                b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
    finally:
        connections.close_all()
    return statuses


def post_worker_init(worker: Any) -> None:
    statuses = warm_up(worker.wsgi)
    if any(not status.startswith("200") for status in statuses):
        # Not fatal (the worker serves anyway), but the site is misconfigured or the database unreachable.
        worker.log.warning("zhixuan warm-up answered %s", ", ".join(statuses))


def on_starting(server: Any) -> None:
    if os.environ.get("ZHIXUAN_DEBUG", "1") != "0":
        server.log.warning("ZHIXUAN_DEBUG is not 0: error pages show settings and code (docs/operations.md)")
    if not os.environ.get("ZHIXUAN_SECRET_KEY"):
        server.log.warning("ZHIXUAN_SECRET_KEY is not set: sessions are signed with the public development key")
