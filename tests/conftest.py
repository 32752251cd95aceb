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
# `make test` runs the suite in two parts: everything not marked `serial` spread over several
# processes (pytest-xdist), then the `serial` tests alone on an otherwise quiet machine. Serial:
# the real-process tests of these folders, which read rates and timings from the emulator's
# logs (calls created per second, 429s, abandonment) that CPU contention could skew; a new
# test there is serial unless its module is listed below.
SERIAL_FOLDERS = ("tests/e2e/", "tests/faults/")
# Elsewhere, modules that time a bridge on real processes: the browser flows against the
# emulator expect a predictive agent's phone to answer within the 2 s the bridge allows.
SERIAL_MODULES = ("tests/browser/test_desk_live.py",)
# Real processes, but what they assert does not depend on a quiet machine: local hours on a
# simulated clock (a minute of slack for a slow set-up), a simulated day, and invariants
# (never more calls than free agents, the notice before the recording, one contact per
# person, each callback applied once) that must hold however slow the machine is.
SERIAL_FOLDERS_EXCEPT = tuple(
    f"tests/e2e/test_{name}.py"
    for name in (
        "rehearsal",
        "simulate_predictive",
        "progressive_agents",
        "recording_consent",
        "person_contacts",
        "webhook_workers",
    )
)


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


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the mark
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        if where in SERIAL_MODULES or (
            where.startswith(SERIAL_FOLDERS) and where not in SERIAL_FOLDERS_EXCEPT
        ):
            item.add_marker(pytest.mark.serial)


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
