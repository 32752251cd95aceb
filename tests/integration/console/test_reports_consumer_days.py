"""Reports by the consumer's own local day: a call at 23:30 in Los Angeles on 16 March counts on
the 16th, though it was already the 17th for an operator in New York; the console, the CLI and
the CSV say the same."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from flask import Flask

from dialer.bootstrap import Services
from dialer.cli.main import cli
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, Consumer, ContactAttempt, Debt, Phone
from tests.integration.console.conftest import login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_api import token_for

# 06:30 UTC on 17 March: 23:30 PDT on the 16th in Los Angeles, 02:30 EDT on the 17th in NY.
LATE_IN_LOS_ANGELES = datetime(2026, 3, 17, 6, 30, tzinfo=UTC)
AFTERNOON_IN_BOSTON = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)


def _californian(services: Services, seeded: Seeded) -> None:
    """A consumer in Los Angeles called late on their 16th; Ada (Boston) on the 17th; and a
    block for the Californian at the same late hour."""
    now = services.clock.now()
    with transaction(services.sessions) as session:
        person = Consumer(
            external_ref="C-2", first_name="Bea", last_name="Ruiz", language="es", country="US",
            state="CA", postal_code="90012", created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(person)
        session.flush()
        session.add(Phone(consumer_id=person.id, e164="+12135550100", phone_type="mobile",
                          consent=True, status="valid", position=0))  # fmt: skip
        debt = Debt(
            external_ref="D-2001", consumer_id=person.id, creditor="Acme Bank", balance=10,
            currency="USD", days_past_due=40, stage="reminder", jurisdiction="US-CA",
            campaign_id=seeded.campaign_id, created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(debt)
        session.flush()
        for consumer_id, debt_id, at in (
            (person.id, debt.id, LATE_IN_LOS_ANGELES),
            (seeded.consumer_id, seeded.debt_id, AFTERNOON_IN_BOSTON),
        ):
            session.add(
                ContactAttempt(
                    consumer_id=consumer_id, debt_id=debt_id, channel="call",
                    campaign_id=seeded.campaign_id, status="completed", attempted_at=at,
                    outcome="no_answer",
                )
            )  # fmt: skip
        session.add(
            CaseEvent(
                consumer_id=person.id, debt_id=debt.id, at=LATE_IN_LOS_ANGELES,
                kind="contact_blocked", summary="Contact by sms blocked: outside_hours",
                detail={"channel": "sms", "reasons": ["outside_hours"]},
            )
        )  # fmt: skip


def _csv_rows(text: str) -> dict[str, list[str]]:
    return {row[0]: row for row in csv.reader(io.StringIO(text)) if row}


def _report(client, day: date, days: str, group_by: str = "channel") -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(
        "/reports",
        query_string={"start": day.isoformat(), "end": day.isoformat(), "zone": "America/New_York",
                      "days": days, "group_by": group_by, "format": "csv"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return _csv_rows(response.text)


def test_the_consumers_local_day_and_the_operators_day_differ(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    _californian(services, seeded)
    client = app.test_client()
    login(client, "sam")
    the_16th, the_17th = date(2026, 3, 16), date(2026, 3, 17)
    # New York's 17th holds both calls; the Californian's was still their 16th.
    assert _report(client, the_17th, "operator")["total"][1] == "2"
    assert _report(client, the_16th, "operator")["total"][1] == "0"
    assert _report(client, the_17th, "consumer")["total"][1] == "1"
    by_consumer_16 = _report(client, the_16th, "consumer")
    assert by_consumer_16["total"][1] == "1"
    assert by_consumer_16["outside_hours"] == ["outside_hours", "1"]
    assert "outside_hours" in _report(client, the_17th, "operator")
    page = client.get(
        "/reports",
        query_string={"start": "2026-03-16", "end": "2026-03-17", "zone": "America/New_York",
                      "days": "consumer", "group_by": "day"},
    ).text  # fmt: skip
    assert "each contact on the consumer's own local day" in page
    assert "<td>2026-03-16</td><td>1</td>" in page
    assert "<td>2026-03-17</td><td>1</td>" in page


def test_the_cli_reports_by_the_consumers_day(
    db_url: str, services: Services, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    _californian(services, seeded)
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    common = ["report", "contacts", "--start", "2026-03-16", "--end", "2026-03-16",
              "--zone", "America/New_York", "--group-by", "day"]  # fmt: skip
    operator = runner.invoke(cli, common)
    assert operator.exit_code == 0, operator.output
    assert _csv_rows(operator.output)["total"][1] == "0"
    consumer = runner.invoke(cli, [*common, "--days", "consumer"])
    assert consumer.exit_code == 0, consumer.output
    assert _csv_rows(consumer.output)["2026-03-16"][1] == "1"
    bad = runner.invoke(cli, ["report", "contacts", "--start", "16/03", "--end", "2026-03-16"])
    assert bad.exit_code == 2
    assert "--start '16/03' is not a day like 2026-03-17" in bad.output


def test_the_api_reports_by_the_consumers_day(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    _californian(services, seeded)
    client = app.test_client()
    headers = token_for(services, seeded.supervisor_id)
    url = "/api/v1/reports/contacts?start=2026-03-16&end=2026-03-16&zone=America/New_York"
    operator = client.get(url, headers=headers).json
    consumer = client.get(f"{url}&days=consumer&group_by=day", headers=headers).json
    assert (operator["days"], operator["total"]["calls"]) == ("operator", 0)
    assert consumer["days"] == "consumer"
    assert [(r["group"], r["calls"]) for r in consumer["rows"]] == [("2026-03-16", 1)]
    assert consumer["blocks_by_reason"] == {"outside_hours": 1}
    refused = client.get(f"{url}&days=theirs", headers=headers)
    assert refused.status_code == 422
    assert "days" in refused.json["message"]
