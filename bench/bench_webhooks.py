"""Signed call-status callbacks per second on PostgreSQL under gunicorn, against a bare Flask
endpoint and a naive insert-and-update endpoint under the same gunicorn settings
(`config/gunicorn.conf.py`), the CPU each spends per request, and the p99 latency at a fixed
500/s.

    DIALER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/bench_webhooks.py [--seconds 8] [--processes 2] [--threads 8]

Each callback is distinct (attempt x status x sequence), signed with the official
RequestValidator, and goes through the whole path: signature check, ledger insert, attempt
update, case event and replanning on `completed`, written in batches with the callbacks that
arrive at the same time (group commit, as in production). The load generator is Python
(processes of threads with keep-alive connections) on the same machine, so on a small box it
competes with the server for CPU: the ratio to the bare endpoint is the more telling number.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialer.db import migrate  # noqa: E402
from dialer.db.engine import make_engine  # noqa: E402
from tests.databases import fresh_postgres_database  # noqa: E402

TOKEN = "bench-auth-token"
# The web process's own settings (the Procfile's), for both servers.
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.conf.py"
STATUSES = ("initiated", "ringing", "in-progress", "completed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str, attempts: int) -> None:
    engine = make_engine(url)
    now = datetime.now(UTC)
    debts = 500
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO consumers (id, external_ref, first_name, last_name, language, country, "
            "created_at, updated_at) SELECT g, 'C' || g, 'F', 'L', 'en', 'US', %(now)s, %(now)s "
            "FROM generate_series(1, %(n)s) g",
            {"now": now, "n": debts},
        )
        conn.exec_driver_sql(
            "INSERT INTO debts (id, external_ref, consumer_id, creditor, balance, currency, "
            "days_past_due, stage, jurisdiction, step_index, step_attempts, created_at, "
            "updated_at) SELECT g, 'D' || g, g, 'Acme', 100, 'USD', 0, 'new', 'US-MA', 0, 0, "
            "%(now)s, %(now)s FROM generate_series(1, %(n)s) g",
            {"now": now, "n": debts},
        )
        conn.exec_driver_sql(
            "INSERT INTO contact_attempts (id, consumer_id, debt_id, channel, direction, mode, "
            "origin, status, attempted_at, identity_confirmed, callback_requested) "
            "SELECT g, 1 + g %% %(d)s, 1 + g %% %(d)s, 'call', 'outbound', 'automated', "
            "'dialer', 'queued', %(now)s, false, false FROM generate_series(1, %(n)s) g",
            {"now": now, "n": attempts, "d": debts},
        )
    engine.dispose()


def requests_for(base: str, attempts: range) -> list[tuple[str, bytes, str]]:
    validator = RequestValidator(TOKEN)
    prepared = []
    # One call's callbacks are spread out (as they are in real life), not sent back to back.
    order = sorted((a // 500, seq, a) for a in attempts for seq in range(len(STATUSES)))
    for _, seq, attempt in order:
        status = STATUSES[seq]
        path = f"/twilio/voice/status?attempt={attempt}"
        form = {
            "CallSid": f"CA{attempt:032x}",
            "CallStatus": status,
            "SequenceNumber": str(seq),
            "AccountSid": "AC" + "0" * 32,
        }
        if status == "completed":
            form["CallDuration"] = "30"
        signature = validator.compute_signature(base + path, form)
        prepared.append((path, urlencode(form).encode(), signature))
    return prepared


def _worker(
    port: int,
    jobs: list[tuple[str, bytes, str]],
    threads: int,
    start_at: float,
    interval: float | None,
    out: mp.Queue,
) -> None:  # type: ignore[type-arg]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    chunks = [jobs[i::threads] for i in range(threads)]

    def run(chunk: list[tuple[str, bytes, str]], offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        bad = 0
        for i, (path, body, sig) in enumerate(chunk):
            scheduled = time.monotonic()
            if interval is not None:
                scheduled = start_at + (offset + i * threads) * interval
                delay = scheduled - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            elif time.monotonic() > start_at:
                break
            headers = {
                "X-Twilio-Signature": sig,
                "Content-Type": "application/x-www-form-urlencoded",
            }
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 204:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local.append(time.monotonic() - scheduled)
        with lock:
            latencies.extend(local)
            errors += bad

    pool = [threading.Thread(target=run, args=(chunks[i], i)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((latencies, errors))


def drive(
    port: int,
    jobs: list[tuple[str, bytes, str]],
    *,
    processes: int,
    threads: int,
    seconds: float | None = None,
    rate: float | None = None,
) -> dict[str, float]:
    """Closed loop for `seconds` (throughput), or open loop at `rate` per second."""
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    interval = None if rate is None else processes * 1.0 / rate
    begin = time.monotonic() + 0.5
    stop_at = begin + (seconds or 0)
    procs = []
    for p in range(processes):
        share = jobs[p::processes]
        start = begin + (p / rate if rate else 0)
        procs.append(
            ctx.Process(
                target=_worker,
                args=(port, share, threads, start if rate else stop_at, interval, out),
            )
        )
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - begin
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    count = len(latencies)
    p = lambda q: latencies[min(int(q * count), count - 1)] * 1000 if count else float("nan")  # noqa: E731
    return {
        "count": count,
        "errors": errors,
        "per_second": count / (seconds or elapsed) if count else 0.0,
        "p50_ms": p(0.50),
        "p99_ms": p(0.99),
    }


def sample_errors(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT error, count(*) FROM provider_events WHERE error IS NOT NULL "
            "GROUP BY error ORDER BY 2 DESC LIMIT 3"
        ).all()
    engine.dispose()
    for error, count in rows:
        print(f"unapplied events ({count}): {error[:1200]}")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU of each of these processes so far (Linux /proc)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings; a process started in between counts from zero."""
    return sum(total - before.get(pid, 0.0) for pid, total in after.items())


