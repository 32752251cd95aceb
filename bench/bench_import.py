"""Import benchmark: a 100,000-row synthetic cases file into a fresh PostgreSQL database.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--url postgresql+psycopg://...]

The URL defaults to DIALER_TEST_POSTGRES_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test
(a private database is created next to it and dropped afterwards). Three runs: the first import
(inserts), a re-import of the same file (nothing changed: reads only), and an import of the same
file with every balance and days-past-due changed (the update path). Prints rows per second.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialer.clock import FakeClock
from dialer.db import migrate
from dialer.db.engine import make_engine
from dialer.demo.portfolio import write_portfolio

# Load the reference data (ZIP index) outside the timed runs, as a long-lived process would.
from dialer.importing import import_cases, reference
from tests.databases import fresh_postgres_database

reference.zip_states()

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEBTS_PER_CONSUMER = 1.3  # the generator's average


def changed_copy(source: Path, target: Path) -> None:
    """The same cases with every balance raised by 1.00 and 30 more days past due."""
    with (
        source.open(newline="", encoding="utf-8") as inp,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.DictReader(inp)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            row["balance"] = str(Decimal(row["balance"]) + 1)
            row["days_past_due"] = str(int(row["days_past_due"]) + 30)
            writer.writerow(row)


def timed_import(url: str, path: Path, label: str) -> float:
    engine = make_engine(url)
    clock = FakeClock(datetime(2026, 3, 1, tzinfo=UTC))
    started, cpu = time.perf_counter(), time.process_time()
    summary = import_cases(engine, path, clock=clock)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    rows = summary.tally.rows_read
    c = summary.counts
    print(
        f"{label:<30} {rows:>8,} rows in {elapsed:6.2f} s = {rows / elapsed:>8,.0f} rows/s "
        f"(importer CPU {cpu:5.1f} s) "
        f"(debts +{c.debts_created:,} ~{c.debts_updated:,} ={c.debts_unchanged:,}; "
        f"rejected {summary.tally.rejected})"
    )
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default=os.environ.get("DIALER_TEST_POSTGRES_URL", DEFAULT_URL))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases.csv"
        started = time.perf_counter()
        summary = write_portfolio(cases, consumers=int(args.rows / DEBTS_PER_CONSUMER), seed=7)
        print(
            f"generated {summary.debts:,} rows ({summary.consumers:,} consumers) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        changed = Path(tmp) / "changed.csv"
        changed_copy(cases, changed)
        with fresh_postgres_database(args.url) as url:
            migrate.upgrade(url)
            new = timed_import(url, cases, "import (new cases)")
            same = timed_import(url, cases, "re-import (no changes)")
            changed_rate = timed_import(url, changed, "re-import (all debts changed)")
    figures = {
        "new_rows_per_second": {"value": round(new), "unit": "rows/s"},
        "unchanged_rows_per_second": {"value": round(same), "unit": "rows/s"},
        "changed_rows_per_second": {"value": round(changed_rate), "unit": "rows/s"},
    }
    notes = f"{args.rows:,} rows into PostgreSQL; target 10,000 rows/s"
    print("RESULT " + json.dumps({"bench": "import", "figures": figures, "notes": notes}))


if __name__ == "__main__":
    main()
