"""`dialer cases show REF`: the case record on the terminal."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.integration.importing.conftest import case_row


def test_show_by_debt_or_consumer_reference(write_csv, run_cli) -> None:
    rows = [case_row(1, flags="cease_communication", phone1_opt_out="sms",
                     inconvenient_times="mon 09:00-12:00", confirmed_timezone="America/New_York"),
            case_row(2, consumer_ref="C1", creditor="Northwind")]  # fmt: skip
    run_cli("import", "cases", str(write_csv("cases.csv", rows)))
    history = [{"debt_ref": "D2", "at": "2026-03-02T15:00:00Z", "channel": "call",
                "to": "+16175550001", "outcome": "voicemail"}]  # fmt: skip
    run_cli("import", "history", str(write_csv("history.csv", history)))

    by_debt = run_cli("cases", "show", "D2")
    assert by_debt.exit_code == 0, by_debt.output
    text = by_debt.output
    assert "Consumer C1: Ann Lee2" in text  # the last row of a consumer wins
    assert "confirmed time zone: America/New_York" in text
    assert "+16175550001 mobile, valid, consent (import), opted out of sms" in text
    assert "cease_communication since" in text
    assert "mon 09:00-12:00" in text
    assert "D1: Acme Bank, 101.00 USD, 30 days past due, stage new, US-MA, next contact -" in text
    assert "D2: Northwind" in text
    timeline = text.split("Timeline (oldest first):")[1].splitlines()
    assert "history" in timeline[1]
    assert "voicemail" in timeline[1]
    assert "imported" in timeline[2]
    assert "imported" in timeline[3]
    assert run_cli("cases", "show", "C1").output == text


def test_show_says_which_contact_is_in_flight(services, write_csv, run_cli) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1)])))
    assert "In flight" not in run_cli("cases", "show", "D1").output
    with services.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO contact_attempts (consumer_id, debt_id, channel, direction, mode,"
                " origin, status, to_number, attempted_at, identity_confirmed,"
                " callback_requested) SELECT consumer_id, id, 'sms', 'outbound', 'automated',"
                " 'dialer', 'sending', '+16175550001', :at, false, false FROM debts"
            ),
            {"at": datetime(2026, 3, 17, 15, 0, tzinfo=UTC)},
        )

    text = run_cli("cases", "show", "D1").output

    assert (
        "In flight (nothing else goes out until it ends): a text with this person is still in"
        " flight: sms to +16175550001, placed 2026-03-17T15:00:00Z" in text
    )


def test_unknown_reference_exits_2(db_url) -> None:
    from click.testing import CliRunner

    from dialer.cli.main import cli

    result = CliRunner().invoke(cli, ["cases", "show", "NOPE"], env={"DATABASE_URL": db_url})
    assert result.exit_code == 2
    assert "no case with debt or consumer reference 'NOPE'" in result.output
