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
from sqlalchemy import select
from werkzeug.serving import make_server

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.case_facts import debt_key, load_consumer_facts, load_history
from dialer.compliance import ProposedContact, evaluate, load_rule_packs
from dialer.db import migrate
from dialer.db.engine import transaction
from dialer.db.models import Consumer, ConsumerFlagRecord, ContactAttempt, Debt, Phone
from dialer.telephony.twilio_gateway import TwilioTelephony
from dialer.vocabulary import AttemptStatus, Channel
from twilio_emulator.testing import EmulatorHandle, free_port, running_emulator
from webhooks.app import create_app

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
