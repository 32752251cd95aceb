"""Creditors become client records on import: matched by code, created when new."""

from __future__ import annotations

import sqlalchemy as sa

from tests.integration.importing.conftest import case_row


def _clients(engine: sa.Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT c.code, d.external_ref FROM debts d JOIN clients c ON c.id = d.client_id "
                "ORDER BY c.code, d.external_ref"
            )
        ).all()
    found: dict[str, list[str]] = {}
    for code, debt in rows:
        found.setdefault(code, []).append(debt)
    return found


def test_each_debt_belongs_to_a_client_by_code_or_by_creditor(
    services, write_csv, run_cli, count
) -> None:
    rows = [
        case_row(1, creditor="Acme Bank"),
        case_row(2, creditor="ACME BANK"),  # another spelling: the same client
        case_row(3, creditor="Beta Card", client_code="beta-cards"),
        case_row(4, creditor="招商银行"),
    ]
    result = run_cli("import", "cases", str(write_csv("cases.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "clients created 3" in result.output
    assert _clients(services.engine) == {
        "ACME-BANK": ["D1", "D2"],
        "BETA-CARDS": ["D3"],
        "招商银行": ["D4"],
    }
    again = run_cli("import", "cases", str(write_csv("cases.csv", rows)))
    assert "clients created 0" in again.output
    assert "debts: 0 created, 0 updated, 4 unchanged" in again.output
    assert count("clients") == 3

    rows[0]["client_code"] = "BETA-CARDS"  # the debt is reassigned to another client
    moved = run_cli("import", "cases", str(write_csv("cases.csv", rows)))
    assert "debts: 0 created, 1 updated, 3 unchanged" in moved.output
    assert _clients(services.engine)["BETA-CARDS"] == ["D1", "D3"]


def test_a_client_code_without_letters_is_an_error_by_line(write_csv, run_cli, count) -> None:
    rows = [case_row(1), case_row(2, client_code="--")]
    result = run_cli("import", "cases", str(write_csv("cases.csv", rows)))
    assert result.exit_code == 1
    assert "line 3, column client_code: a client code needs letters or digits, got '--'" in (
        result.output
    )
    assert count("clients") == 0
