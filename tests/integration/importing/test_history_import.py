"""`dialer import history`: idempotent, unknown debts rejected, opt-outs recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from dialer.db.models import ContactAttempt
from tests.integration.importing.conftest import case_row


def test_history_import_is_idempotent_and_records_opt_outs(
    services, write_csv, run_cli, count
) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1), case_row(2)])))
    history = [
        {"debt_ref": "D1", "at": "2026-03-02T10:00:00-05:00", "channel": "call",
         "to": "+16175550001", "outcome": "conversation", "callback_requested": "yes"},
        {"debt_ref": "D1", "at": "2026-03-03T15:00:00Z", "channel": "sms",
         "to": "+16175550001", "outcome": "delivered"},
        {"debt_ref": "D2", "at": "2026-03-03T16:00:00Z", "channel": "sms", "direction": "inbound",
         "from": "+16175550002", "body": "STOP"},
    ]  # fmt: skip
    path = write_csv("history.csv", history)
    first = run_cli("import", "history", str(path))
    assert first.exit_code == 0, first.output
    assert "past contacts: 3 added, 0 already present; opt-outs added 1" in first.output
    second = run_cli("import", "history", str(path))
    assert "past contacts: 0 added, 3 already present; opt-outs added 0" in second.output
    assert count("contact_attempts") == 3
    assert count("opt_outs") == 1
    with services.engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT origin, status, outcome, callback_requested, attempted_at "
                    "FROM contact_attempts ORDER BY attempted_at")
        ).all()  # fmt: skip
    assert [tuple(r[:4]) for r in stored] == [
        ("history", "completed", "conversation", True),
        ("history", "delivered", "delivered", False),
        ("history", "received", "received", False),
    ]
    with services.sessions() as session:
        first_at = session.scalars(sa.select(sa.func.min(ContactAttempt.attempted_at))).one()
    assert first_at == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_unknown_debt_refs_are_rejected_and_nothing_is_stored(write_csv, run_cli, count) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1)])))
    rows = [
        {"debt_ref": "D1", "at": "2026-03-02T15:00:00Z", "channel": "call",
         "to": "+16175550001", "outcome": "busy"},
        {"debt_ref": "NOPE", "at": "2026-03-02T15:00:00Z", "channel": "call",
         "to": "+16175550001", "outcome": "busy"},
    ]  # fmt: skip
    path = write_csv("history.csv", rows)
    result = run_cli("import", "history", str(path))
    assert result.exit_code == 1
    assert "line 3, column debt_ref: no debt with this reference" in result.output
    assert count("contact_attempts") == 0
    dry = run_cli("import", "history", str(path), "--dry-run")
    assert dry.exit_code == 1
    assert count("contact_attempts") == 0
    skipped = run_cli("import", "history", str(path), "--skip-invalid")
    assert skipped.exit_code == 0, skipped.output
    assert count("contact_attempts") == 1


def test_a_callback_at_in_the_history_is_scheduled_and_a_past_one_refused(
    services, write_csv, run_cli, count
) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1), case_row(2)])))
    asked = {"debt_ref": "D1", "at": "2026-03-02T15:00:00Z", "channel": "call",
             "to": "+16175550001", "outcome": "conversation", "mode": "agent",
             "callback_at": "2099-01-05T15:00:00Z"}  # fmt: skip
    past = {"debt_ref": "D2", "at": "2026-03-02T15:00:00Z", "channel": "call",
            "to": "+16175550002", "outcome": "conversation",
            "callback_at": "2026-03-04T15:00:00Z"}  # fmt: skip
    before = {**asked, "debt_ref": "D2", "to": "+16175550002"}
    before["callback_at"] = "2026-03-01T09:00:00Z"  # before the contact itself

    refused = run_cli("import", "history", str(write_csv("history.csv", [asked, past, before])))

    assert refused.exit_code == 1
    assert "line 3, column callback_at: is in the past" in refused.output
    assert "The next lawful time is " in refused.output  # from now, in the consumer's zone
    assert "America/New_York" in refused.output
    assert "line 4, column callback_at: must be after the contact's time" in refused.output
    assert count("contact_attempts") == 0  # nothing changed
    done = run_cli("import", "history", str(write_csv("history.csv", [asked])))
    assert done.exit_code == 0, done.output
    with services.engine.connect() as connection:
        debt = connection.execute(
            sa.text("SELECT callback_at FROM debts WHERE external_ref = 'D1'")
        ).scalar_one()
        attempt = connection.execute(
            sa.text("SELECT callback_requested, callback_at FROM contact_attempts")
        ).one()
    assert str(debt).startswith("2099-01-05 15:00")
    assert attempt[0]
    assert str(attempt[1]).startswith("2099-01-05 15:00")


def test_a_callback_at_outside_lawful_hours_is_refused_with_the_next_lawful_time(
    services, write_csv, run_cli, count
) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(1), case_row(2)])))
    lawful = {"debt_ref": "D1", "at": "2026-03-02T15:00:00Z", "channel": "call",
              "to": "+16175550001", "outcome": "conversation", "mode": "agent",
              "callback_at": "2099-01-05T15:00:00Z"}  # fmt: skip
    late = {**lawful, "debt_ref": "D2", "to": "+16175550002"}
    late["callback_at"] = "2099-01-06T02:30:00Z"  # 21:30 in Cambridge, MA (EST)
    path = write_csv("history.csv", [lawful, late])

    refused = run_cli("import", "history", str(path))

    assert refused.exit_code == 1
    assert "line 3, column callback_at: is not a lawful time for the consumer" in refused.output
    assert "The next lawful time is 2099-01-06 08:00 America/New_York" in refused.output
    assert count("contact_attempts") == 0  # nothing changed
    skipped = run_cli("import", "history", str(path), "--skip-invalid")
    assert skipped.exit_code == 0, skipped.output
    with services.engine.connect() as connection:
        asked = connection.execute(
            sa.text("SELECT external_ref, callback_at FROM debts ORDER BY external_ref")
        ).all()
    assert [(ref, at is not None) for ref, at in asked] == [("D1", True), ("D2", False)]
