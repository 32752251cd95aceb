"""The person is the unit, seen from the outside: with a real worker process, the web app on
a real port and the Twilio emulator, a consumer who owes three debts gets ONE text naming each
creditor and balance in their language (Spanish), and another who owes three gets ONE agent
call (progressive agent step), not three. Read back from the emulator's Messages and Calls
logs with the official twilio client; each contact is recorded against all three debts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from twilio.rest import Client

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.campaigns import create_campaign, enrol, get_campaign, parse_definition, set_status
from dialer.clock import FakeClock
from dialer.compliance import load_rule_packs
from dialer.db.engine import make_engine, transaction
from dialer.db.models import AttemptDebt, Consumer, ContactAttempt, Debt, User
from dialer.telephony.twilio_gateway import RebasedHttpClient
from dialer.vocabulary import AgentAvailability, CampaignStatus, CollectorType, Role
from dialer.wording.context import format_money
from tests.databases import empty_all_tables, postgres_admin_url, redis_test_url
from tests.e2e.workers_support import (
    emulator_calls,
    serve_webhooks,
    start_worker,
    stop,
    wait_for,
    worker_env,
)
from tests.integration.dispatch.portfolio import insert_portfolio
from twilio_emulator.testing import free_port, running_emulator

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

START = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)  # 11:00 in Boston
AGENT_PHONE = "+16175550901"
CREDITORS = (("Acme Bank", "250.00"), ("Beta Card", "100.00"), ("Gamma Loans", "200.00"))
CAMPAIGNS = (
    ("texts", "es", [{"kind": "sms", "template": "reminder_friendly", "max_attempts": 1}]),
    ("agents", "en", [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}]),
)


@pytest.fixture
def pg_url(postgres_migrated_url):
    if postgres_admin_url() is None or redis_test_url() is None:
        pytest.fail("set DIALER_TEST_POSTGRES_URL and DIALER_TEST_REDIS_URL")
    engine = make_engine(postgres_migrated_url)
    empty_all_tables(engine)
    engine.dispose()
    return postgres_migrated_url


def _three_debts_each(services):
    """Two Massachusetts consumers (the first writes in Spanish), three debts each."""
    people = insert_portfolio(services.engine, count=2, now=START, places=[("US", "MA", "617")])
    with transaction(services.sessions) as session:
        session.get(Consumer, people[0].consumer_id).language = "es"
        for person in people:
            debt = session.get(Debt, person.debt_id)
            debt.creditor, debt.balance = CREDITORS[0][0], Decimal(CREDITORS[0][1])
            for n, (creditor, balance) in enumerate(CREDITORS[1:], start=1):
                session.add(
                    Debt(
                        external_ref=f"{debt.external_ref}-{n}",
                        consumer_id=person.consumer_id,
                        creditor=creditor,
                        balance=Decimal(balance),
                        currency="USD",
                        days_past_due=30,
                        stage="new",
                        jurisdiction="US-MA",
                        created_at=START,
                        updated_at=START,
                    )
                )
        session.add(
            User(
                username="agent0",
                display_name="Agent 0",
                role=Role.AGENT.value,
                phone_e164=AGENT_PHONE,
                language="en",
                created_at=START,
                availability=AgentAvailability.AVAILABLE.value,
                availability_changed_at=START,
            )
        )
    return people


def _campaigns(services) -> None:
    """A text step for Spanish speakers, a progressive agent step for English speakers."""
    with transaction(services.sessions) as session:
        for name, language, steps in CAMPAIGNS:
            definition = parse_definition(
                {
                    "name": name,
                    "audience": {"stages": ["new"], "languages": [language]},
                    "steps": steps,
                    "caller_ids": {"numbers": ["+16175550199"]},
                },
                source="test",
            )
            create_campaign(
                session,
                definition,
                packs=load_rule_packs(),
                now=START,
                collector=CollectorType.FIRST_PARTY,
            )
            set_status(session, name, CampaignStatus.ACTIVE, now=START)
            enrol(session, get_campaign(session, name), now=START)


def _finished(services) -> bool:
    with transaction(services.sessions) as session:
        statuses = sorted(session.scalars(sa.select(ContactAttempt.status)))
    return statuses == ["completed", "delivered"]


def _messages(emulator) -> list:
    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=30),
    )
    return list(client.messages.list(page_size=1000))


def test_a_person_with_three_debts_gets_one_text_or_one_agent_call_about_all_three(
    pg_url, tmp_path
) -> None:
    services = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    port = free_port()
    with running_emulator(speed=4.0, cps=20.0) as emulator:
        texted, called = _three_debts_each(services)
        _campaigns(services)
        for number in (called.number, AGENT_PHONE):
            emulator.script(number, call="human", ring_seconds=1, talk_seconds=4)
        app_services, server = serve_webhooks(pg_url, emulator, port)
        env = worker_env(
            db_url=pg_url,
            emulator=emulator,
            redis_url=redis_test_url(),
            cps=10,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        )
        worker = start_worker(env, clock_start=START, log=tmp_path / "worker.log")
        try:
            finished = wait_for(lambda: _finished(services), timeout=30, interval=0.5)
            wait_for(lambda: False, timeout=2)  # a few more ticks: nothing more may leave
        finally:
            stop(worker)
            emulator.wait_idle(timeout=20)
            server.shutdown()
        calls, messages = emulator_calls(emulator), _messages(emulator)
        app_services.close()
    with transaction(services.sessions) as session:
        covered = sorted(
            len(list(session.scalars(sa.select(AttemptDebt.debt_id).filter_by(attempt_id=a))))
            for a in session.scalars(sa.select(ContactAttempt.id))
        )
    services.close()

    assert finished, (tmp_path / "worker.log").read_text()[-2000:]
    (text,) = messages  # one text for three debts, not three
    assert text.to == texted.number
    for creditor, balance in CREDITORS:
        assert f"{creditor} (saldo {format_money(Decimal(balance), 'USD')})" in text.body
    assert "sus cuentas" in text.body  # in the consumer's language
    consumer_legs = [c for c in calls if c.direction == "outbound-api"]
    assert [c.to for c in consumer_legs] == [called.number]  # one call, not three
    assert {c.to for c in calls if c.direction == "outbound-dial"} == {AGENT_PHONE}
    assert covered == [3, 3]  # each contact counts against each of the three debts
