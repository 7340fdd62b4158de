"""Where the time of one electronic cast goes: the Django test client in a loop, in process, no server.

    .venv/bin/python benchmarks/bench_evoting_profile.py [--db sqlite|postgres] [--n 2000] [--profile]
        [--path page|cast]

``page`` is the no-JS form step (``POST /v/<code>/`` with ``step=cast``), ``cast`` the compact
endpoint (``POST /v/cast/``) the confirm page calls with ``fetch``. Prints the mean time per cast and
the number of queries; ``--profile`` adds the top of a cProfile listing. Tests never assert times.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--path", choices=["page", "cast"], default="cast")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()

    if args.db == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='prof-evoting-')) / 'p.sqlite3'}"
    else:
        import psycopg

        name = f"prof_evoting_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = f"{args.pg}/{name}"
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench_evoting_settings", "ZHIXUAN_DEBUG": "0"})
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from bench_evoting import SETUP_CODE

    namespace: dict = {"N": args.n}
    exec(SETUP_CODE, namespace)
    rnd, codes = namespace["rnd"], namespace["codes"]
    client = Client()
    marks = ["for", "against", "abstain"]

    def one(i: int) -> None:
        data = {"round": str(rnd.pk)}
        data.update({f"mark-{c}": marks[(i + k) % 3] for k, c in enumerate(["A01", "A02", "A03"])})
        if args.path == "page":
            url, data = f"/v/{codes[i]}/", {**data, "step": "cast"}
        else:
            url, data = "/v/cast/", {**data, "code": codes[i]}
        response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
        assert response["X-Vote-Status"] == "cast", response.content[:500]

    with CaptureQueriesContext(connection) as queries:
        one(0)
    for q in queries.captured_queries:
        print("  ", q["sql"][:150])
    print(f"queries per cast: {len(queries)}")
    profiler = cProfile.Profile() if args.profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for i in range(1, args.n):
        one(i)
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{args.db} {args.path}: {elapsed / (args.n - 1) * 1000:.2f} ms per cast ({(args.n - 1) / elapsed:.0f}/s), "
        f"of which {cpu / (args.n - 1) * 1000:.2f} ms CPU in this process"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
