"""Fault runs: a fresh, migrated PostgreSQL database per run; the full runs only with
`make faults` (DIALER_FAULTS_FULL=1), a short subset in every `make test`."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.clock import FakeClock
from dialer.db.engine import make_engine
from tests.databases import empty_all_tables, postgres_admin_url
from tests.faults.harness import START

FULL = os.environ.get("DIALER_FAULTS_FULL") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The full runs are deselected (not skipped) unless `make faults` asked for them."""
    if FULL:
        return
    kept = [item for item in items if "faults_full" not in item.keywords]
    dropped = [item for item in items if "faults_full" in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def pg_url(postgres_migrated_url: str) -> str:
    if postgres_admin_url() is None:
        pytest.fail("set DIALER_TEST_POSTGRES_URL")
    engine = make_engine(postgres_migrated_url)
    empty_all_tables(engine)
    engine.dispose()
    return postgres_migrated_url


@pytest.fixture
def services(pg_url: str) -> Iterator[Services]:
    built = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    yield built
    built.close()
