"""Progressive dialing for an agent step, with a real worker process, the web app on a real
port and the Twilio emulator: a call is placed only for a free agent, so the consumer calls in
flight never outnumber the agents, and every answered consumer is bridged to an agent."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.campaigns import create_campaign, enrol, get_campaign, parse_definition, set_status
from dialer.clock import FakeClock
from dialer.compliance import load_rule_packs
from dialer.db.engine import make_engine, transaction
from dialer.db.models import ContactAttempt, User
from dialer.vocabulary import AgentAvailability, CampaignStatus, CollectorType, Role
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

START = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)  # 11:00 in Boston and New York
AGENT_PHONES = ("+16175550901", "+16175550902")
CONSUMERS = 6
EASTERN = [("US", "MA", "617"), ("US", "NY", "212")]


@pytest.fixture
def pg_url(postgres_migrated_url):
    if postgres_admin_url() is None or redis_test_url() is None:
        pytest.fail("set DIALER_TEST_POSTGRES_URL and DIALER_TEST_REDIS_URL")
    engine = make_engine(postgres_migrated_url)
    empty_all_tables(engine)
    engine.dispose()
    return postgres_migrated_url


def _agents(session) -> None:
    for index, phone in enumerate(AGENT_PHONES):
        session.add(
            User(
                username=f"agent{index}",
                display_name=f"Agent {index}",
                role=Role.AGENT.value,
                phone_e164=phone,
                language="en",
                created_at=START,
                availability=AgentAvailability.AVAILABLE.value,
                availability_changed_at=START,
            )
        )


def _campaign(services):
    definition = parse_definition(
        {
            "name": "agents",
            "audience": {"stages": ["new"]},
            "steps": [{"kind": "agent", "script": "agent_bridge", "max_attempts": 1}],
            "caller_ids": {"numbers": ["+16175550199"]},
        },
        source="test",
    )
    people = insert_portfolio(services.engine, count=CONSUMERS, now=START, places=EASTERN)
    with transaction(services.sessions) as session:
        _agents(session)
        create_campaign(
            session,
            definition,
            packs=load_rule_packs(),
            now=START,
            collector=CollectorType.FIRST_PARTY,
        )
        set_status(session, "agents", CampaignStatus.ACTIVE, now=START)
        enrol(session, get_campaign(session, "agents"), now=START)
    return people


def _agents_finish_wrap_up(services, stop_event: threading.Event) -> None:
    """The agents record their disposition as soon as each call ends."""
    while not stop_event.wait(0.3):
        with transaction(services.sessions) as session:
            session.execute(
                sa.update(User)
                .where(User.availability == AgentAvailability.WRAP_UP.value)
                .values(availability=AgentAvailability.AVAILABLE.value)
            )


def _most_at_once(intervals: list[tuple[datetime, datetime]]) -> int:
    edges = sorted([(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals])
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def test_progressive_agent_step_never_dials_more_consumers_than_free_agents(
    pg_url, tmp_path
) -> None:
    services = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    port = free_port()
    with running_emulator(speed=4.0, cps=20.0) as emulator:
        people = _campaign(services)
        for person in people:
            emulator.script(person.number, call="human", ring_seconds=1, talk_seconds=6)
        for phone in AGENT_PHONES:
            emulator.script(phone, call="human", ring_seconds=1, talk_seconds=6)
        app_services, server = serve_webhooks(pg_url, emulator, port)
        done = threading.Event()
        helper = threading.Thread(target=_agents_finish_wrap_up, args=(services, done))
        helper.start()
        env = worker_env(
            db_url=pg_url,
            emulator=emulator,
            redis_url=redis_test_url(),
            cps=10,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        )
        worker = start_worker(env, clock_start=START, log=tmp_path / "worker.log")
        try:
            finished = wait_for(lambda: _ended(services) == CONSUMERS, timeout=150, interval=1)
        finally:
            stop(worker)
            done.set()
            helper.join()
            emulator.wait_idle(timeout=30)
            server.shutdown()
        calls = emulator_calls(emulator)
        app_services.close()
    with transaction(services.sessions) as session:
        rows = session.execute(sa.select(ContactAttempt.outcome, ContactAttempt.agent_id)).all()
    services.close()

    assert finished, (tmp_path / "worker.log").read_text()[-2000:]
    consumer_legs = [c for c in calls if c.direction == "outbound-api"]
    agent_legs = [c for c in calls if c.direction == "outbound-dial"]
    assert sorted(c.to for c in consumer_legs) == sorted(p.number for p in people)
    assert sorted({c.to for c in agent_legs}) == sorted(AGENT_PHONES)
    spans = [(c.date_created, c.end_time or c.date_updated) for c in consumer_legs]
    assert _most_at_once(spans) <= len(AGENT_PHONES)
    assert [outcome for outcome, _ in rows] == ["conversation"] * CONSUMERS
    assert all(agent_id is not None for _, agent_id in rows)


def _ended(services) -> int:
    with transaction(services.sessions) as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(ContactAttempt)
                .where(ContactAttempt.status == "completed")
            )
            or 0
        )
