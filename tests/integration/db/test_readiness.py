"""A database that is unreachable or not migrated is reported in one line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.db import migrate
from web.app import create_app

ROOT = Path(__file__).resolve().parents[3]


def _dialer(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "DIALER_ENV": "development", "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "dialer", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_worker_on_an_unmigrated_database_says_run_db_upgrade(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    for process in (["worker", "--once"], ["scheduler"]):
        result = _dialer(*process, database_url=url)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert lines == [f"error: the database {url} is not migrated: run `dialer db upgrade`"]


def test_a_worker_on_an_unreachable_database_says_check_database_url() -> None:
    url = "postgresql+psycopg://dialer:secret-password@127.0.0.1:9/nowhere"
    result = _dialer("worker", "--once", database_url=url)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach the database postgresql+psycopg://dialer:***@")
    assert line.endswith("check DATABASE_URL")
    assert "secret-password" not in result.stderr


def _health(url: str) -> tuple[int, dict[str, object]]:
    services = build_services(load_settings(DATABASE_URL=url, DIALER_ENV="test"))
    try:
        response = create_app(services=services).test_client().get("/healthz")
        return response.status_code, response.get_json()
    finally:
        services.close()


def test_healthz_reports_migrations_behind(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    assert _health(url)[1]["migrations"] == "not migrated"
    migrate.upgrade(url, "4736e9e61b51")  # the first revision only
    status, body = _health(url)
    assert status == 503
    assert body["migrations"] == "behind"
    assert body["hint"] == "run `dialer db upgrade`"
    migrate.upgrade(url)
    assert _health(url) == (200, {"status": "ok", "database": "ok", "migrations": "current"})


def test_healthz_on_the_test_database_is_ok(db_url) -> None:
    status, body = _health(db_url)
    assert status == 200, body
    assert body["migrations"] == "current"


def test_any_command_on_a_database_without_tables_says_run_db_upgrade(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = _dialer("cases", "show", "D1", database_url=url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: the database has no such table (no such table: consumers): run `dialer db upgrade`"
    ]


def test_an_import_on_an_unreachable_database_is_one_line(tmp_path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("consumer_ref,debt_ref,first_name,last_name,country,creditor,balance\n")
    url = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"
    result = _dialer("import", "cases", str(cases), database_url=url)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: the database failed (")
    assert line.endswith("check DATABASE_URL and that the server is up")
