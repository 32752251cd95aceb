"""A user limited to some clients sees only their cases, search results and report numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from dialer.bootstrap import Services
from dialer.cli.main import cli
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, Client, ContactAttempt, Debt
from tests.integration.console.conftest import login
from tests.integration.console.seed import Seeded

AT = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)


def _two_clients(services: Services, seeded: Seeded) -> None:
    with transaction(services.sessions) as session:
        acme = Client(code="ACME-BANK", name="Acme Bank", created_at=AT)
        beta = Client(code="BETA-CARD", name="Beta Card", created_at=AT)
        session.add_all([acme, beta])
        session.flush()
        for debt_id, client in ((seeded.debt_id, acme), (seeded.second_debt_id, beta)):
            session.execute(sa.update(Debt).where(Debt.id == debt_id).values(client_id=client.id))
            session.add(
                ContactAttempt(
                    consumer_id=seeded.consumer_id,
                    debt_id=debt_id,
                    channel="call",
                    campaign_id=seeded.campaign_id,
                    status="completed",
                    attempted_at=AT,
                    outcome="conversation",
                )
            )


def _limit(services: Services, *args: str):  # type: ignore[no-untyped-def]
    url = services.settings.database_url
    return CliRunner().invoke(cli, ["users", "clients", *args], env={"DATABASE_URL": url})


def test_a_supervisor_limited_to_one_client_sees_only_its_cases_and_numbers(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    _two_clients(services, seeded)
    result = _limit(services, "sam", "acme bank")
    assert result.exit_code == 0, result.output
    assert "sam: limited to ACME-BANK" in result.output

    client = app.test_client()
    login(client, "sam")
    found = client.get("/cases?q=Lovelace").text
    assert "D-1001" in found
    assert "D-1002" not in found
    assert client.get(f"/cases/{seeded.debt_id}").status_code == 200
    assert client.get(f"/cases/{seeded.second_debt_id}").status_code == 403
    report = client.get("/reports?start=2026-03-17&end=2026-03-17&group_by=client&format=csv")
    rows = list(csv.DictReader(io.StringIO(report.text.split("\r\n\r\n")[0])))
    assert [(r["group"], r["calls"]) for r in rows] == [("ACME-BANK", "1"), ("total", "1")]

    everyone = _limit(services, "sam")
    assert "sam: every client" in everyone.output
    assert client.get(f"/cases/{seeded.second_debt_id}").status_code == 200
    with services.sessions() as session:
        changes = session.scalars(
            sa.select(AuditEntry.after).where(AuditEntry.action == "user.clients")
        ).all()
    assert changes == [{"clients": ["ACME-BANK"]}, {"clients": []}]


def test_an_unknown_client_code_is_refused_and_changes_nothing(
    services: Services, seeded: Seeded
) -> None:
    _two_clients(services, seeded)
    result = _limit(services, "sam", "GAMMA")
    assert result.exit_code == 2
    assert "no client with code GAMMA" in result.output
