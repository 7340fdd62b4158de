"""gunicorn configuration for the electronic-voting benchmark (``gunicorn -c`` this file).

- **Warm-up** (``ZHIXUAN_BENCH_WARM=1``): each worker, after loading the WSGI app and before accepting
  a connection, passes two requests through the app in process — ``GET /public/receipt/`` and a
  ``POST /v/cast/`` with an unknown code — so the URL configuration, the views, the templates, the
  translation catalogues and the database driver are loaded before the first voter arrives. The
  database connection this opens belongs to the worker's main thread, which serves no request; it is
  closed again. Without it the first requests of a fresh worker wait for all of that (seconds on a
  busy machine), and while one worker is busy so, the other accepts most of the clients' connections.
- **Ready marks** (``ZHIXUAN_BENCH_READY_DIR``): each worker then creates a file named after its pid
  there; the benchmark starts its clients only when every worker has done so.
"""

import os
from io import BytesIO
from pathlib import Path

WARM_UP = [
    ("GET", "/public/receipt/", b""),
    ("POST", "/v/cast/", b"code=WARMUP00&round=1&mark-A01=for"),  # unknown code: refused after one SELECT
]


def warm_up(app):  # type: ignore[no-untyped-def]
    from django.db import connections

    for method, path, body in WARM_UP:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
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
        response = app(environ, lambda status, headers, exc_info=None: None)
        b"".join(response)
        if hasattr(response, "close"):
            response.close()
    connections.close_all()


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    if os.environ.get("ZHIXUAN_BENCH_WARM") == "1":
        warm_up(worker.wsgi)
    ready_dir = os.environ.get("ZHIXUAN_BENCH_READY_DIR")
    if ready_dir:
        Path(ready_dir, str(worker.pid)).touch()