def children(proc: subprocess.Popen[bytes]) -> list[int]:
    found = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return [int(pid) for pid in found]


def postgres_processes() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def measured(
    proc: subprocess.Popen[bytes], run: Callable[[], dict[str, float]]
) -> dict[str, float]:
    """`run`, with the CPU its server's workers and PostgreSQL spent per request."""
    workers = cpu_seconds(children(proc))
    database = cpu_seconds(postgres_processes())
    result = run()
    worker_cpu = spent(workers, cpu_seconds(children(proc)))
    database_cpu = spent(database, cpu_seconds(postgres_processes()))
    count = max(result["count"], 1)
    return result | {
        "worker_cpu_ms": worker_cpu * 1000 / count,
        "db_cpu_ms": database_cpu * 1000 / count,
    }


def gunicorn(target: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        target,
        "--config",
        str(GUNICORN_CONFIG),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"gunicorn {target} did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--rate-seconds", type=float, default=8.0)
    args = parser.parse_args()
    admin = os.environ.get("DIALER_TEST_POSTGRES_URL")
    if not admin:
        sys.exit("set DIALER_TEST_POSTGRES_URL (the bench needs PostgreSQL)")
    attempts = 40_000
    with fresh_postgres_database(admin) as url:
        migrate.upgrade(url)
        seed(url, attempts)
        port, bare_port, naive_port = free_port(), free_port(), free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(
            os.environ,
            DATABASE_URL=url,
            TWILIO_AUTH_TOKEN=TOKEN,
            DIALER_ENV="development",  # development secrets, on 127.0.0.1 only
            PUBLIC_BASE_URL=base,
            DIALER_LOG_LEVEL="WARNING",
        )
        jobs = requests_for(base, range(1, attempts + 1))
        app = gunicorn("webhooks.wsgi:app", port, env)
        bare = gunicorn("bench.bare_app:app", bare_port, env)
        naive = gunicorn("bench.naive_app:app", naive_port, env)
        try:
            half = len(jobs) // 2
            for warm in (port, bare_port, naive_port):  # every server equally warm
                drive(warm, jobs[-2000:], processes=1, threads=4, seconds=1.0)

            def closed_loop(server: subprocess.Popen[bytes], at: int) -> dict[str, float]:
                return measured(
                    server,
                    lambda: drive(
                        at,
                        jobs[:half],
                        processes=args.processes,
                        threads=args.threads,
                        seconds=args.seconds,
                    ),
                )

            full = closed_loop(app, port)
            bare_run = closed_loop(bare, bare_port)
            naive_run = closed_loop(naive, naive_port)
            needed = int(args.rate * args.rate_seconds)
            fixed = drive(
                port,
                jobs[half : half + needed],
                processes=args.processes,
                threads=args.threads * 2,
                rate=args.rate,
            )
        finally:
            for proc in (app, bare, naive):
                proc.terminate()
                proc.wait(timeout=10)
            sample_errors(url)
    ratio = full["per_second"] / bare_run["per_second"] if bare_run["per_second"] else 0.0
    print(
        f"webhooks: {full['per_second']:.0f}/s (p50 {full['p50_ms']:.1f} ms, "
        f"p99 {full['p99_ms']:.1f} ms, errors {full['errors']})"
    )
    print(f"bare:     {bare_run['per_second']:.0f}/s (p99 {bare_run['p99_ms']:.1f} ms)")
    print(
        f"naive:    {naive_run['per_second']:.0f}/s (insert and update in one commit; "
        f"{naive_run['worker_cpu_ms']:.2f} ms in gunicorn + {naive_run['db_cpu_ms']:.2f} ms "
        f"in PostgreSQL per request, errors {naive_run['errors']})"
    )
    print(f"ratio:    {ratio:.2f}")
    print(
        f"CPU per request: webhooks {full['worker_cpu_ms']:.2f} ms in gunicorn + "
        f"{full['db_cpu_ms']:.2f} ms in PostgreSQL; bare {bare_run['worker_cpu_ms']:.2f} ms"
    )
    print(
        f"at {args.rate:.0f}/s: p50 {fixed['p50_ms']:.1f} ms, p99 {fixed['p99_ms']:.1f} ms, "
        f"{fixed['count']} sent, errors {fixed['errors']}"
    )
    result = {
        "bench": "webhooks",
        "figures": {
            "callbacks_per_second": {
                "value": round(full["per_second"], 1),
                "unit": "req/s",
                "peer": "bare_per_second",
            },
            "bare_per_second": {"value": round(bare_run["per_second"], 1), "unit": "req/s"},
            "worker_cpu_ms_per_callback": {
                "value": round(full["worker_cpu_ms"], 3),
                "unit": "ms",
                "peer": "bare_worker_cpu_ms",
            },
            "bare_worker_cpu_ms": {"value": round(bare_run["worker_cpu_ms"], 3), "unit": "ms"},
            "postgres_cpu_ms_per_callback": {"value": round(full["db_cpu_ms"], 3), "unit": "ms"},
            "naive_per_second": {
                "value": round(naive_run["per_second"], 1),
                "unit": "req/s",
                "peer": "bare_per_second",
            },
            "p99_ms_at_fixed_rate": {"value": round(fixed["p99_ms"], 2), "unit": "ms"},
            "errors": {"value": full["errors"] + fixed["errors"], "unit": "requests"},
        },
        "notes": "gunicorn 2 workers with config/gunicorn.conf.py (gthread, "
        f"{runpy.run_path(str(GUNICORN_CONFIG))['threads']} threads), PostgreSQL, "
        f"Python load generator on the same {os.cpu_count()}-CPU machine; "
        f"fixed rate {args.rate:.0f}/s",
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
