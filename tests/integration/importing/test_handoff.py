"""Escalated debts are handed over once, with their whole case, in CSV and JSON."""

from __future__ import annotations

import csv
import json

import sqlalchemy as sa
from click.testing import CliRunner

from dialer.cli.main import cli
from tests.integration.importing.conftest import case_row


def test_escalated_debts_are_handed_to_the_agency_once_with_their_case(
    services, write_csv, run_cli, tmp_path
) -> None:
    rows = [
        case_row(1, stage="escalated_agency", flags="dispute_pending", creditor="Acme Bank"),
        case_row(2, stage="escalated_legal"),
        case_row(3, stage="reminder"),
    ]
    assert run_cli("import", "cases", str(write_csv("cases.csv", rows))).exit_code == 0
    env = {"DATABASE_URL": services.settings.database_url}
    out = tmp_path / "handoffs"
    first = CliRunner().invoke(
        cli, ["handoff", "export", "--party", "agency", "--out", str(out)], env=env
    )
    assert first.exit_code == 0, first.output
    assert "1 debts placed with the agency team" in first.output
    (json_file,) = out.glob("*.json")
    (csv_file,) = out.glob("*.csv")
    document = json.loads(json_file.read_text(encoding="utf-8"))
    (case,) = document["cases"]
    assert case["debt"]["ref"] == "D1"
    assert case["debt"]["client"] == "ACME-BANK"
    assert case["consumer"]["phones"][0]["number"] == "+16175550001"
    assert [f["flag"] for f in case["flags"]] == ["dispute_pending"]
    (line,) = list(csv.DictReader(csv_file.read_text(encoding="utf-8").splitlines()))
    assert (line["debt_ref"], line["flags"]) == ("D1", "dispute_pending")
    with services.engine.connect() as connection:
        placed = connection.execute(
            sa.text("SELECT external_ref, placed_with FROM debts ORDER BY external_ref")
        ).all()
        events = connection.execute(
            sa.text("SELECT count(*) FROM case_events WHERE kind = 'handed_off'")
        ).scalar()
    assert [tuple(p) for p in placed] == [("D1", "agency"), ("D2", None), ("D3", None)]
    assert events == 1

    again = CliRunner().invoke(
        cli, ["handoff", "export", "--party", "agency", "--out", str(out)], env=env
    )
    assert "nothing to hand to the agency team" in again.output
    assert len(list(out.glob("*.json"))) == 1
