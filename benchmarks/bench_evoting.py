"""Electronic ballots cast through the real HTTP stack, on SQLite (WAL) or PostgreSQL.

    .venv/bin/python benchmarks/bench_evoting.py --db sqlite   --ballots 20000 --voters 1000
    .venv/bin/python benchmarks/bench_evoting.py --db postgres --ballots 20000 --voters 1000

What it does, in one run:

1. a fresh database (a temporary SQLite file in WAL mode with ``synchronous=FULL``, or a new
   PostgreSQL database), migrated, with an election, a meeting, one open round of 3 candidates and
   ``--ballots`` voting codes;
2. the database's raw durable-insert rate: single-row ``INSERT`` + ``COMMIT`` into a scratch table,
   from one connection and from ``--raw-threads`` connections at once;
3. gunicorn (``gthread`` workers, the project's WSGI app, DEBUG off; by default ``--reuse-port`` and
   every worker warmed up before it accepts, see bench_evoting_gunicorn.py) and, once every worker is
   ready, ``--voters`` concurrent clients (asyncio, HTTP/1.1 keep-alive), each POSTing ``/v/cast/``
   for its codes; latency is measured per request, from sending (open loop: from when it was due) to
   the whole response read, connecting included;
4. at ``--kill-at`` of the ballots the server is killed with SIGKILL (master and workers), restarted,
   and the clients carry on (requests in flight at the kill are retried; a retry of a ballot that
   committed is refused as already voted, which is correct; the open-loop schedule is paused);
5. every acknowledged receipt (a 200 with ``X-Vote-Status: cast``) is looked up in the database.

The JSON result locates a tail in time: ``phases`` (the first ``--start-s`` seconds, the rest, after
the restart; requests that opened their connection against keep-alive ones), ``timeline`` (per second
of the schedule: count, p50 / p99 / max, connections opened, answers arriving), ``machine_per_second``
(CPU of the machine / the server / the load generator, runnable processes, dirty page cache, disk
writes, the clients' connections held by each worker) and, with ``--sample-db`` on PostgreSQL,
``postgres_backends_per_second`` (pg_stat_activity states and wait events, ungranted locks, sampled
every 0.1 s). ``--ready first --no-warm --no-reuse-port`` starts the server as the first version of
this script did (docs/benchmarks.md, "PostgreSQL tail").

Nothing here is part of the test suite; tests never assert times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RECEIPT = re.compile(rb'id="receipt">([A-Z0-9-]+)<')  # the no-JS page's receipt
CANDIDATES = ["A01", "A02", "A03"]


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench_evoting_settings",
            "PYTHONPATH": str(ROOT / "benchmarks"),
            "ZHIXUAN_DEBUG": "0",
            "ZHIXUAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    return env


# The fixture: an election, a meeting, one open round of 3 candidates and N voting codes (``N`` given).
SETUP_CODE = r"""
from datetime import date
from django.utils import timezone
from zhixuan.web.elections.actions import do_create_county, do_create_township, do_create_election
from zhixuan.web.evoting.actions import code_hash
from zhixuan.web.evoting.models import VotingCode
from zhixuan.web.meeting.models import Meeting, Round
from zhixuan.web.nomination.models import Applicant
county = do_create_county(None, name="基准县")
township = do_create_township(None, county=county, name="基准镇")
election = do_create_election(None, township=township, title="基准选举", preset="three-round", overrides={},
    seats={"secretary": 1, "deputy_secretary": 2, "member": 4}, conditions=[], work_targets=[],
    starts_on=date(2026, 3, 2))
for number, name in [("A01", "王一"), ("A02", "李二"), ("A03", "张三")]:
    Applicant.objects.create(election=election, number=number, name=name)
meeting = Meeting.objects.create(election=election, title="基准党员大会", status="open", opened_at=timezone.now())
rnd = Round.objects.create(meeting=meeting, order=1, key="r1", position=election.positions.get(kind="member"),
    seats=4, candidates=["A01", "A02", "A03"], status="open", present=N)
codes = [f"B{i:09d}" for i in range(N)]
VotingCode.objects.bulk_create((VotingCode(meeting=meeting, code_hash=code_hash(c)) for c in codes), batch_size=2000)
"""
SETUP = (
    "import django, json, sys\ndjango.setup()\nN = int(sys.argv[1])\n"
    + SETUP_CODE
    + ('print(json.dumps({"round": rnd.pk, "codes": codes}))\n')
)

CHECK = r"""
import django, hashlib, json, sys
django.setup()
from zhixuan.web.evoting.models import CodeUse, ElectronicBallot
receipts = json.load(open(sys.argv[1]))
stored = set(ElectronicBallot.objects.values_list("receipt_hash", flat=True))
missing = [r for r in receipts if hashlib.sha256(r.replace("-", "").encode()).hexdigest() not in stored]
print(json.dumps({"acknowledged": len(receipts), "missing": len(missing), "ballots": len(stored),
                  "code_uses": CodeUse.objects.count()}))
