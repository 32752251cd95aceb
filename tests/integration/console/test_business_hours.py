"""The company's business hours for inbound calls: an admin edits them in the console (versioned
and audited like contact limits); malformed hours are refused, saying where and why, and
nothing changes."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from dialer.admin.business_hours import company_hours
from dialer.bootstrap import Services
from dialer.db.models import AuditEntry, BusinessHoursVersion
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded

GOOD = {
    "zone": "America/Chicago",
    "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    "start": "09:00",
    "end": "18:00",
    "holidays": "2026-12-25\n2026-07-03",
    "reason": "Saturday shift from April",
}


def test_an_admin_sees_the_default_then_saves_company_hours_that_are_audited(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "alice")
    page = client.get("/business-hours").text
    shown = page[page.index('id="in-force"') :]
    assert "Monday, Tuesday, Wednesday, Thursday, Friday: 08:00–20:00 (America/New_York)" in shown
    assert "The default: nothing has been saved yet." in shown

    response = form_post(client, "/business-hours", "/business-hours", GOOD)  # type: ignore[arg-type]

    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Business hours saved" in page
    shown = page[page.index('id="in-force"') :]
    assert "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday: 09:00–18:00" in shown
    assert "Holidays: 2026-07-03, 2026-12-25" in shown
    with services.sessions() as session:
        hours = company_hours(session)
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "business_hours.save")
        ).all()
    assert (hours.zone, hours.start, hours.end) == ("America/Chicago", "09:00", "18:00")
    assert hours.holidays == (date(2026, 7, 3), date(2026, 12, 25))
    assert (entry.actor, entry.before, entry.reason) == ("alice", None, GOOD["reason"])
    assert entry.after is not None
    assert entry.after["days"] == GOOD["days"]


REFUSED = [
    ({"start": "25:00"}, "business_hours.start: &#39;25:00&#39; is not a local time"),
    ({"end": "08:00"}, "business_hours: start 09:00 is not before end 08:00"),
    ({"zone": "Mars/Base"}, "business_hours.zone: &#39;Mars/Base&#39; is not a time zone"),
    ({"days": []}, "business_hours.days: name the days agents take calls"),
    ({"days": ["mon", "funday"]}, "business_hours.days: &#39;funday&#39; is not a day"),
    ({"holidays": "2026-13-40"}, "business_hours.holidays: &#39;2026-13-40&#39; is not a date"),
    ({"reason": ""}, "reason: say why the business hours change"),
]


def test_malformed_hours_are_refused_saying_where_and_nothing_changes(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "alice")
    for change, refusal in REFUSED:
        sent = {**GOOD, **change}
        response = form_post(client, "/business-hours", "/business-hours", sent)  # type: ignore[arg-type]
        assert response.status_code == 422, change
        assert refusal in response.text, change
    with services.sessions() as session:
        assert session.scalars(select(BusinessHoursVersion)).all() == []
        audited = select(AuditEntry).where(AuditEntry.entity == "business_hours")
        assert session.scalars(audited).all() == []
