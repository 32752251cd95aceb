"""A debt_ref already held by another consumer is never moved silently (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.integration.importing.conftest import case_row


def _owner_and_balance(engine: sa.Engine, debt_ref: str) -> tuple[str, Decimal]:
    with engine.connect() as connection:
        owner, balance = connection.execute(
            sa.text(
                "SELECT c.external_ref, d.balance FROM debts d "
                "JOIN consumers c ON c.id = d.consumer_id WHERE d.external_ref = :ref"
            ),
            {"ref": debt_ref},
        ).one()
    return owner, Decimal(str(balance))


def _moved_events(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT c.external_ref, e.summary FROM case_events e "
                "JOIN consumers c ON c.id = e.consumer_id WHERE e.kind = 'debt_moved' "
                "ORDER BY c.external_ref"
            )
        ).all()
    return [(row[0], row[1]) for row in rows]


def test_a_debt_of_another_consumer_is_an_error_by_line_and_nothing_changes(
    services, write_csv, run_cli, count
) -> None:
    first = run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1, balance="1250")])))
    assert first.exit_code == 0, first.output
    events_before = count("case_events")

    moved = [case_row(2), case_row(3, debt_ref="D1", balance="100")]
    for extra in (["--dry-run"], []):
        result = run_cli("import", "cases", str(write_csv("move.csv", moved)), *extra)
        assert result.exit_code == 1, result.output
        assert "line 3, column debt_ref: debt D1 belongs to consumer C1, not C3" in result.output
        assert "--move-debts" in result.output
    assert _owner_and_balance(services.engine, "D1") == ("C1", Decimal("1250"))
    assert count("consumers") == 1
    assert count("case_events") == events_before


def test_skip_invalid_imports_the_other_rows_but_not_the_move(
    services, write_csv, run_cli, count
) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1, balance="1250")])))
    moved = [case_row(2), case_row(3, debt_ref="D1", balance="100")]
    result = run_cli("import", "cases", str(write_csv("move.csv", moved)), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert _owner_and_balance(services.engine, "D1") == ("C1", Decimal("1250"))
    assert count("debts") == 2  # D1 and D2


def test_move_debts_moves_it_with_a_timeline_event_on_both_consumers(
    services, write_csv, run_cli
) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1, balance="1250")])))
    moved = [case_row(3, debt_ref="D1", balance="100")]
    dry = run_cli("import", "cases", str(write_csv("move.csv", moved)), "--dry-run", "--move-debts")
    assert dry.exit_code == 0, dry.output
    assert _owner_and_balance(services.engine, "D1") == ("C1", Decimal("1250"))

    result = run_cli("import", "cases", str(write_csv("move.csv", moved)), "--move-debts")
    assert result.exit_code == 0, result.output
    assert "1 moved to another consumer" in result.output
    assert _owner_and_balance(services.engine, "D1") == ("C3", Decimal("100"))
    assert _moved_events(services.engine) == [
        ("C1", "Debt D1 moved to consumer C3 by move.csv (line 2)"),
        ("C3", "Debt D1 moved from consumer C1 by move.csv (line 2)"),
    ]
