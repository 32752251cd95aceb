"""An agent's call by hand from a case: checked like any other contact, placed, live on the desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, User
from dialer.telephony.fake import FakeTelephony
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_api import token_for

SAMS_PHONE = "+16175550113"


def _available(services: Services, username: str, phone: str | None = SAMS_PHONE) -> None:
    with transaction(services.sessions) as session:
        user = session.scalars(sa.select(User).where(User.username == username)).one()
        user.availability = "available"
        user.phone_e164 = phone


def _call(app: Flask, seeded: Seeded, clock: FakeClock, username: str = "sam"):  # type: ignore[no-untyped-def]
    fake = FakeTelephony(clock=clock)
    app.extensions["dialer.telephony"] = fake
    client = app.test_client()
    login(client, username)
    case = f"/cases/{seeded.debt_id}"
    response = form_post(client, case, f"{case}/call", {})
    return client, response, fake


def _attempts(services: Services) -> list[ContactAttempt]:
    with transaction(services.sessions) as session:
        return list(session.scalars(sa.select(ContactAttempt)))


def test_a_lawful_manual_call_is_placed_and_the_case_is_live_on_the_desk(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """The agent's phone rings first (the consumer is dialled from the answer TwiML)."""
    _available(services, "sam")
    client, response, fake = _call(app, seeded, clock)  # 11:00 in Boston

    assert response.status_code == 302
    assert response.location.endswith("/desk")
    assert [placed.call.to for placed in fake.placed] == [SAMS_PHONE]
    (attempt,) = _attempts(services)
    assert (attempt.mode, attempt.origin, attempt.status) == ("agent", "agent", "queued")
    assert attempt.to_number == seeded.phone
    assert attempt.decision["allowed"] is True
    with transaction(services.sessions) as session:
        user = session.get(User, seeded.supervisor_id)
        assert user is not None
        assert (user.availability, user.current_attempt_id) == ("on_call", attempt.id)
    assert client.get("/desk/state").json["debt_id"] == seeded.debt_id


def test_a_manual_call_that_could_ring_after_nine_is_refused(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """20:59:50 in Boston is still inside the window, but the call is placed within the next
    15 seconds: it could ring after 21:00, so it is refused with the reason, and nothing is
    written or dialled."""
    clock.advance(datetime(2026, 3, 18, 0, 59, 50, tzinfo=UTC) - clock.now())
    _available(services, "sam")
    client, response, fake = _call(app, seeded, clock)

    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{seeded.debt_id}")
    page = client.get(f"/cases/{seeded.debt_id}").text
    assert "not lawful now" in page
    assert "21:00:05 in America/New_York is outside 08:00-21:00" in page
    assert fake.placed == []
    assert _attempts(services) == []


def test_an_admin_with_no_phone_is_refused_and_nothing_is_dialled(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    _available(services, "alice", phone=None)
    client, response, fake = _call(app, seeded, clock, username="alice")

    assert response.location.endswith(f"/cases/{seeded.debt_id}")
    page = client.get(f"/cases/{seeded.debt_id}").text
    assert "alice has no phone number" in page
    assert fake.placed == []
    assert _attempts(services) == []


def test_an_agent_who_is_not_available_is_refused(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    with transaction(services.sessions) as session:
        sam = session.get(User, seeded.supervisor_id)
        assert sam is not None
        sam.phone_e164, sam.availability = SAMS_PHONE, "away"
    client, _response, fake = _call(app, seeded, clock)

    page = client.get(f"/cases/{seeded.debt_id}").text
    assert "sam is away: set yourself available" in page
    assert fake.placed == []
    assert _attempts(services) == []


def test_a_manual_call_while_a_campaign_contact_is_in_flight_is_refused(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """The person is the unit: an agent cannot call while the dialer's text to the same
    person is still being sent."""
    _available(services, "sam")
    with transaction(services.sessions) as session:
        session.add(
            ContactAttempt(
                consumer_id=seeded.consumer_id,
                debt_id=seeded.debt_id,
                channel="sms",
                direction="outbound",
                mode="automated",
                origin="dialer",
                to_number=seeded.phone,
                status="sending",
                attempted_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    client, response, fake = _call(app, seeded, clock)

    assert response.status_code == 302
    page = client.get(f"/cases/{seeded.debt_id}").text
    assert "a text with this person is still in flight: sms to" in page
    assert fake.placed == []
    assert len(_attempts(services)) == 1


def test_why_not_now_names_the_contact_in_flight_on_the_case_page_and_the_api(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """The answer dispatch gives (it waits for the contact in flight): which channel, which
    number, when it was placed (first, beside the engine's own reasons)."""
    with transaction(services.sessions) as session:
        debt_ref = session.get(Debt, seeded.debt_id).external_ref
        session.add(
            ContactAttempt(
                consumer_id=seeded.consumer_id,
                debt_id=seeded.debt_id,
                channel="call",
                direction="outbound",
                mode="automated",
                origin="dialer",
                to_number=seeded.phone,
                status="in_progress",
                attempted_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    clock.advance(timedelta(seconds=40))
    client = app.test_client()
    login(client, "sam")

    page = client.get(f"/cases/{seeded.debt_id}").text

    assert "[contact_in_flight]" in page
    assert f"call to {seeded.phone}, placed 2026-03-17T15:00:00Z" in page
    explained = client.get(
        f"/api/v1/cases/{debt_ref}/explanation",
        headers=token_for(services, seeded.supervisor_id),
    ).json
    decision = explained["call"]["decision"]
    assert decision["decision"] == "block"
    assert decision["reasons"][0]["code"] == "contact_in_flight"
    assert explained["sms"]["decision"]["reasons"][0]["code"] == "contact_in_flight"
