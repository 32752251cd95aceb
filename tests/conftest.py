"""Shared fixtures: settings, a fake clock, and databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from config.settings import Settings, load_settings
from dialer.bootstrap import Services, build_services
from dialer.clock import FakeClock
from dialer.db import migrate
from dialer.db.engine import make_engine
from tests.databases import (
    empty_all_tables,
    fresh_postgres_database,
    postgres_admin_url,
    servers_unreachable,
)
from tests.quick_setup import quick_setup

METRICS_TOKEN = "test-metrics-token-0123456789"
AS_SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
BACKENDS = ["sqlite", "postgres"] if postgres_admin_url() else ["sqlite"]


def pytest_report_header() -> str:
    pg = postgres_admin_url()
    return f"database backends: {', '.join(BACKENDS)}" + (
        "" if pg else " (set DIALER_TEST_POSTGRES_URL for PostgreSQL)"
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("CI") and not postgres_admin_url():
        msg = "CI must set DIALER_TEST_POSTGRES_URL: the PostgreSQL integration tests would not run"
        raise pytest.UsageError(msg)
    unreachable = servers_unreachable()
    if unreachable:
        raise pytest.UsageError("; ".join(unreachable))


@pytest.fixture(scope="session", autouse=True)
def _quick_setup() -> Iterator[None]:
    """Rule packs parsed once per file, cheap argon2 (tests/quick_setup.py says why)."""
    with quick_setup():
        yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 17, 15, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def sqlite_migrated_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("db") / "dialer.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_migrated_url() -> Iterator[str]:
    admin = postgres_admin_url()
    if admin is None:  # pragma: no cover - guarded by BACKENDS
        msg = "DIALER_TEST_POSTGRES_URL is not set"
        raise RuntimeError(msg)
    with fresh_postgres_database(admin) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database: every test using it runs on SQLite and on PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_migrated_url")
    engine = make_engine(url)
    empty_all_tables(engine)
    engine.dispose()
    return url


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(DATABASE_URL=db_url, DIALER_ENV="test", DIALER_METRICS_TOKEN=METRICS_TOKEN)


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    built = build_services(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def engine(services: Services) -> sa.Engine:
    return services.engine
