"""The call-status batch write when every ended call replans each debt it covered.

PostgreSQL, 99,999 debts (three per consumer) and 60,000 queued calls, each covering K of its
consumer's debts (`attempt_debts`). Batches of 50 `completed` callbacks go through
`status_batch.apply_batch` (one statement a batch, as the web process writes them), once with
the replanning of the own debt only (what the statement did before) and once with every
covered debt; the median and p90 milliseconds per batch are printed.

    DIALER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        K=3 .venv/bin/python bench/bench_covered_replan.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, select  # noqa: E402

from dialer.callbacks import EventKind, dedupe_key, payload_of, status_batch  # noqa: E402
from dialer.callbacks.events import CallStatusEvent  # noqa: E402
from dialer.callbacks.status_batch import StatusCallback, apply_batch  # noqa: E402
from dialer.db import migrate  # noqa: E402
from dialer.db.engine import make_engine  # noqa: E402
from dialer.ledger import IncomingEvent  # noqa: E402
from tests.databases import fresh_postgres_database  # noqa: E402

DEBTS, CALLS, BATCH, BATCHES = 99_999, 60_000, 50, 40
COVERED = int(os.environ.get("K", "3"))


def seed(engine: Engine) -> None:
    now, people = datetime.now(UTC), DEBTS // 3
    with engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO consumers (id, external_ref, first_name, last_name, language, country,"
            " created_at, updated_at) SELECT g, 'C'||g, 'F', 'L', 'en', 'US', %(now)s, %(now)s"
            " FROM generate_series(1, %(n)s) g",
            {"now": now, "n": people},
        )
        c.exec_driver_sql(
            "INSERT INTO debts (id, external_ref, consumer_id, creditor, balance, currency,"
            " days_past_due, stage, jurisdiction, step_index, step_attempts, created_at,"
            " updated_at) SELECT g, 'D'||g, 1 + (g-1)/3, 'Acme', 100, 'USD', 0, 'new', 'US-MA',"
            " 0, 0, %(now)s, %(now)s FROM generate_series(1, %(n)s) g",
            {"now": now, "n": DEBTS},
        )
        c.exec_driver_sql(
            "INSERT INTO contact_attempts (id, consumer_id, debt_id, channel, direction, mode,"
            " origin, status, attempted_at, identity_confirmed, callback_requested)"
            " SELECT g, 1 + (g-1) %% %(p)s, 1 + 3*((g-1) %% %(p)s), 'call', 'outbound',"
            " 'automated', 'dialer', 'queued', %(now)s, false, false"
            " FROM generate_series(1, %(n)s) g",
            {"now": now, "n": CALLS, "p": people},
        )
        c.exec_driver_sql(
            "INSERT INTO attempt_debts (attempt_id, debt_id, step_index) SELECT a.id,"
            " a.debt_id + k, 0 FROM contact_attempts a, generate_series(0, %(k)s) k",
            {"k": COVERED - 1},
        )
        c.exec_driver_sql("ANALYZE")


def callbacks(ids: range) -> list[StatusCallback]:
    out, now = [], datetime.now(UTC)
    for attempt in ids:
        form = {"CallSid": f"CA{attempt:032d}", "CallStatus": "completed", "SequenceNumber": "3"}
        payload = payload_of(form, {"attempt": str(attempt)})
        event = IncomingEvent(
            kind=EventKind.CALL_STATUS.value,
            dedupe_key=dedupe_key(EventKind.CALL_STATUS, payload, None),
            payload=payload,
            provider_sid=form["CallSid"],
            attempt_id=attempt,
        )
        out.append(StatusCallback(event, CallStatusEvent.from_payload(payload), now))
    return out


def timed(engine: Engine, first: int) -> list[float]:
    times = []
    for index in range(BATCHES + 2):  # the first two warm up
        batch = callbacks(range(first + index * BATCH, first + (index + 1) * BATCH))
        started = time.perf_counter()
        assert all(result is not None for result in apply_batch(engine, batch))
        times.append((time.perf_counter() - started) * 1000)
    return times[2:]


def own_debt_only(item: Any, after_noted: Any) -> Any:
    """The statement as it was: only the debt the webhook names."""
    own = select(item.c.debt_id.label("debt_id"), item.c.now.label("now"))
    return own.where(after_noted, item.c.debt_id.is_not(None)).cte("covered")


def main() -> None:
    covered_too = status_batch._covered
    with fresh_postgres_database(os.environ["DIALER_TEST_POSTGRES_URL"]) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        seed(engine)
        runs = [("own debt only", own_debt_only), ("every covered debt", covered_too)] * 2
        for number, (label, covered) in enumerate(runs):
            status_batch._covered = covered
            status_batch._write.cache_clear()
            times = sorted(timed(engine, 1 + number * 10_000))
            print(
                f"K={COVERED} {label}: median {statistics.median(times):.1f} ms, "
                f"p90 {times[int(len(times) * 0.9)]:.1f} ms per batch of {BATCH}"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
