"""`dialer import cases` on SQLite and PostgreSQL: creates, updates, rejects, dry-runs."""

from __future__ import annotations

import csv
from decimal import Decimal

import sqlalchemy as sa

from dialer.db.base import UTCDateTime
from dialer.importing import ImportOptions, import_cases
from tests.integration.importing.conftest import case_row

TABLES = ("consumers", "debts", "phones", "consumer_flags", "opt_outs", "case_events")


def test_import_creates_then_reimport_updates_without_duplicates(
    services, write_csv, run_cli, count
) -> None:
    rows = [
        case_row(
            1, flags="dispute_pending", inconvenient_times="18:00-21:00", phone1_opt_out="sms"
        ),
        case_row(2, consumer_ref="C1", phone2="+12125550199", phone2_type="landline"),
        case_row(3, country="CN", state="ZJ", postal_code="310000", phone1="13812345678",
                 language="zh", attorney_name="Li Lawyer"),
    ]  # fmt: skip
    path = write_csv("cases.csv", rows)
    first = run_cli("import", "cases", str(path))
    assert first.exit_code == 0, first.output
    assert "consumers: 2 created, 0 updated" in first.output
    assert "debts: 3 created, 0 updated, 0 unchanged" in first.output
    before = {table: count(table) for table in TABLES}
    assert before == {"consumers": 2, "debts": 3, "phones": 4, "consumer_flags": 2,
                      "opt_outs": 1, "case_events": 3}  # fmt: skip

    again = run_cli("import", "cases", str(path))
    assert "debts: 0 created, 0 updated, 3 unchanged" in again.output
    assert {table: count(table) for table in TABLES} == before

    rows[0]["balance"] = "99.99"
    rows[2]["stage"] = "agent"
    changed = run_cli("import", "cases", str(write_csv("cases.csv", rows)))
    assert "debts: 0 created, 2 updated, 1 unchanged" in changed.output
    with services.engine.connect() as connection:
        debts = dict(connection.execute(sa.text("SELECT external_ref, balance FROM debts")).all())
        juris = dict(
            connection.execute(sa.text("SELECT external_ref, jurisdiction FROM debts")).all()
        )
        stage = connection.execute(
            sa.text("SELECT stage FROM debts WHERE external_ref='D3'")
        ).scalar()
        nexts = connection.execute(
            sa.text("SELECT count(*) FROM debts WHERE next_contact_at IS NOT NULL")
        ).scalar()
    assert Decimal(str(debts["D1"])) == Decimal("99.99")
    assert juris == {"D1": "US-MA", "D2": "US-MA", "D3": "CN-ZJ"}
    assert stage == "agent"
    assert nexts == 0
    assert count("debts") == 3
    assert count("case_events") == 5  # 3 imported + 2 updated


def test_a_bad_row_changes_nothing_and_is_reported(write_csv, run_cli, count) -> None:
    path = write_csv("cases.csv", [case_row(1), case_row(2, balance="-3"), case_row(3)])
    result = run_cli("import", "cases", str(path))
    assert result.exit_code == 1
    assert "line 3, column balance: must not be negative, got '-3'" in result.output
    assert "NOTHING imported" in result.output
    assert all(count(table) == 0 for table in TABLES)


def test_dry_run_writes_nothing(write_csv, run_cli, count) -> None:
    path = write_csv("cases.csv", [case_row(1), case_row(2)])
    result = run_cli("import", "cases", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output
    assert "rows read 2, valid 2, rejected 0" in result.output
    assert count("consumers") == 0


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(
    write_csv, run_cli, count, tmp_path
) -> None:
    path = write_csv("cases.csv", [case_row(1), case_row(2, state="ZZ"), case_row(3),
                                   case_row(4, debt_ref="D1")])  # fmt: skip
    result = run_cli("import", "cases", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert count("debts") == 2
    rejects = tmp_path / "cases.rejects.csv"
    with rejects.open(newline="", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["consumer_ref"], r["reject_line"], r["reject_reasons"]) for r in rejected] == [
        ("C2", "3", "state: unknown US state code 'ZZ'"),
        ("C4", "5", "debt_ref: appears on an earlier line too"),
    ]
    # The rejects file, once fixed, imports as it is (the two reject columns are ignored).
    rejected[0]["state"] = "MA"
    rejected[1]["debt_ref"] = "D4"
    with rejects.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rejected[0]))
        writer.writeheader()
        writer.writerows(rejected)
    fixed = run_cli("import", "cases", str(rejects))
    assert fixed.exit_code == 0, fixed.output
    assert count("debts") == 4


