"""The desk's agent line: "Connect my phone" calls the agent's phone once (from the campaign's
caller ID, into the line webhooks); the desk says where the line is; "Hang up my line" ends
it; a line that dropped is explained in the agent's language, and an agent without a phone is
told what is missing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import Campaign, ContactAttempt, User
from dialer.telephony.fake import FakeTelephony
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, rows

SAMS_PHONE = "+16175550113"


def _desk(app: Flask, clock: FakeClock, username: str = "ann"):  # type: ignore[no-untyped-def]
    fake = FakeTelephony(clock=clock)
    app.extensions["dialer.telephony"] = fake
    client = app.test_client()
    login(client, username)
    return client, fake


def test_an_agent_connects_their_phone_and_hangs_it_up_from_the_desk(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    client, fake = _desk(app, clock)

    response = form_post(client, "/desk", "/desk/line/connect", {})

    assert response.status_code == 302
    (placed,) = fake.placed
    assert (placed.call.to, placed.call.from_) == ("+16175550111", "+16175550199")
    assert f"/twilio/voice/line?agent={seeded.agent_id}" in placed.answer_url
    assert f"/twilio/voice/line-status?agent={seeded.agent_id}" in placed.status_url
    page = client.get("/desk").text
    assert "Calling your phone: answer it and stay on the line." in page
    assert "Hang up my line" in page

    form_post(client, "/desk", "/desk/line/hang-up", {})

    assert fake.calls[placed.call.sid].status == "canceled"  # it was still ringing
    page = client.get("/desk").text
    assert "Connect my phone" in page
    assert client.get("/desk/state").json["line_state"] == ""


def test_a_dropped_line_is_explained_in_the_agents_language(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    client, _ = _desk(app, clock)
    with transaction(services.sessions) as session:
        session.execute(
            sa.update(User)
            .where(User.id == seeded.agent_id)
            .values(availability="away", line_note="dropped")
        )
    form_post(client, "/desk", "/me/language", {"language": "es", "next": "/desk"})
    page = client.get("/desk").text
    assert "Su línea terminó: su teléfono colgó." in page
    assert "Quedó como ausente: vuelva a conectar su teléfono para recibir llamadas." in page


def test_a_user_without_a_phone_is_told_what_is_missing(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    client, fake = _desk(app, clock, "sam")
    response = form_post(client, "/desk", "/desk/line/connect", {})
    assert fake.placed == []
    page = client.get(response.location).text
    assert "you have no phone number: an admin adds one on the Users page" in page


def _manual_call_into_room(app: Flask, services: Services, seeded: Seeded, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Sam (with a phone) connects his line, answers it, and calls the case by hand."""
    client, fake = _desk(app, clock, "sam")
    with transaction(services.sessions) as session:
        session.execute(
            sa.update(User)
            .where(User.id == seeded.supervisor_id)
            .values(availability="available", phone_e164=SAMS_PHONE)
        )
    form_post(client, "/desk", "/desk/line/connect", {})
    (line,) = fake.placed
    twilio = Twilio(app.test_client(), services)
    twilio.post(f"/twilio/voice/line?agent={seeded.supervisor_id}", {"CallSid": line.call.sid})
    case = f"/cases/{seeded.debt_id}"
    form_post(client, case, f"{case}/call", {})
    return twilio, fake


def test_a_manual_call_with_the_line_up_calls_the_consumer_into_the_agents_room(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """No second ring of the agent's phone: the consumer is called (no machine detection, the
    agent hears who answers) and joins the room the agent is waiting in."""
    twilio, fake = _manual_call_into_room(app, services, seeded, clock)

    assert [p.call.to for p in fake.placed] == [SAMS_PHONE, seeded.phone]
    consumer = fake.placed[1]
    assert (consumer.amd_url, consumer.machine_detection) == (None, False)
    (attempt,) = rows(services.sessions, ContactAttempt)
    body = twilio.answer(attempt.id, To=seeded.phone, CallSid=consumer.call.sid).get_data(
        as_text=True
    )
    assert f">agent-line-{seeded.supervisor_id}</Conference>" in body
    assert "<Say" not in body
    twilio.call_status(attempt.id, "completed", 4, CallDuration="60", CallSid=consumer.call.sid)
    assert attempt_row(services.sessions, attempt.id).outcome == "conversation"


def test_a_recorded_call_into_the_room_is_announced_then_records_the_persons_leg_once(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """Massachusetts (all-party consent, the campaign announces): the notice first, then a
    recording of the person's own call, never of the agent's room."""
    with transaction(services.sessions) as session:
        campaign = session.get(Campaign, seeded.campaign_id)
        assert campaign is not None
        recording = {"enabled": True, "all_party_consent": "announce"}
        campaign.definition = {**campaign.definition, "recording": recording}
    twilio, fake = _manual_call_into_room(app, services, seeded, clock)
    consumer = fake.placed[1]
    (attempt,) = rows(services.sessions, ContactAttempt)

    body = twilio.answer(attempt.id, To=seeded.phone, CallSid=consumer.call.sid).get_data(
        as_text=True
    )

    notice, rest = body.split("</Say>", 1)
    assert "recorded" in notice
    assert rest.count("<Recording ") == 1
    assert rest.index("<Recording ") < rest.index("<Conference ")
    assert 'record="' not in rest  # not the room
    assert attempt_row(services.sessions, attempt.id).recording_basis == "announced"
