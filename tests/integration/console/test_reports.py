"""Supervisors read contact reports over any date range in any time zone, and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import Flask

from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent, ContactAttempt, Disposition, PromiseToPay
from tests.integration.console.conftest import login
from tests.integration.console.seed import Seeded

# 2026-03-17 03:30 UTC is still 16 March in New York (23:30 EDT): the day cut follows the zone.
LATE_EVENING_NY = datetime(2026, 3, 17, 3, 30, tzinfo=UTC)
AFTERNOON = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)


def _attempt(seeded: Seeded, at: datetime, channel: str, outcome: str | None, **extra: object):
    return ContactAttempt(
        consumer_id=seeded.consumer_id,
        debt_id=seeded.debt_id,
        channel=channel,
        campaign_id=seeded.campaign_id,
        status="completed",
        attempted_at=at,
        outcome=outcome,
        **extra,
    )


def _history(services: Services, seeded: Seeded) -> None:
    with transaction(services.sessions) as session:
        session.add_all(
            [
                _attempt(seeded, LATE_EVENING_NY, "call", "no_answer"),
                _attempt(seeded, AFTERNOON, "call", "conversation", agent_id=seeded.agent_id),
                _attempt(seeded, AFTERNOON, "call", "voicemail"),
                _attempt(seeded, AFTERNOON, "sms", "delivered"),
                _attempt(seeded, AFTERNOON, "sms", "undelivered"),
            ]
        )
        disposition = Disposition(
            debt_id=seeded.debt_id,
            agent_id=seeded.agent_id,
            code="promise_to_pay",
            created_at=AFTERNOON,
        )
        session.add(disposition)
        session.flush()
        session.add(
            PromiseToPay(
                debt_id=seeded.debt_id,
                disposition_id=disposition.id,
                amount=Decimal("50"),
                currency="USD",
                due_date=date(2026, 3, 20),
                status="kept",
                created_at=AFTERNOON,
            )
        )
        session.add(
            CaseEvent(
                consumer_id=seeded.consumer_id,
                debt_id=seeded.debt_id,
                at=AFTERNOON,
                kind="contact_blocked",
                summary="blocked",
                detail={"channel": "call", "reasons": ["outside_hours"]},
            )
        )


def _csv(client, query: str) -> list[dict[str, str]]:
    response = client.get(f"/reports?{query}&format=csv")
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    table = response.text.split("\r\n\r\n")[0]
    return list(csv.DictReader(io.StringIO(table)))


def test_a_supervisor_cuts_a_range_by_day_in_new_york_and_downloads_it(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    _history(services, seeded)
    client = app.test_client()
    login(client, "sam")
    page = client.get("/reports")
    assert page.status_code == 200
    assert "Reports" in page.text

    rows = _csv(client, "start=2026-03-16&end=2026-03-17&zone=America/New_York&group_by=day")
    by_day = {row["group"]: row for row in rows}
    assert by_day["2026-03-16"]["calls"] == "1"  # 23:30 in New York, though 17 March in UTC
    assert by_day["2026-03-17"]["calls"] == "2"
    assert by_day["2026-03-17"]["contact_rate"] == "1.0000"
    assert by_day["2026-03-17"]["right_party_rate"] == "0.5000"
    assert by_day["2026-03-17"]["sms_delivery_rate"] == "0.5000"
    assert by_day["total"]["attempts"] == "5"
    assert by_day["total"]["promises_kept"] == "1"

    utc = _csv(client, "start=2026-03-17&end=2026-03-17&zone=UTC&group_by=day")
    assert [row["calls"] for row in utc] == ["3", "3"]  # the day and the total

    agents = {r["group"]: r for r in _csv(client, "start=2026-03-17&end=2026-03-17&group_by=agent")}
    assert agents["ann"]["conversations"] == "1"
    assert agents["automated"]["calls"] == "2"
    calls_only = _csv(client, "start=2026-03-17&end=2026-03-17&group_by=campaign&channel=call")
    assert calls_only[0]["group"] == "spring-reminders"
    assert (calls_only[0]["calls"], calls_only[0]["sms"]) == ("3", "0")
    assert (
        "outside_hours,1" in client.get("/reports?start=2026-03-17&end=2026-03-17&format=csv").text
    )


def test_a_bad_range_or_zone_is_refused_with_the_reason(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "sam")
    backwards = client.get("/reports?start=2026-03-17&end=2026-03-01")
    assert backwards.status_code == 422
    assert "before it starts" in backwards.text
    zone = client.get("/reports?start=2026-03-01&end=2026-03-02&zone=Mars/Olympus")
    assert zone.status_code == 422
    assert "unknown time zone Mars/Olympus" in zone.text


def test_agents_cannot_read_reports(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    assert client.get("/reports").status_code == 403


def test_the_dashboard_refreshes_itself(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "sam")
    page = client.get("/dashboard").text
    assert '<meta http-equiv="refresh" content="30">' in page
    assert 'href="/reports"' in page  # the reports are one click away
