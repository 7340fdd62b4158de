"""Electronic ballots cast through the real HTTP stack, on SQLite (WAL) or PostgreSQL.

    .venv/bin/python benchmarks/bench_evoting.py --db sqlite   --ballots 20000 --voters 1000
    .venv/bin/python benchmarks/bench_evoting.py --db postgres --ballots 20000 --voters 1000

What it does, in one run:

1. a fresh database (a temporary SQLite file in WAL mode with ``synchronous=FULL``, or a new
   PostgreSQL database), migrated, with an election, a meeting, one open round of 3 candidates and
   ``--ballots`` voting codes;
2. the database's raw durable-insert rate: single-row ``INSERT`` + ``COMMIT`` into a scratch table,
   from one connection and from ``--raw-threads`` connections at once;
3. gunicorn (``gthread`` workers, the project's WSGI app, DEBUG off) and ``--voters`` concurrent
   clients (asyncio, HTTP/1.1 keep-alive), each POSTing the cast step of ``/v/<code>/`` for its codes;
   latency is measured per request, from sending to the whole response read;
4. at ``--kill-at`` of the ballots the server is killed with SIGKILL (master and workers), restarted,
   and the clients carry on (requests in flight at the kill are retried; a retry of a ballot that
   committed is refused as already voted, which is correct);
5. every acknowledged receipt (a 200 with ``X-Vote-Status: cast``) is looked up in the database.

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


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    cmd = [
        GUNICORN,
        "zhixuan.web.wsgi:application",
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
    proc = subprocess.Popen(cmd, env=env_for(url), cwd=ROOT, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/public/receipt/", timeout=2).read()
            return proc
        except Exception:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


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
            if self.rate:
                due = self.t0 + i / self.rate + self.shift
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            while True:
                await self.server_up.wait()
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    now = time.perf_counter()
                    started = max(due, self.up_since) if due is not None else now
                    due = None  # a retry after the kill counts from its own sending
                    writer.write(request)
                    status, headers, content = await read_response(reader)
                    self.latencies.append(time.perf_counter() - started)
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


async def sample_load(samples: list[float]) -> None:
    while True:
        samples.append(os.getloadavg()[0])
        await asyncio.sleep(1)


async def drive(load: Load, kill_after: int | None, restart, loadavg: list[float]) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    started = load.t0 = time.perf_counter()
    sampler = asyncio.create_task(sample_load(loadavg))
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
        load.server_up.set()
    await asyncio.gather(*tasks)
    sampler.cancel()
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
    holder = {"proc": start_server(url, args.port, args.workers, args.threads)}

    def restart() -> None:
        kill_server(holder["proc"])
        holder["proc"] = start_server(url, args.port, args.workers, args.threads)

    load = Load(args.port, setup["round"], setup["codes"], args.voters, args.endpoint, args.rate)
    kill_after = int(args.ballots * args.kill_at) if args.kill_at else None
    loadavg: list[float] = []
    client0, (busy0, total0) = time.process_time(), machine_cpu()
    elapsed, downtime = asyncio.run(drive(load, kill_after, restart, loadavg))
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
        "server": f"gunicorn gthread {args.workers}x{args.threads}",
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
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")
    sys.exit(0 if check["missing"] == 0 else 1)


if __name__ == "__main__":
    main()