"""


# --- raw durable inserts ---------------------------------------------------------------------------


def raw_rate(db: str, url: str, seconds: float, threads: int) -> tuple[float, float]:
    """Single-row INSERT + COMMIT per row: (rows/s from one connection, rows/s from ``threads``)."""

    def sqlite_conn() -> sqlite3.Connection:
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=60, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def pg_conn():  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(url, autocommit=True)

    connect = sqlite_conn if db == "sqlite" else pg_conn
    setup = connect()
    setup.execute("CREATE TABLE IF NOT EXISTS bench_raw (id varchar(32) PRIMARY KEY, marks text)")
    setup.close()

    def run(n_threads: int) -> float:
        stop = time.perf_counter() + seconds
        counts = [0] * n_threads

        def worker(k: int) -> None:
            conn = connect()
            placeholder = "?" if db == "sqlite" else "%s"
            while time.perf_counter() < stop:
                conn.execute(
                    f"INSERT INTO bench_raw VALUES ({placeholder}, {placeholder})",
                    (uuid.uuid4().hex, '{"for":["A01"]}'),
                )  # autocommit: one durable commit per row
                counts[k] += 1
            conn.close()

        started = time.perf_counter()
        workers = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return sum(counts) / (time.perf_counter() - started)

    return run(1), run(threads)


# --- the server -------------------------------------------------------------------------------------


def start_server(url: str, port: int, workers: int, threads: int, opts: argparse.Namespace) -> subprocess.Popen[bytes]:
    """Start gunicorn and return once it answers — and, with ``ready="all"``, once every worker has
    loaded the app (bench_evoting_gunicorn.py marks each); ``ready="first"`` is the old check, one
    answered request, which can let the clients in while the other worker is still starting."""
    ready_dir = Path(tempfile.mkdtemp(prefix="bench-evoting-ready-"))
    cmd = [
        GUNICORN,
        "zhixuan.web.wsgi:application",
        "--config",
        str(ROOT / "benchmarks" / "bench_evoting_gunicorn.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--worker-connections",
        "2000",
        "--backlog",
        "4096",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",  # no access log: request lines carry the code (S1)
    ]
    cmd += (["--preload"] if opts.preload else []) + (["--reuse-port"] if opts.reuse_port else [])
    env = env_for(url) | {"ZHIXUAN_BENCH_READY_DIR": str(ready_dir), "ZHIXUAN_BENCH_WARM": "1" if opts.warm else "0"}
    started = time.time()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = started + 60
    while time.time() < deadline:
        if opts.ready == "all" and len(list(ready_dir.iterdir())) < workers:
            time.sleep(0.05)
            continue
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/public/receipt/", timeout=2).read()
            marks = sorted(f.stat().st_mtime for f in ready_dir.iterdir())
            SERVER_STARTS.append(
                {
                    "answered_after_s": round(time.time() - started, 2),
                    "workers_ready_after_s": [round(m - started, 2) for m in marks],
                }
            )
            return proc
        except Exception:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


SERVER_STARTS: list[dict[str, object]] = []  # each start: when it answered, when each worker was ready
SERVER_CPU = [0.0]  # seconds of CPU used by the server processes (master and workers), all instances


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of the live processes in process group ``pgid``."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state ppid pgrp ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


def connections_per_worker(pgid: int, port: int) -> list[int]:
    """Established client connections held by each server process (keep-alive pins a voter to a worker)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "01":  # local port, ESTABLISHED
            inodes.add(f"socket:[{f[9]}]")
    counts = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            fds = list((stat.parent / "fd").iterdir())
            counts.append(sum(1 for fd in fds if os.readlink(fd) in inodes))
        except OSError:
            continue
    return sorted((n for n in counts if n), reverse=True)


def kill_server(proc: subprocess.Popen[bytes]) -> None:
    SERVER_CPU[0] += group_cpu(proc.pid)  # just before the kill: the workers' CPU dies with them
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --- the clients ------------------------------------------------------------------------------------


