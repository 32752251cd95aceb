"""The agent's desk: availability, the case popping when a call connects, wrap-up timeout."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from dialer.agents import desk as agent_desk
from dialer.agents.pool import release_agent
from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, ContactAttempt, User
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded


def connected_call(services: Services, seeded: Seeded) -> int:
    """A bridged call to the agent (what the IVR does when the consumer presses 0)."""
    return connected_call_to(services, seeded, seeded.agent_id)


def connected_call_to(services: Services, seeded: Seeded, agent_id: int) -> int:
    now = services.clock.now()
    with transaction(services.sessions) as session:
        attempt = ContactAttempt(
            consumer_id=seeded.consumer_id,
            debt_id=seeded.debt_id,
            channel="call",
            status="in_progress",
            attempted_at=now,
            answered_at=now,
            to_number=seeded.phone,
            outcome=None,
            agent_id=agent_id,
        )
        session.add(attempt)
        session.flush()
        agent_desk.connect_call(session, user_id=agent_id, attempt_id=attempt.id, now=now)
        return attempt.id


def test_an_agent_marks_available_and_the_change_is_audited(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "ann")
    assert client.get("/desk/state").json["availability"] == "offline"
    form_post(client, "/desk", "/desk/availability", {"availability": "available"})
    assert client.get("/desk/state").json["availability"] == "available"
    with transaction(services.sessions) as session:
        entry = session.query(AuditEntry).filter_by(action="agent.availability").one()
        assert (entry.actor, entry.before, entry.after) == (
            "ann",
            {"availability": "offline"},
            {"availability": "available"},
        )


def test_the_case_pops_when_a_call_connects_and_wrap_up_times_out(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    client = app.test_client()
    login(client, "ann")
    form_post(client, "/desk", "/desk/availability", {"availability": "available"})
    assert client.get("/desk/state").json["attempt_id"] is None
    attempt_id = connected_call(services, seeded)
    state = client.get("/desk/state").json
    assert (state["availability"], state["attempt_id"], state["debt_id"]) == (
        "on_call",
        attempt_id,
        seeded.debt_id,
    )
    panel = client.get("/desk/case").text
    assert "D-1001" in panel
    assert "Ada Lovelace" in panel
    assert "420.50" in panel
    with transaction(services.sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        attempt.status, attempt.ended_at = "completed", clock.now()
    assert client.get("/desk/state").json["availability"] == "wrap_up"
    clock.advance(timedelta(seconds=30))
    assert client.get("/desk/state").json["wrap_up_seconds_left"] == 30
    clock.advance(timedelta(seconds=31))
    assert client.get("/desk/state").json["availability"] == "available"
    with transaction(services.sessions) as session:
        assert session.get(User, seeded.agent_id).current_attempt_id == attempt_id  # type: ignore[union-attr]


def test_an_agent_cannot_set_on_call_by_hand(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    response = form_post(client, "/desk", "/desk/availability", {"availability": "on_call"})
    assert response.status_code == 302
    assert client.get("/desk/state").json["availability"] == "offline"


def test_an_agent_sees_only_cases_they_worked(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    ann, bob = app.test_client(), app.test_client()
    login(ann, "ann")
    login(bob, "bob")
    assert ann.get(f"/cases/{seeded.debt_id}").status_code == 403
    connected_call(services, seeded)
    assert ann.get(f"/cases/{seeded.debt_id}").status_code == 200
    assert bob.get(f"/cases/{seeded.debt_id}").status_code == 403


def test_a_timed_out_wrap_up_ends_even_with_the_desk_closed(
    services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """The scheduler's job (expire_wrap_ups) does what an open desk's refresh does, and leaves
    an agent who chose `away` meanwhile as they are."""
    ann, bob = seeded.agent_id, seeded.other_agent_id
    for agent in (ann, bob):
        with transaction(services.sessions) as session:
            agent_desk.set_availability(
                session, user_id=agent, availability="available", now=clock.now(), actor="test"
            )
        attempt_id = connected_call_to(services, seeded, agent)
        with transaction(services.sessions) as session:
            release_agent(session, attempt_id=attempt_id, now=clock.now())  # the call ended
    with transaction(services.sessions) as session:
        agent_desk.set_availability(
            session, user_id=bob, availability="away", now=clock.now(), actor="bob"
        )

    clock.advance(timedelta(seconds=59))
    with transaction(services.sessions) as session:
        assert agent_desk.expire_wrap_ups(session, now=clock.now()) == 0
    assert availability(services, ann) == "wrap_up"
    clock.advance(timedelta(seconds=1))
    with transaction(services.sessions) as session:
        assert agent_desk.expire_wrap_ups(session, now=clock.now()) == 1
    assert (availability(services, ann), availability(services, bob)) == ("available", "away")
    with transaction(services.sessions) as session:
        assert agent_desk.expire_wrap_ups(session, now=clock.now()) == 0


def availability(services: Services, user_id: int) -> str:
    with transaction(services.sessions) as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.availability


def _end_call(services: Services, attempt_id: int, clock: FakeClock) -> None:
    with transaction(services.sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        attempt.status, attempt.ended_at = "completed", clock.now()
        release_agent(session, attempt_id=attempt_id, now=clock.now())  # the call-ended webhook


def _note(client, seeded: Seeded, attempt_id: int, page: str):  # type: ignore[no-untyped-def]
    return form_post(
        client,
        page,
        f"/cases/{seeded.debt_id}/disposition",
        {
            "code": "note",
            "notes": "spoke briefly",
            "attempt_id": str(attempt_id),
            "next_page": page,
        },
    )


def test_no_wrap_up_when_the_disposition_was_recorded_during_the_call(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    client = app.test_client()
    login(client, "ann")
    form_post(client, "/desk", "/desk/availability", {"availability": "available"})
    attempt_id = connected_call(services, seeded)
    assert _note(client, seeded, attempt_id, "/desk").status_code == 302
    assert client.get("/desk/state").json["availability"] == "on_call"  # still talking
    _end_call(services, attempt_id, clock)
    state = client.get("/desk/state").json
    assert (state["availability"], state["wrap_up_seconds_left"]) == ("available", None)


def test_a_call_left_without_disposition_stays_on_the_desk_to_complete(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """After the wrap-up times out the case leaves the live panel, but the call is listed
    under the agent's calls to complete, and its link opens the case with that call."""
    client = app.test_client()
    login(client, "ann")
    form_post(client, "/desk", "/desk/availability", {"availability": "available"})
    attempt_id = connected_call(services, seeded)
    _end_call(services, attempt_id, clock)
    assert client.get("/desk/state").json["availability"] == "wrap_up"
    clock.advance(timedelta(seconds=61))
    assert client.get("/desk/state").json["availability"] == "available"

    desk = client.get("/desk").text
    listed = desk[desk.index('id="calls-to-complete"') :]
    assert "D-1001" in listed
    assert "Ada Lovelace" in listed
    link = f"/cases/{seeded.debt_id}?attempt={attempt_id}"
    assert link in listed
    case_page = client.get(link)
    assert case_page.status_code == 200
    assert f'name="attempt_id" type="hidden" value="{attempt_id}"' in case_page.text
    assert _note(client, seeded, attempt_id, link).status_code == 302
    after = client.get("/desk").text
    assert "Every call you took has its disposition." in after
