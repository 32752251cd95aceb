"""Agent steps dial progressively: a call only for a free agent, reserved before dialling."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dialer.agents import preview
from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, User
from dialer.dispatch.place import place
from dialer.errors import InputError
from tests.integration.dispatch.conftest import BASE_URL, make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]
AGENT_STEP = [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}]


def _agent(services, name: str, phone: str | None, availability: str = "available") -> int:
    now = services.clock.now()
    with transaction(services.sessions) as session:
        user = User(
            username=name,
            display_name=name,
            role="agent",
            phone_e164=phone,
            language="en",
            created_at=now,
            availability=availability,
            availability_changed_at=now,
        )
        session.add(user)
        session.flush()
        return user.id


def _enrol(services, count: int) -> list:
    people = insert_portfolio(services.engine, count=count, now=services.clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=services.clock.now())
    return people


def test_an_agent_step_places_one_call_per_free_agent_and_reserves_them(
    services, packs, dispatcher, fake
):
    first = _agent(services, "a1", "+16175550901")
    second = _agent(services, "a2", "+16175550902")
    _agent(services, "away", "+16175550903", availability="away")
    make_campaign(services, packs, steps=AGENT_STEP)
    people = _enrol(services, 5)

    report = dispatcher.tick()

    assert report.placed == 2
    assert len(fake.placed) == 2
    with transaction(services.sessions) as session:
        attempts = session.scalars(sa.select(ContactAttempt)).all()
        agents = {u.id: u for u in session.scalars(sa.select(User))}
        waiting = session.scalars(
            sa.select(Debt.last_decision).where(Debt.id.in_([p.debt_id for p in people]))
        ).all()
    assert sorted(a.agent_id for a in attempts) == sorted([first, second])
    for attempt in attempts:
        agent = agents[attempt.agent_id]
        assert (agent.availability, agent.current_attempt_id) == ("on_call", attempt.id)
    assert sum("waiting for a free agent" in (d or "") for d in waiting) == 3
    assert dispatcher.tick().placed == 0  # nobody is free until a call ends


def test_activating_an_agent_step_campaign_with_no_agent_is_refused(services, packs):
    _agent(services, "nophone", None)
    with pytest.raises(InputError) as caught:
        make_campaign(services, packs, steps=AGENT_STEP)
    assert "step 0 is an agent step, but there is no active agent with a phone number" in str(
        caught.value
    )


PREVIEW_STEP = [
    {"kind": "agent", "script": "agent_bridge", "max_attempts": 1, "dialing": "preview"},
]


def test_preview_puts_the_case_on_a_free_agents_desk_and_the_agent_dials(
    services, packs, dispatcher, fake
):
    """Nothing is dialled by the worker; "Call now" asks the engine again and rings the
    agent's phone first (the consumer is dialled when the agent answers)."""
    agent_id = _agent(services, "a1", "+16175550901")
    make_campaign(services, packs, steps=PREVIEW_STEP)
    people = _enrol(services, 2)

    report = dispatcher.tick()

    assert (report.placed, len(fake.placed)) == (0, 0)
    with transaction(services.sessions) as session:
        (waiting,) = session.scalars(sa.select(ContactAttempt)).all()
        agent = session.get(User, agent_id)
        assert (agent.availability, agent.current_attempt_id) == ("on_call", waiting.id)
        assert waiting.status == "reserved"
    with transaction(services.sessions) as session:
        reservation = preview.call_previewed(
            session, agent_id=agent_id, now=services.clock.now(), packs=packs
        )
    placement = place(
        reservation,
        sessions=services.sessions,
        telephony=fake,
        pacer=dispatcher.pacer,
        base_url=BASE_URL,
        clock=services.clock,
    )
    assert placement.result == "placed"
    assert [p.call.to for p in fake.placed] == ["+16175550901"]
    with transaction(services.sessions) as session:
        (called,) = session.scalars(sa.select(ContactAttempt)).all()
        assert (called.mode, called.origin) == ("agent", "dialer")
        assert called.to_number in {p.number for p in people}
        assert called.decision["allowed"] is True
        assert session.get(User, agent_id).current_attempt_id == called.id


def test_a_skipped_preview_frees_the_agent_and_is_not_a_try(services, packs, dispatcher, fake):
    agent_id = _agent(services, "a1", "+16175550901")
    make_campaign(services, packs, steps=PREVIEW_STEP)
    person, *_ = _enrol(services, 1)
    dispatcher.tick()
    with transaction(services.sessions) as session:
        preview.skip_previewed(session, agent_id=agent_id, now=services.clock.now())
    with transaction(services.sessions) as session:
        agent = session.get(User, agent_id)
        assert (agent.availability, agent.current_attempt_id) == ("available", None)
        debt = session.get(Debt, person.debt_id)
        assert debt.step_attempts == 0
        assert debt.next_contact_at == services.clock.now() + preview.SKIPPED_FOR
        (attempt,) = session.scalars(sa.select(ContactAttempt)).all()
        assert (attempt.status, attempt.outcome) == ("not_placed", None)
    assert fake.placed == []
