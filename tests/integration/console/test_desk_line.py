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
from dialer.db.models import User
from dialer.telephony.fake import FakeTelephony
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded


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
