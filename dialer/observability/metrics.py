"""Prometheus metrics, in one registry that /metrics serves.

Each process keeps its own counters (scrape each process, or set PROMETHEUS_MULTIPROC_DIR for
gunicorn's several workers, as prometheus_client documents).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REGISTRY = CollectorRegistry(auto_describe=True)

PLACEMENTS = Counter(
    "dialer_placements",
    "Reserved attempts handed to Twilio, by channel and result "
    "(placed, released, refused, ambiguous)",
    ["channel", "result"],
    registry=REGISTRY,
)
ATTEMPTS = Counter(
    "dialer_attempts",
    "Attempts that reached a final outcome, by channel and outcome",
    ["channel", "outcome"],
    registry=REGISTRY,
)
BLOCKS = Counter(
    "dialer_blocks",
    "Contacts the compliance engine blocked, by reason code",
    ["reason"],
    registry=REGISTRY,
)
TICK_SECONDS = Histogram(
    "dialer_tick_seconds",
    "Duration of one dispatch tick (claim, reserve, pace, place)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
PACING_WAIT = Histogram(
    "dialer_pacing_wait_seconds",
    "Time an attempt waited for a pacing slot",
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
    registry=REGISTRY,
)
WEBHOOK_SECONDS = Histogram(
    "dialer_webhook_seconds",
    "Webhook handling latency, by endpoint",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
CALL_STATUS_BATCH = Histogram(
    "dialer_call_status_batch_size",
    "Call status callbacks written together in one batch (group commit; PostgreSQL)",
    buckets=(1, 2, 4, 8, 16, 32, 64),
    registry=REGISTRY,
)
WEBHOOK_EVENTS = Counter(
    "dialer_webhook_events",
    "Signed Twilio webhooks stored in the ledger, by kind and result: applied; duplicate "
    "(acknowledged, changed nothing); failed (kept with its error until `dialer webhooks "
    "replay` applies it)",
    ["kind", "result"],
    registry=REGISTRY,
)
WEBHOOK_REFUSED = Counter(
    "dialer_webhook_refused",
    "Requests to the Twilio webhooks refused before the ledger, by reason: signature "
    "(missing or wrong X-Twilio-Signature: a forgery, or PUBLIC_BASE_URL / the proxy "
    "settings not matching the URL Twilio calls), method, too_large",
    ["reason"],
    registry=REGISTRY,
)
RECONCILED = Counter(
    "dialer_reconciled",
    "Attempts the reconciler resolved, by how (found, not_placed, final_status)",
    ["result"],
    registry=REGISTRY,
)


def exposition() -> bytes:
    """The text format for /metrics (aggregated over processes in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registry))
    return bytes(generate_latest(REGISTRY))
