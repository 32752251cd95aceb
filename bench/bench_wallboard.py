"""The wallboard's state (polled every 2 s per open wallboard) at N call attempts on PostgreSQL.

N call attempts over 60 days (one in 1,000 still ringing; a seventh conversations, a fiftieth
abandoned), then the state is read five times; the median is printed. 1,000,000 attempts on
the development machine: 408 ms without the partial indexes of recording1701, 64 ms with them.

    DIALER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/bench_wallboard.py [--attempts 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from dialer.db import migrate  # noqa: E402
from dialer.db.engine import make_engine, make_session_factory, transaction  # noqa: E402
from dialer.wallboard.board import wallboard  # noqa: E402
from tests.databases import fresh_postgres_database  # noqa: E402

NOW = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
ATTEMPTS = """
INSERT INTO contact_attempts (consumer_id, channel, direction, mode, origin, status, outcome,
    attempted_at, callback_requested, identity_confirmed, callback)
SELECT 1, 'call', 'outbound', 'automated', 'dialer',
       CASE WHEN g % 1000 = 0 THEN 'ringing' ELSE 'completed' END,
       CASE WHEN g % 1000 = 0 THEN NULL WHEN g % 7 = 0 THEN 'conversation'
            WHEN g % 50 = 0 THEN 'abandoned' ELSE 'no_answer' END,
       :now - (g % 60) * interval '1 day' - (g % 86400) * interval '1 second', false, false, false
FROM generate_series(1, :n) g
"""
CONSUMER = """
INSERT INTO consumers (external_ref, first_name, last_name, language, country, state,
    created_at, updated_at) VALUES ('C1', 'A', 'B', 'en', 'US', 'MA', :now, :now)
"""


def measure(url: str, attempts: int) -> float:
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(CONSUMER), {"now": NOW})
        connection.execute(sa.text(ATTEMPTS), {"now": NOW, "n": attempts})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE contact_attempts"))
    sessions = make_session_factory(engine)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        with transaction(sessions) as session:
            wallboard(session, now=NOW)
        times.append(time.perf_counter() - start)
    engine.dispose()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    args = parser.parse_args()
    admin = os.environ.get("DIALER_TEST_POSTGRES_URL")
    if not admin:
        sys.exit("set DIALER_TEST_POSTGRES_URL")
    with fresh_postgres_database(admin) as url:
        median = measure(url, args.attempts)
    sys.stdout.write(f"wallboard state at {args.attempts:,} attempts: {median * 1000:.0f} ms\n")


if __name__ == "__main__":
    main()
