"""The web process's gunicorn settings, shared by the Procfile and bench/bench_webhooks.py.

Threads, not one process per request: a webhook spends most of its time waiting for
PostgreSQL, and a thread that waits lets the next callback run. The threads of a worker share
its call status batches (group commit): 16 threads make bigger batches than 8, and keep them
big however unevenly the connections spread over the workers (bench/bench_webhooks.py on
2 cores: 1,900-2,050 callbacks/s with 16, 1,530-2,320/s with 8). Keep-alive lets Twilio and
a proxy in front reuse connections. Each worker imports `webhooks.wsgi` after the fork and
warms its webhook paths up before taking requests.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "16"))
keepalive = 30
# A request line or header larger than this is refused before Flask sees it.
limit_request_line = 8190
limit_request_fields = 100
graceful_timeout = 20
# The access log never holds a query string: console searches carry phone numbers and names.
access_log_format = '%(h)s - %(u)s [%(t)s] "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'

# One /metrics for the whole web process: each worker writes its counters to files in one
# directory (prometheus_client's multiprocess mode) and whichever worker answers /metrics adds
# them all up, so every scrape gives the same totals. Set before the workers import the app.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="dialer-metrics-"))


def on_starting(server: Any) -> None:  # noqa: ANN401 - gunicorn's Arbiter
    """In the master, before any worker forks.

    Refuse to serve the development secrets on a public address (Procfile and `serve`).
    Counters start at zero with the process (files a previous run left are removed). With
    DIALER_CLOCK_START set (development and demos only), workers started or restarted at
    different moments must read the same simulated time: they inherit one DIALER_CLOCK_EPOCH.
    """
    from config.errors import ConfigurationError
    from config.settings import load_settings
    from config.startup import check_web_start

    try:
        check_web_start(load_settings(), server.cfg.bind)
    except ConfigurationError as exc:
        server.log.error("error: %s", exc)
        raise SystemExit(2) from None
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()
    if "DIALER_CLOCK_START" in os.environ and "DIALER_CLOCK_EPOCH" not in os.environ:
        from dialer.clock import SystemClock

        os.environ["DIALER_CLOCK_EPOCH"] = SystemClock().now().isoformat()


def child_exit(_server: object, worker: object) -> None:
    """A worker that exits keeps its counts; its live-only values are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
