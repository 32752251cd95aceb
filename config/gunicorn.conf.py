"""The web process's gunicorn settings, shared by the Procfile and bench/bench_webhooks.py.

Threads, not one process per request: a webhook spends most of its time waiting for
PostgreSQL, and a thread that waits lets the next callback run. Keep-alive lets Twilio and a
proxy in front reuse connections. Each worker imports `webhooks.wsgi` after the fork and
warms its webhook paths up before taking requests.
"""

from __future__ import annotations

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
keepalive = 30
# A request line or header larger than this is refused before Flask sees it.
limit_request_line = 8190
limit_request_fields = 100
graceful_timeout = 20