class Load:
    def __init__(self, port: int, round_id: int, codes: list[str], voters: int, endpoint: str, rate: float) -> None:
        self.port, self.round_id, self.voters, self.endpoint = port, round_id, voters, endpoint
        # Open loop (rate > 0): ballot i is due at t0 + i / rate (+ the restart's downtime), whether or not
        # earlier ones were answered; its latency counts from when it was due, so waiting for a free voter
        # or a busy server is in it. Closed loop (rate 0): every voter sends its next ballot at once.
        self.rate, self.t0, self.shift, self.up_since = rate, 0.0, 0.0, 0.0
        self.queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        for i, code in enumerate(codes):
            self.queue.put_nowait((i, code))
        self.latencies: list[float] = []
        # One sample per answered request, for the timeline: (start, latency, opened a connection, after
        # the restart), start in seconds from the first ballot's due time (restart downtime not removed).
        self.samples: list[tuple[float, float, bool, bool]] = []
        self.restarted = False
        self.machine: list[dict[str, object]] = []  # per second, see sample_load
        self.server_pgid = 0
        self.receipts: list[str] = []
        self.outcomes: dict[str, int] = {}
        self.errors = 0
        self.server_up = asyncio.Event()
        self.server_up.set()

    def body(self, i: int, code: str) -> bytes:
        marks = ["for", "against", "abstain"]
        fields = [f"round={self.round_id}"] + (["step=cast"] if self.endpoint == "page" else [f"code={code}"])
        fields += [f"mark-{c}={marks[(i + k) % 3]}" for k, c in enumerate(CANDIDATES)]
        return "&".join(fields).encode()

    async def voter(self) -> None:
        reader = writer = None
        while not self.queue.empty():
            i, code = self.queue.get_nowait()
            body = self.body(i, code)
            path = f"/v/{code}/" if self.endpoint == "page" else "/v/cast/"
            request = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
            ).encode() + body
            due = None
            while self.rate:
                # The schedule is paused while the server is down: a ballot taken before a kill but due
                # after it is due that much later (before, such ballots all went at once on the restart).
                shift = self.shift
                due = self.t0 + i / self.rate + shift
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await self.server_up.wait()
                if self.shift == shift:
                    break
            while True:
                await self.server_up.wait()
                try:
                    now = time.perf_counter()
                    started = max(due, self.up_since) if due is not None else now
                    due = None  # a retry after the kill counts from its own sending
                    fresh = writer is None
                    if writer is None:  # connecting is part of the latency (first ballot, after a kill)
                        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.write(request)
                    status, headers, content = await read_response(reader)
                    latency = time.perf_counter() - started
                    self.latencies.append(latency)
                    self.samples.append((started - self.t0, latency, fresh, self.restarted))
                    break
                except (OSError, asyncio.IncompleteReadError, ConnectionError):
                    self.errors += 1
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    await asyncio.sleep(0.2)  # server down: retry the same ballot
            outcome = headers.get(b"x-vote-status", b"?").decode()
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            if status == 200 and outcome == "cast":
                if self.endpoint == "page":
                    match = RECEIPT.search(content)
                    if match:
                        self.receipts.append(match.group(1).decode())
                else:
                    self.receipts.append(json.loads(content)["receipt"])
        if writer is not None:
            writer.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if b":" in line:
            k, v = line.split(b":", 1)
            headers[k.strip().lower()] = v.strip()
    if b"content-length" in headers:
        content = await reader.readexactly(int(headers[b"content-length"]))
    else:  # chunked
        content = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            content += chunk[:-2]
    return status, headers, content


# --- where the tail is: latency by second and by phase -------------------------------------------------


