"""gunicorn configuration for the electronic-voting benchmark (``gunicorn -c`` this file).

- **Warm-up** (``ZHIXUAN_BENCH_WARM=1``): each worker, after loading the WSGI app and before accepting
  a connection, passes two requests through the app in process — the production configuration's
  ``warm_up`` (``zhixuan.web.gunicorn_config``, which describes why), the one copy of it. Only that
  function is imported: the benchmark's command line sets everything else, so ``--no-reuse-port`` and
  ``--no-warm`` can still start the server as the first version of the benchmark did.
- **Ready marks** (``ZHIXUAN_BENCH_READY_DIR``): each worker then creates a file named after its pid
  there; the benchmark starts its clients only when every worker has done so.
"""

import os
from pathlib import Path

from zhixuan.web.gunicorn_config import warm_up


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    if os.environ.get("ZHIXUAN_BENCH_WARM") == "1":
        warm_up(worker.wsgi)
    ready_dir = os.environ.get("ZHIXUAN_BENCH_READY_DIR")
    if ready_dir:
        Path(ready_dir, str(worker.pid)).touch()
