"""End to end over loopback: the app on a real port, the Twilio emulator calling it back.

The consumer answers as a human, confirms their identity (1) and says the debt is not theirs
(3); afterwards the compliance engine, reading the case record, blocks every channel for the
debt. A STOP texted through the emulator then also makes the engine report the SMS opt-out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from werkzeug.serving import make_server

from config.settings import load_settings
from dialer.admin.business_hours import save_business_hours
from dialer.agents import desk as agent_desk
from dialer.agents.manual_call import reserve_manual_call
from dialer.bootstrap import Services, build_services
from dialer.campaigns import create_campaign, parse_definition
from dialer.campaigns.options import DAY_NAMES
from dialer.cases.facts import debt_key, load_consumer_facts, load_history
from dialer.clock import FakeClock
from dialer.compliance import ProposedContact, evaluate, load_rule_packs
from dialer.db import migrate
from dialer.db.engine import transaction
from dialer.db.models import (
    CaseEvent,
    Consumer,
    ConsumerFlagRecord,
    ContactAttempt,
    Debt,
    Phone,
    User,
)
from dialer.dispatch.place import place
from dialer.pacing import Pacer, PacingConfig
from dialer.telephony.twilio_gateway import TwilioTelephony
from dialer.vocabulary import AttemptStatus, Channel, CollectorType
from tests.e2e.workers_support import emulator_calls, wait_for
from twilio_emulator.testing import EmulatorHandle, free_port, running_emulator
from web.app import create_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONSUMER = "+16175550142"
OUR_NUMBER = "+15005550006"


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(speed=40.0, cps=20.0) as handle:
        yield handle


@pytest.fixture
def served(tmp_path: Path, emulator: EmulatorHandle) -> Iterator[Services]:
    port = free_port()
    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    migrate.upgrade(url)
    settings = load_settings(
        DATABASE_URL=url,
        DIALER_ENV="test",
        TWILIO_ACCOUNT_SID=emulator.account_sid,
        TWILIO_AUTH_TOKEN=emulator.auth_token,
        TWILIO_API_BASE=emulator.base_url,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    services = build_services(settings)
    server = make_server("127.0.0.1", port, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield services
    finally:
        server.shutdown()
        thread.join(timeout=5)
        services.close()


def _case(services: Services) -> tuple[int, int, int]:
    now = services.clock.now()
    with transaction(services.sessions) as session:
        consumer = Consumer(
            external_ref="E2E-1",
            first_name="Ana",
            last_name="Diaz",
            language="en",
            country="US",
            state="MA",
            postal_code="02139",
            created_at=now,
            updated_at=now,
        )
        session.add(consumer)
        session.flush()
        debt = Debt(
            external_ref="E2E-D1",
            consumer_id=consumer.id,
            creditor="Acme Bank",
            balance=Decimal("420.00"),
            currency="USD",
            jurisdiction="US-MA",
            next_contact_at=now,
            created_at=now,
            updated_at=now,
        )
        phone = Phone(consumer_id=consumer.id, e164=CONSUMER, phone_type="mobile", consent=True)
        session.add_all([debt, phone])
        session.flush()
        attempt = ContactAttempt(
            consumer_id=consumer.id,
            debt_id=debt.id,
            phone_id=phone.id,
            channel="call",
            status=AttemptStatus.RESERVED.value,
            attempted_at=now,
            reserved_at=now,
            from_number=OUR_NUMBER,
            to_number=CONSUMER,
        )
        session.add(attempt)
        session.flush()
        return consumer.id, debt.id, attempt.id


def _reasons(services: Services, consumer_id: int, debt_id: int, channel: Channel) -> set[str]:
    # A weekday mid-morning in Massachusetts, a day after the call.
    at = services.clock.now() + timedelta(days=1)
    at = at.replace(hour=15, minute=0, second=0, microsecond=0, tzinfo=UTC)
    with services.sessions() as session:
        facts = load_consumer_facts(session, consumer_id, debt_id=debt_id)
        history = load_history(session, consumer_id, since=at - timedelta(days=35))
    proposed = ProposedContact(at=at, channel=channel, to=CONSUMER, debts=(debt_key(debt_id),))
    decision = evaluate(facts, history, proposed, packs=load_rule_packs())
    assert not decision.allowed
    return {str(reason.code) for reason in decision.reasons}


def test_not_my_debt_by_keypad_then_stop_by_text(
    emulator: EmulatorHandle, served: Services
) -> None:
    services = served
    base = services.settings.public_base_url
    consumer_id, debt_id, attempt_id = _case(services)
    emulator.script(CONSUMER, call="human", digits=["1", "3"], ring_seconds=1, talk_seconds=2)
    telephony = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 5
    )
    call = telephony.place_call(
        to=CONSUMER,
        from_=OUR_NUMBER,
        answer_url=f"{base}/twilio/voice/answer?attempt={attempt_id}",
        status_url=f"{base}/twilio/voice/status?attempt={attempt_id}",
        amd_url=f"{base}/twilio/voice/amd?attempt={attempt_id}",
        timeout_seconds=20,
        machine_detection=True,
    )
    with transaction(services.sessions) as session:
        row = session.get(ContactAttempt, attempt_id)
        assert row is not None
        if row.provider_sid is None:
            row.provider_sid = call.sid
        row.placed_at = datetime.now(UTC)
    assert emulator.wait_idle(timeout=60)

    with services.sessions() as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        assert attempt.provider_sid == call.sid
        assert (attempt.status, attempt.outcome) == ("completed", "conversation")
        assert attempt.identity_confirmed
        flags = session.scalars(
            select(ConsumerFlagRecord.flag).where(ConsumerFlagRecord.debt_id == debt_id)
        ).all()
        assert list(flags) == ["dispute_pending"]
        debt = session.get(Debt, debt_id)
        assert debt is not None
        assert debt.next_contact_at is None
    assert "dispute_pending" in _reasons(services, consumer_id, debt_id, Channel.CALL)
    assert "dispute_pending" in _reasons(services, consumer_id, debt_id, Channel.SMS)

    emulator.inject_sms(
        from_=CONSUMER, to=OUR_NUMBER, body="STOP", url=f"{base}/twilio/sms/inbound"
    )
    assert emulator.wait_idle(timeout=30)
    assert "opted_out" in _reasons(services, consumer_id, debt_id, Channel.SMS)


def test_a_machine_gets_the_voicemail_as_soon_as_its_greeting_ends(
    emulator: EmulatorHandle, served: Services
) -> None:
    """Async AMD (DetectMessageEnd) reports the machine once its greeting is over; the app
    redirects the live call through the official client to the limited-content message,
    instead of waiting for the next menu turn."""
    services = served
    base = services.settings.public_base_url
    consumer_id, _, attempt_id = _case(services)
    emulator.script(
        CONSUMER, call="machine", answered_by="machine_end_beep", ring_seconds=1, digits=[None]
    )
    telephony = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 5
    )
    telephony.place_call(
        to=CONSUMER,
        from_=OUR_NUMBER,
        answer_url=f"{base}/twilio/voice/answer?attempt={attempt_id}",
        status_url=f"{base}/twilio/voice/status?attempt={attempt_id}",
        amd_url=f"{base}/twilio/voice/amd?attempt={attempt_id}",
        timeout_seconds=20,
        machine_detection=True,
    )
    assert emulator.wait_idle(timeout=60)

    fetched = [c["url"] for c in emulator.callbacks() if c["kind"] in ("twiml", "amd")]
    amd_at = next(i for i, url in enumerate(fetched) if "/voice/amd" in url)
    assert any("stage=voicemail" in url for url in fetched[amd_at:])
    assert not any("stage=identity" in url for url in fetched)  # no menu turn was waited for
    with services.sessions() as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        assert (attempt.status, attempt.outcome) == ("completed", "voicemail")
        assert attempt.answered_by == "machine_end_beep"
        kinds = session.scalars(
            select(CaseEvent.kind).where(CaseEvent.consumer_id == consumer_id)
        ).all()
    assert "voicemail" in kinds


AGENT_PHONE = "+16175550177"


def _agent(services: Services) -> int:
    now = services.clock.now()
    with transaction(services.sessions) as session:
        user = User(
            username="ines",
            display_name="Ines Agent",
            role="agent",
            phone_e164=AGENT_PHONE,
            language="en",
            created_at=now,
            availability="available",
            availability_changed_at=now,
        )
        session.add(user)
        session.flush()
        return user.id


def test_a_consumer_who_calls_us_reaches_a_free_agent_with_the_case_on_screen(
    emulator: EmulatorHandle, served: Services
) -> None:
    """The emulator places an inbound call (signed, as Twilio does) to our voice URL; the
    caller presses 1 and is bridged to the free agent, whose desk shows the case meanwhile."""
    services = served
    base = services.settings.public_base_url
    consumer_id, debt_id, _ = _case(services)
    agent_id = _agent(services)
    with transaction(services.sessions) as session:  # the real clock: open whenever this runs
        save_business_hours(
            session,
            hours={"zone": "UTC", "days": list(DAY_NAMES), "start": "00:00", "end": "24:00"},
            actor="test",
            reason="always open for this test",
            now=services.clock.now(),
        )
    emulator.script(CONSUMER, call="human", digits=["1"], talk_seconds=8)
    emulator.script(AGENT_PHONE, call="human", ring_seconds=1, talk_seconds=8)
    emulator.inbound_call(
        from_=CONSUMER,
        to=OUR_NUMBER,
        url=f"{base}/twilio/voice/answer",
        status_url=f"{base}/twilio/voice/status",
    )
    on_screen: list[int | None] = []

    def desk_shows_the_case() -> bool:
        with services.sessions() as session:
            live = agent_desk.live_attempt(session, user_id=agent_id)
            on_screen.append(None if live is None else live.debt_id)
        return on_screen[-1] == debt_id

    assert wait_for(desk_shows_the_case, timeout=30, interval=0.2)
    assert emulator.wait_idle(timeout=60)

    legs = [(c.direction, c.to) for c in emulator_calls(emulator)]
    assert ("inbound", OUR_NUMBER) in legs
    assert ("outbound-dial", AGENT_PHONE) in legs
    with services.sessions() as session:
        (attempt,) = session.scalars(
            select(ContactAttempt).where(ContactAttempt.direction == "inbound")
        ).all()
        assert (attempt.consumer_id, attempt.agent_id) == (consumer_id, agent_id)
        assert (attempt.status, attempt.outcome) == ("completed", "conversation")
        kinds = session.scalars(
            select(CaseEvent.kind).where(CaseEvent.consumer_id == consumer_id)
        ).all()
    assert {"inbound_call", "agent_bridging", "agent_answered"} <= set(kinds)


def test_a_manual_call_rings_the_agent_first_then_bridges_the_consumer(
    emulator: EmulatorHandle, served: Services
) -> None:
    """The agent's phone is called first; once the agent answers, the answer TwiML dials the
    consumer (no prompt reaches the consumer) and the two are bridged. A scheduled callback
    placed with `ring_first` takes the same path."""
    services = served
    base = services.settings.public_base_url
    packs = load_rule_packs()
    _, debt_id, earlier = _case(services)
    agent_id = _agent(services)
    weekday = FakeClock(datetime(2026, 3, 17, 15, 0, tzinfo=UTC))  # 11:00 in Boston
    definition = parse_definition(
        {
            "name": "manual",
            "steps": [{"kind": "sms", "template": "reminder_friendly"}],
            "caller_ids": {"numbers": [OUR_NUMBER]},
        },
        source="test",
    )
    with transaction(services.sessions) as session:
        session.execute(delete(ContactAttempt).where(ContactAttempt.id == earlier))
        campaign = create_campaign(
            session,
            definition,
            packs=packs,
            now=weekday.now(),
            collector=CollectorType.FIRST_PARTY,
        )
        session.execute(update(Debt).where(Debt.id == debt_id).values(campaign_id=campaign.id))
    with transaction(services.sessions) as session:
        reservation = reserve_manual_call(
            session,
            debt_id=debt_id,
            agent_id=agent_id,
            actor="ines",
            now=weekday.now(),
            packs=packs,
        )
    emulator.script(AGENT_PHONE, call="human", ring_seconds=1, talk_seconds=6)
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=6)
    telephony = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 5
    )
    pacer = Pacer(PacingConfig(calls_per_second=5, namespace="manual-e2e"), account="AC-e2e")
    placement = place(
        reservation,
        sessions=services.sessions,
        telephony=telephony,
        pacer=pacer,
        base_url=base,
        clock=weekday,
    )
    assert placement.result == "placed"
    assert emulator.wait_idle(timeout=60)

    calls = {c.sid: c for c in emulator_calls(emulator)}
    (first,) = [c for c in calls.values() if c.direction == "outbound-api"]
    (bridged,) = [c for c in calls.values() if c.direction == "outbound-dial"]
    assert (first.to, first.sid) == (AGENT_PHONE, placement.sid)
    assert (bridged.to, bridged.parent_call_sid, bridged.status) == (
        CONSUMER,
        first.sid,
        "completed",
    )
    fetched = [
        c for c in emulator.callbacks("twiml") if f"attempt={reservation.attempt_id}" in c["url"]
    ]
    assert fetched
    assert all("/voice/whisper" not in c["url"] for c in fetched)
    with services.sessions() as session:
        attempt = session.get(ContactAttempt, reservation.attempt_id)
        assert attempt is not None
        assert (attempt.status, attempt.outcome, attempt.agent_id) == (
            "completed",
            "conversation",
            agent_id,
        )
        assert attempt.to_number == CONSUMER