def summary(latencies: list[float]) -> dict[str, float | int]:
    lat = sorted(latencies)
    if not lat:
        return {"n": 0}
    return {
        "n": len(lat),
        "p50_ms": round(lat[len(lat) // 2] * 1000, 1),
        "p99_ms": round(lat[max(int(len(lat) * 0.99) - 1, 0)] * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1),
    }


def timeline(samples: list[tuple[float, float, bool, bool]]) -> list[dict[str, object]]:
    """Per second of the schedule (by when each request was due, or sent in a closed loop): how many,
    p50 / p99 / max latency, how many opened a connection; and how many answers arrived in that second."""
    seconds: dict[int, list[tuple[float, bool]]] = {}
    for start, latency, fresh, _after in samples:
        seconds.setdefault(int(start), []).append((latency, fresh))
    answers: dict[int, int] = {}
    for start, latency, _fresh, _after in samples:
        answers[int(start + latency)] = answers.get(int(start + latency), 0) + 1
    rows = []
    for second in range(min(seconds | answers, default=0), max(seconds | answers, default=-1) + 1):
        got = seconds.get(second, [])
        row: dict[str, object] = {"s": second, **summary([lat for lat, _ in got])}
        row["new_conns"] = sum(fresh for _, fresh in got)
        row["answered"] = answers.get(second, 0)
        rows.append(row)
    return rows


def phases(samples: list[tuple[float, float, bool, bool]], start_s: float) -> dict[str, object]:
    """Latency in the first ``start_s`` seconds (connections opening, a cold server), the rest before
    any restart, and after it; and by whether the request had to open its connection first."""
    restart_at = min((start for start, _, _, after in samples if after), default=None)
    groups: dict[str, list[float]] = {"start": [], "steady": [], "after_restart": []}
    for start, latency, _, after in samples:
        key = "after_restart" if after else ("start" if start < start_s else "steady")
        groups[key].append(latency)
    out: dict[str, object] = {f"{k}": summary(v) for k, v in groups.items() if v}
    out["start_is_first_s"] = start_s
    if restart_at is not None:
        out["restart_at_s"] = round(restart_at, 1)
    out["opened_connection"] = summary([lat for _, lat, fresh, _ in samples if fresh])
    out["keep_alive"] = summary([lat for _, lat, fresh, _ in samples if not fresh])
    return out


def pg_counters(url: str) -> dict[str, int]:
    """Checkpoints and the database's commit / deadlock counters, to subtract before from after the run."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        timed, requested = conn.execute("SELECT checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter").fetchone()
        commits, deadlocks, temp = conn.execute(
            "SELECT xact_commit, deadlocks, temp_files FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return {"checkpoints_timed": timed, "checkpoints_requested": requested, "commits": commits,
            "deadlocks": deadlocks, "temp_files": temp}  # fmt: skip


class DbSampler(threading.Thread):
    """Every ``interval`` s, what the benchmark database's backends are doing (pg_stat_activity, pg_locks),
    folded per second: mean number of backends active / waiting on each wait event, lock requests not granted."""

    def __init__(self, url: str, name: str, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.url, self.name, self.interval = url, name, interval
        self.t0 = 0.0
        self.rows: dict[int, dict[str, float]] = {}
        self.counts: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                second = int(time.perf_counter() - self.t0)
                found = conn.execute(
                    "SELECT state, coalesce(wait_event_type || ':' || wait_event, 'cpu'), count(*) "
                    "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend' GROUP BY 1, 2",
                    [self.name],
                ).fetchall()
                waiting = conn.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE NOT l.granted AND d.datname = %s",
                    [self.name],
                ).fetchone()[0]
                row = self.rows.setdefault(second, {})
                self.counts[second] = self.counts.get(second, 0) + 1
                for state, event, n in found:
                    if state == "active" or state == "idle in transaction":
                        key = f"{'active' if state == 'active' else 'in_tx'}:{event}"
                        row[key] = row.get(key, 0) + n
                    else:
                        row["idle"] = row.get("idle", 0) + n
                row["locks_not_granted"] = row.get("locks_not_granted", 0) + waiting
                time.sleep(self.interval)

    def per_second(self) -> list[dict[str, object]]:
        return [
            {"s": s, **{k: round(v / self.counts[s], 2) for k, v in sorted(row.items()) if v}}
            for s, row in sorted(self.rows.items())
        ]


def machine_now() -> dict[str, float]:
    """Counters of the whole machine: CPU busy seconds, runnable processes now, dirty and under-writeback
    page cache (kB), and the disks' completed writes and milliseconds spent writing (whole disks)."""
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    disks = {d for d in os.listdir("/sys/block") if not d.startswith(("loop", "ram", "zram", "dm-"))}
    writes = write_ms = 0
    for line in Path("/proc/diskstats").read_text().splitlines():
        f = line.split()
        if f[2] in disks:
            writes, write_ms = writes + int(f[7]), write_ms + int(f[10])
    busy, _total = machine_cpu()
    running = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("procs_running"))
    return {
        "busy": busy,
        "procs_running": float(running.split()[1]),
        "dirty_kb": float(info["Dirty"].split()[0]),
        "writeback_kb": float(info["Writeback"].split()[0]),
        "writes": writes,
        "write_ms": write_ms,
    }


async def sample_load(samples: list[float], load: Load, t0: float) -> None:
    """Each second: the load average, and what the machine did in that second (CPU cores busy: all, the
    server's processes, this load generator; runnable processes; page cache dirty / being written back,
    disk writes and the time they took); the clients' connections held by each server worker."""
    before, second = machine_now(), 0
    server_before, client_before, pgid = group_cpu(load.server_pgid), time.process_time(), load.server_pgid
    while True:
        await asyncio.sleep(max(t0 + second + 1 - time.perf_counter(), 0))
        samples.append(os.getloadavg()[0])
        now = machine_now()
        server_now, client_now = group_cpu(load.server_pgid), time.process_time()
        writes = now["writes"] - before["writes"]
        load.machine.append(
            {
                "s": second,
                "cores_busy": round(now["busy"] - before["busy"], 2),
                "cores_server": round(server_now - server_before, 2)
                if pgid == load.server_pgid and server_now >= server_before
                else None,  # a kill or restart in this second
                "cores_load_generator": round(client_now - client_before, 2),
                "procs_running": now["procs_running"],
                "dirty_kb": now["dirty_kb"],
                "writeback_kb": now["writeback_kb"],
                "disk_writes": writes,
                "disk_ms_per_write": round((now["write_ms"] - before["write_ms"]) / writes, 2) if writes else 0,
                "conns_per_worker": connections_per_worker(load.server_pgid, load.port) if load.server_pgid else [],
            }
        )
        before, second = now, second + 1
        server_before, client_before, pgid = server_now, client_now, load.server_pgid


async def drive(  # type: ignore[no-untyped-def]
    load: Load, kill_after: int | None, restart, loadavg: list[float], db_sampler: DbSampler | None = None
) -> tuple[float, float | None]:
    started = load.t0 = time.perf_counter()
    if db_sampler is not None:
        db_sampler.t0 = started
        db_sampler.start()
    sampler = asyncio.create_task(sample_load(loadavg, load, started))
    tasks = [asyncio.create_task(load.voter()) for _ in range(load.voters)]
    downtime = None
    if kill_after is not None:
        while len(load.latencies) < kill_after:
            await asyncio.sleep(0.01)
        t0 = time.perf_counter()
        load.server_up.clear()
        await asyncio.get_running_loop().run_in_executor(None, restart)
        downtime = time.perf_counter() - t0
        load.shift += downtime
        load.up_since = time.perf_counter()
        load.restarted = True
        load.server_up.set()
    await asyncio.gather(*tasks)
    sampler.cancel()
    if db_sampler is not None:
        db_sampler.stop.set()
    return time.perf_counter() - started, downtime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--ballots", type=int, default=20000)
    ap.add_argument("--voters", type=int, default=1000, help="concurrent clients")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--rate", type=float, default=0, help="open loop: ballots/s offered; 0 = closed loop")
    ap.add_argument("--endpoint", choices=["cast", "page"], default="cast", help="/v/cast/ or the no-JS page")
    ap.add_argument("--raw-seconds", type=float, default=5)
    ap.add_argument("--raw-threads", type=int, default=16)
    ap.add_argument("--kill-at", type=float, default=0.5, help="fraction of ballots; 0 = no kill")
    ap.add_argument("--port", type=int, default=18731)
    ap.add_argument(
        "--ready",
        choices=["all", "first"],
        default="all",
        help="start the clients when every worker has loaded the app, or (old) when one request is answered",
    )
    ap.add_argument("--preload", action="store_true", help="gunicorn --preload: import the app once, then fork")
    ap.add_argument(
        "--warm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each worker passes two requests through the app before accepting (bench_evoting_gunicorn.py)",
    )
    ap.add_argument(
        "--reuse-port",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="gunicorn --reuse-port: one listening socket per worker, the kernel spreads new connections evenly",
    )
    ap.add_argument("--sample-db", action="store_true", help="PostgreSQL: sample pg_stat_activity / pg_locks")
    ap.add_argument("--start-s", type=float, default=5, help="the 'start' phase: the first seconds of the run")
    ap.add_argument("--out", help="also write the JSON result to this file")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-evoting-"))
    if args.db == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        sqlite3.connect(tmp / "bench.sqlite3").execute("PRAGMA journal_mode=WAL").fetchall()
        raw_url = f"sqlite:///{tmp / 'raw.sqlite3'}"
    else:
        import psycopg

        name = f"bench_evoting_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = raw_url = f"{args.pg}/{name}"
    env = env_for(url)
    subprocess.run([PY, "-m", "zhixuan.web", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    setup = json.loads(subprocess.run([PY, "-c", SETUP, str(args.ballots)], env=env, cwd=ROOT, check=True,
                                      capture_output=True).stdout.splitlines()[-1])  # fmt: skip
    raw_one, raw_many = raw_rate(args.db, raw_url, args.raw_seconds, args.raw_threads)

    # What the rest of the machine is doing (other users of the shared cores), before our server starts.
    busy0, total0 = machine_cpu()
    time.sleep(3)
    busy1, total1 = machine_cpu()
    background_cores = (busy1 - busy0) / (total1 - total0) * os.cpu_count()  # type: ignore[operator]
    holder = {"proc": start_server(url, args.port, args.workers, args.threads, args)}

    def restart() -> None:
        kill_server(holder["proc"])
        holder["proc"] = start_server(url, args.port, args.workers, args.threads, args)
        load.server_pgid = holder["proc"].pid

    load = Load(args.port, setup["round"], setup["codes"], args.voters, args.endpoint, args.rate)
    load.server_pgid = holder["proc"].pid
    kill_after = int(args.ballots * args.kill_at) if args.kill_at else None
    loadavg: list[float] = []
    client0, (busy0, total0) = time.process_time(), machine_cpu()
    db_sampler = DbSampler(url, url.rsplit("/", 1)[1]) if args.sample_db and args.db == "postgres" else None
    pg_before = pg_counters(url) if args.db == "postgres" else None
    elapsed, downtime = asyncio.run(drive(load, kill_after, restart, loadavg, db_sampler))
    pg_after = pg_counters(url) if args.db == "postgres" else None
    client_cpu, (busy1, total1) = time.process_time() - client0, machine_cpu()
    kill_server(holder["proc"])
    cores = os.cpu_count() or 1
    machine_busy = (busy1 - busy0) / (total1 - total0) * cores  # cores busy on average during the run

    receipts_file = tmp / "receipts.json"
    receipts_file.write_text(json.dumps(load.receipts))
    check = json.loads(subprocess.run([PY, "-c", CHECK, str(receipts_file)], env=env, cwd=ROOT, check=True,
                                      capture_output=True).stdout.splitlines()[-1])  # fmt: skip
    lat = sorted(load.latencies)
    serving = elapsed - (downtime or 0)
    result = {
        "db": args.db,
        "ballots": args.ballots,
        "concurrent_voters": args.voters,
        "offered_rate": args.rate or "closed loop",
        "server": f"gunicorn gthread {args.workers}x{args.threads}"
        + (" --preload" if args.preload else "")
        + (" --reuse-port" if args.reuse_port else "")
        + (", workers warmed up" if args.warm else ""),
        "clients_start_when": "every worker has loaded the app" if args.ready == "all" else "one request answered",
        "endpoint": "/v/cast/" if args.endpoint == "cast" else "/v/<code>/ step=cast",
        "wall_s": round(elapsed, 2),
        "restart_s": round(downtime, 2) if downtime else None,
        "ballots_per_s_serving": round(len(load.receipts) / serving, 1),
        "ballots_per_s_wall": round(len(load.receipts) / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1),
        "outcomes": load.outcomes,
        "connection_errors_retried": load.errors,
        "raw_insert_per_s_1conn": round(raw_one, 1),
        f"raw_insert_per_s_{args.raw_threads}conn": round(raw_many, 1),
        "check": check,
        "cpu_cores_busy_before_run_others": round(background_cores, 2),
        "cpu_cores_busy_during_run_all": round(machine_busy, 2),
        "cpu_cores_server": round(SERVER_CPU[0] / elapsed, 2),
        "cpu_cores_load_generator": round(client_cpu / elapsed, 2),
        "cpu_ms_per_ballot_server": round(SERVER_CPU[0] / max(len(load.receipts), 1) * 1000, 2),
        "cpu_ms_per_ballot_load_generator": round(client_cpu / max(len(load.receipts), 1) * 1000, 2),
        "loadavg_1min_min_max": [round(min(loadavg), 1), round(max(loadavg), 1)] if loadavg else None,
        "server_starts": SERVER_STARTS,
        "phases": phases(load.samples, args.start_s),
    }
    if pg_before and pg_after:
        result["postgres_during_run"] = {k: pg_after[k] - pg_before[k] for k in pg_before}
    result["timeline"] = timeline(load.samples)
    if db_sampler is not None:
        result["postgres_backends_per_second"] = db_sampler.per_second()
    result["machine_per_second"] = load.machine
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")
    sys.exit(0 if check["missing"] == 0 else 1)


if __name__ == "__main__":
    main()
