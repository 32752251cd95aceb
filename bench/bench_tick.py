"""The dispatch tick's cost at 10,000 and at 1,000,000 debts on PostgreSQL.

Measures the selection + reserve part of a tick (claim 50 due debts, then one reserve
transaction each: lock, re-read, plan, facts, history, limits, two engine evaluations, insert)
with FakeTelephony (nothing is placed). Every debt is enrolled; all but a few hundred are due
later (next_contact_at spread over 30 days); a tenth have a past attempt in the history table.

    DIALER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/bench_tick.py [--sizes 10000 1000000] [--ticks 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from dialer.bootstrap import build_services  # noqa: E402
from dialer.campaigns import create_campaign, parse_definition, set_status  # noqa: E402
from dialer.clock import FakeClock  # noqa: E402
from dialer.compliance import load_rule_packs  # noqa: E402
from dialer.db import migrate  # noqa: E402
from dialer.db.engine import transaction  # noqa: E402
from dialer.dispatch.claim import claim_due  # noqa: E402
from dialer.dispatch.reserve import reserve  # noqa: E402
from dialer.vocabulary import CampaignStatus  # noqa: E402
from tests.databases import fresh_postgres_database  # noqa: E402

NOW = datetime(2026, 3, 17, 17, 0, tzinfo=UTC)
BATCH = 50
STATES = [("MA", "617"), ("NY", "212"), ("IL", "312"), ("TX", "214"), ("CA", "310"), ("WA", "206")]


def _copy(connection, table: str, columns: list[str], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def populate(url: str, size: int, campaign_id: int, due: int) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        _copy(
            connection,
            "consumers",
            [
                "id",
                "external_ref",
                "first_name",
                "last_name",
                "language",
                "country",
                "state",
                "created_at",
                "updated_at",
            ],
            (
                (i, f"C{i}", "Test", "Person", "en", "US", STATES[i % 6][0], NOW, NOW)
                for i in range(1, size + 1)
            ),
        )
        _copy(
            connection,
            "phones",
            [
                "id",
                "consumer_id",
                "e164",
                "phone_type",
                "status",
                "sms_capable",
                "consent",
                "position",
            ],
            (
                (
                    i,
                    i,
                    f"+1{STATES[i % 6][1]}{2_000_000 + i % 7_000_000:07d}",
                    "mobile",
                    "valid",
                    True,
                    True,
                    0,
                )
                for i in range(1, size + 1)
            ),
        )
        spread = 30 * 86400

        def next_at(i: int) -> datetime:
            if i <= due:
                return NOW - timedelta(seconds=due - i + 1)
            return NOW + timedelta(seconds=(i * 7919) % spread + 60)

        _copy(
            connection,
            "debts",
            [
                "id",
                "external_ref",
                "consumer_id",
                "creditor",
                "balance",
                "currency",
                "days_past_due",
                "stage",
                "jurisdiction",
                "next_contact_at",
                "campaign_id",
                "step_index",
                "step_attempts",
                "created_at",
                "updated_at",
            ],
            (
                (
                    i,
                    f"D{i}",
                    i,
                    "Acme Bank",
                    "250.00",
                    "USD",
                    60,
                    "new",
                    f"US-{STATES[i % 6][0]}",
                    next_at(i),
                    campaign_id,
                    0,
                    0,
                    NOW,
                    NOW,
                )
                for i in range(1, size + 1)
            ),
        )
        _copy(
            connection,
            "contact_attempts",
            [
                "consumer_id",
                "debt_id",
                "phone_id",
                "channel",
                "direction",
                "mode",
                "origin",
                "status",
                "outcome",
                "attempted_at",
                "to_number",
                "from_number",
                "identity_confirmed",
                "callback_requested",
            ],
            (
                (
                    i,
                    i,
                    i,
                    "sms",
                    "outbound",
                    "automated",
                    "history",
                    "delivered",
                    "delivered",
                    NOW - timedelta(days=3),
                    f"+1{STATES[i % 6][1]}{2_000_000 + i % 7_000_000:07d}",
                    "+16175550199",
                    False,
                    False,
                )
                for i in range(1, size + 1, 10)
            ),
        )
        for table in ("consumers", "phones", "debts"):
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {size})"  # type: ignore[arg-type]
            )
        connection.execute("ANALYZE")
        connection.commit()


def measure(size: int, ticks: int, admin: str) -> dict[str, float]:
    with fresh_postgres_database(admin) as url:
        migrate.upgrade(url)
        services = build_services(
            load_settings(DATABASE_URL=url, DIALER_ENV="test"), clock=FakeClock(NOW)
        )
        packs = load_rule_packs()
        definition = parse_definition(
            {
                "name": "bench",
                "caller_ids": {"numbers": ["+16175550199"]},
                "steps": [{"kind": "ivr", "script": "reminder_ivr"}],
            },
            source="bench",
        )
        with transaction(services.sessions) as session:
            campaign = create_campaign(
                session,
                definition,
                packs=packs,
                now=NOW,
                collector=services.collector,
            )
            set_status(session, "bench", CampaignStatus.ACTIVE, now=NOW)
            campaign_id = campaign.id
        started = time.perf_counter()
        populate(url, size, campaign_id, due=BATCH * (ticks + 1))
        load_seconds = time.perf_counter() - started
        durations = []
        for index in range(ticks + 1):
            begin = time.perf_counter()
            with transaction(services.sessions) as session:
                claims = claim_due(session, now=NOW, limit=BATCH)
            for claim in claims:
                with transaction(services.sessions) as session:
                    outcome = reserve(session, claim=claim, now=NOW, packs=packs)
                    assert outcome.reservation is not None, outcome
            if index:  # the first tick warms caches and connections
                durations.append(time.perf_counter() - begin)
            assert len(claims) == BATCH
        services.close()
    return {
        "debts": size,
        "load_seconds": round(load_seconds, 1),
        "tick_median_ms": round(statistics.median(durations) * 1000, 1),
        "tick_p90_ms": round(sorted(durations)[int(len(durations) * 0.9)] * 1000, 1),
        "per_debt_ms": round(statistics.median(durations) * 1000 / BATCH, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--ticks", type=int, default=8)
    args = parser.parse_args()
    admin = os.environ.get("DIALER_TEST_POSTGRES_URL")
    if not admin:
        raise SystemExit("set DIALER_TEST_POSTGRES_URL")
    results = [measure(size, args.ticks, admin) for size in args.sizes]
    for row in results:
        print(json.dumps(row))
    ratio = results[-1]["tick_median_ms"] / results[0]["tick_median_ms"]
    summary = {
        "results": results,
        "ratio_largest_to_smallest": round(ratio, 2),
        "target_ratio": 1.5,
        "batch": BATCH,
    }
    figures: dict[str, dict[str, object]] = {
        f"tick_ms_at_{row['debts']}_debts": {"value": row["tick_median_ms"], "unit": "ms"}
        for row in results
    }
    largest, smallest = results[-1]["debts"], results[0]["debts"]
    figures[f"tick_ms_at_{largest}_debts"]["peer"] = f"tick_ms_at_{smallest}_debts"
    notes = (
        f"median of {args.ticks} ticks claiming and reserving {BATCH} debts on PostgreSQL; "
        f"ratio {summary['ratio_largest_to_smallest']} (target <= 1.5)"
    )
    print("RESULT " + json.dumps({"bench": "tick", "figures": figures, "notes": notes}))


if __name__ == "__main__":
    main()
