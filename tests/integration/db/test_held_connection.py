"""The call status batches' own connection: kept between batches, replaced when it breaks."""

from __future__ import annotations

import gc

import psycopg
import pytest
import sqlalchemy as sa

from dialer.db.engine import HeldConnection, make_engine

pytestmark = pytest.mark.postgres


def _backend_pid(held: HeldConnection) -> int:
    with held.autocommit() as driver:
        return int(driver.execute("SELECT pg_backend_pid()").fetchone()[0])


def test_one_connection_serves_every_batch_until_it_breaks(postgres_migrated_url: str) -> None:
    engine = make_engine(postgres_migrated_url, pre_ping=False)
    held = HeldConnection(engine)
    try:
        first = _backend_pid(held)
        assert _backend_pid(held) == first  # kept, not checked out again
        with held.autocommit() as driver:
            assert driver.autocommit
            driver.execute("CREATE TEMP TABLE scratch (n int)")
            driver.execute("INSERT INTO scratch VALUES (1)")  # committed at once
        with engine.connect() as other:  # the server ends it (a restart, a failover)
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        with pytest.raises(psycopg.OperationalError), held.autocommit() as driver:
            driver.execute("SELECT 1")
        assert _backend_pid(held) != first  # the next batch has a new connection
    finally:
        held.close()
        engine.dispose()


def test_a_dropped_holder_closes_its_connection(postgres_migrated_url: str) -> None:
    engine = make_engine(postgres_migrated_url, pre_ping=False)
    held = HeldConnection(engine)
    with held.autocommit() as driver:
        driver.execute("SELECT 1")
    engine.dispose()  # as a test's teardown does, with the connection still held
    del held
    gc.collect()
    assert driver.closed  # closed, not left open in a disposed pool