def test_an_unknown_column_is_refused_before_any_row(write_csv, run_cli, tmp_path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("consumer_ref,debt_ref,phone_1\nC1,D1,+16175550100\n", encoding="utf-8")
    result = run_cli("import", "cases", str(path))
    assert result.exit_code != 0
    assert "unknown column(s) phone_1" in str(result.exception) + result.output


def test_batches_commit_together(services, write_csv, count) -> None:
    rows = [case_row(n) for n in range(1, 8)] + [case_row(8, phone1="12")]
    summary = import_cases(
        services.engine, write_csv("cases.csv", rows), clock=services.clock,
        options=ImportOptions(batch_size=3),
    )  # fmt: skip
    assert not summary.committed
    assert summary.tally.rejected == 1
    assert count("consumers") == 0  # the first two batches were rolled back too


def test_timeline_events_and_flags_keep_their_structured_detail(services, write_csv) -> None:
    rows = [case_row(1, attorney_name="Li Lawyer"), case_row(2)]
    path = write_csv("cases.csv", rows)
    summary = import_cases(services.engine, path, clock=services.clock)
    assert summary.committed
    events = sa.table("case_events", sa.column("kind"), sa.column("detail", sa.JSON))
    flags = sa.table("consumer_flags", sa.column("flag"), sa.column("detail", sa.JSON))
    with services.engine.connect() as connection:
        details = [row.detail for row in connection.execute(sa.select(events.c.detail))]
        flag = connection.execute(sa.select(flags.c.flag, flags.c.detail)).one()
    assert sorted(d["line"] for d in details) == [2, 3]
    assert all(d["file"] == "cases.csv" and d["changed"] == [] for d in details)
    assert flag.flag == "attorney_represented"
    assert flag.detail["attorney_name"] == "Li Lawyer"


def test_timeline_events_name_the_file_line_creditor_and_changed_fields(
    services, write_csv
) -> None:
    rows = [case_row(1, creditor="Acme Bank"), case_row(2, creditor="Zed Loans"), case_row(3)]
    import_cases(services.engine, write_csv("cases.csv", rows), clock=services.clock)
    rows[0]["balance"] = "150.25"
    rows[0]["days_past_due"] = "60"
    rows[2]["stage"] = "agent"
    import_cases(services.engine, write_csv("update.csv", rows), clock=services.clock)
    query = sa.text(
        "SELECT e.kind, e.summary, e.detail, e.actor, e.at, d.external_ref, c.external_ref"
        " FROM case_events e JOIN debts d ON d.id = e.debt_id"
        " JOIN consumers c ON c.id = e.consumer_id AND c.id = d.consumer_id ORDER BY e.id"
    ).columns(detail=sa.JSON, at=UTCDateTime())
    with services.engine.connect() as connection:
        events = [tuple(row) for row in connection.execute(query)]
    now = services.clock.now()
    file_ = {"file": "cases.csv", "changed": []}
    assert [e[:4] for e in events] == [
        ("imported", "Imported from cases.csv (line 2): Acme Bank", {**file_, "line": 2}, "import"),
        ("imported", "Imported from cases.csv (line 3): Zed Loans", {**file_, "line": 3}, "import"),
        ("imported", "Imported from cases.csv (line 4): Acme Bank", {**file_, "line": 4}, "import"),
        ("updated", "Updated from update.csv (line 2): balance, days_past_due",
         {"file": "update.csv", "line": 2, "changed": ["balance", "days_past_due"]}, "import"),
        ("updated", "Updated from update.csv (line 4): stage",
         {"file": "update.csv", "line": 4, "changed": ["stage"]}, "import"),
    ]  # fmt: skip
    assert [e[5:] for e in events] == [("D1", "C1"), ("D2", "C2"), ("D3", "C3"), ("D1", "C1"),
                                       ("D3", "C3")]  # fmt: skip
    assert all(e[4] == now for e in events)


def test_imported_records_carry_the_import_time(services, write_csv) -> None:
    row = case_row(1, confirmed_timezone="America/New_York", phone1_opt_out="sms")
    import_cases(services.engine, write_csv("cases.csv", [row]), clock=services.clock)
    times = {
        "consumers": ("created_at", "updated_at", "confirmed_timezone_at"),
        "debts": ("created_at", "updated_at"),
        "phones": ("consent_at",),
        "opt_outs": ("opted_out_at",),
    }
    with services.engine.connect() as connection:
        stored = {
            (name, column): connection.execute(
                sa.text(f"SELECT {column} FROM {name}").columns(**{column: UTCDateTime()})
            ).scalar_one()
            for name, columns in times.items()
            for column in columns
        }
    assert set(stored.values()) == {services.clock.now()}
