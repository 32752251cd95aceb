"""Helpers for the import tests: small CSV files and the CLI run against the test database."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from dialer.cli.cases import cases
from dialer.cli.importing import import_group
from dialer.importing.case_rows import CASE_COLUMNS
from dialer.importing.history_rows import HISTORY_COLUMNS

Writer = Callable[[str, list[dict[str, str]]], Path]


def case_row(n: int, **changes: str) -> dict[str, str]:
    return {
        "consumer_ref": f"C{n}", "debt_ref": f"D{n}", "first_name": "Ann", "last_name": f"Lee{n}",
        "country": "US", "state": "MA", "postal_code": "02139", "city": "Cambridge",
        "creditor": "Acme Bank", "balance": f"{100 + n}.00", "days_past_due": "30",
        "phone1": f"+1617555{n:04d}", "phone1_type": "mobile", "phone1_consent": "yes",
        **changes,
    }  # fmt: skip


@pytest.fixture
def write_csv(tmp_path: Path) -> Writer:
    def write(name: str, rows: list[dict[str, str]]) -> Path:
        path = tmp_path / name
        columns = HISTORY_COLUMNS if "history" in name else CASE_COLUMNS
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def run_cli(db_url: str) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        group = {"import": import_group, "cases": cases}[args[0]]
        return CliRunner().invoke(group, list(args[1:]), env={"DATABASE_URL": db_url})

    return run


@pytest.fixture
def count(db_url: str) -> Callable[[str], int]:
    engine = sa.create_engine(db_url)

    def rows_in(table: str) -> int:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())

    yield rows_in
    engine.dispose()
