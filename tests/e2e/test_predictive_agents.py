"""Predictive dialing with a real worker process, the web app on a real port and the Twilio
emulator, when the pacer's model is as wrong as it can be: the campaign's last hour says one
call in four reaches a person, and now every consumer answers.

The pacer places 2 free agents x 3.0 calls, held to what the abandonment budget allows (2
extra calls: 4 abandoned of 225 live answers over 30 days, and 6 of 227 would still be
under 3 %; each conversation that ends adds to it). Every consumer answers: those beyond the
free agents are abandoned. They hear the identification message (who called, the number to
call back) within two seconds of answering, as the emulator logs it, and pick a callback
time. Once the budget is spent the rest of the portfolio is dialled progressively, and the
campaign ends under 3 %."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from config.settings import load_settings
from dialer.agents.abandonment import abandonment_by_campaign
from dialer.bootstrap import build_services
from dialer.campaigns import create_campaign, enrol, get_campaign, parse_definition, set_status
from dialer.clock import FakeClock
from dialer.compliance import load_rule_packs
from dialer.db.engine import make_engine, transaction
from dialer.db.models import ContactAttempt, Debt
from dialer.vocabulary import CampaignStatus, CollectorType
from tests.databases import empty_all_tables, postgres_admin_url, redis_test_url
from tests.e2e.test_progressive_agents import (
    AGENT_PHONES,
    EASTERN,
    _agents,
    _agents_finish_wrap_up,
    _most_at_once,
)
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
CONSUMERS = 10
IDENTIFICATION = "This is Jordan Lee from JL Services."


@pytest.fixture
def pg_url(postgres_migrated_url):
    if postgres_admin_url() is None or redis_test_url() is None:
        pytest.fail("set DIALER_TEST_POSTGRES_URL and DIALER_TEST_REDIS_URL")
    engine = make_engine(postgres_migrated_url)
    empty_all_tables(engine)
    engine.dispose()
    return postgres_migrated_url


def _history(services, campaign_id: int) -> None:
    """In the last hour 100 calls, 25 answered; over the month 225 live answers, 4 abandoned.
    On a consumer outside the audience (a resolved debt)."""
    (person,) = insert_portfolio(services.engine, count=1, now=START, places=EASTERN, start=900)
    outcomes = ["conversation"] * 25 + ["no_answer"] * 75
    outcomes += ["abandoned"] * 4 + ["conversation"] * 196
    rows = [
        {
            "consumer_id": person.consumer_id,
            "channel": "call",
            "direction": "outbound",
            "mode": "automated",
            "origin": "dialer",
            "campaign_id": campaign_id,
            "step_index": 0,
            "status": "no_answer" if outcome == "no_answer" else "completed",
            "outcome": outcome,
            "attempted_at": START - timedelta(minutes=30 if index < 100 else 3 * 24 * 60),
        }
        for index, outcome in enumerate(outcomes)
    ]
    with transaction(services.sessions) as session:
        session.execute(sa.update(Debt).values(stage="resolved"))
        session.execute(sa.insert(ContactAttempt), rows)


def _campaign(services):
    definition = parse_definition(
        {
            "name": "predictive",
            "audience": {"stages": ["new"]},
            "caller_name": "Jordan Lee",
            "voicemail_business": "JL Services",
            "callback_number": "+18005550199",
            "steps": [
                {
                    "kind": "agent",
                    "script": "agent_bridge",
                    "max_attempts": 1,
                    "dialing": "predictive",
                    "predictive": {"max_ratio": 3.0},
                }
            ],
            "caller_ids": {"numbers": ["+16175550199"]},
        },
        source="test",
    )
    with transaction(services.sessions) as session:
        _agents(session)
        campaign = create_campaign(
            session,
            definition,
            packs=load_rule_packs(),
            now=START,
            collector=CollectorType.FIRST_PARTY,
        )
        set_status(session, "predictive", CampaignStatus.ACTIVE, now=START)
    _history(services, campaign.id)
    people = insert_portfolio(services.engine, count=CONSUMERS, now=START, places=EASTERN)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "predictive"), now=START)
    return people


def _ended(services) -> int:
    with transaction(services.sessions) as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(ContactAttempt)
                .where(ContactAttempt.status == "completed", ContactAttempt.placed_at.is_not(None))
            )
            or 0
        )


def test_predictive_over_dials_only_within_the_cap_and_abandoned_calls_identify_at_once(
    pg_url, tmp_path
) -> None:
    services = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    port = free_port()
    with running_emulator(speed=4.0, cps=20.0) as emulator:
        people = _campaign(services)
        for person in people:
            emulator.script(
                person.number, call="human", ring_seconds=1, talk_seconds=6, digits=["2"]
            )
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
            finished = wait_for(lambda: _ended(services) == CONSUMERS, timeout=120, interval=1)
        finally:
            stop(worker)
            done.set()
            helper.join()
            emulator.wait_idle(timeout=30)
            server.shutdown()
        calls = emulator_calls(emulator)
        heard = {c.sid: emulator.heard(c.sid) for c in calls if c.direction == "outbound-api"}
        app_services.close()
    with transaction(services.sessions) as session:
        attempts = session.scalars(
            sa.select(ContactAttempt).where(ContactAttempt.placed_at.is_not(None))
        ).all()
        (figures,) = abandonment_by_campaign(session, now=START + timedelta(hours=1))
        callbacks = session.scalars(sa.select(Debt.callback_at).where(Debt.stage == "new")).all()
    services.close()

    assert finished, (tmp_path / "worker.log").read_text()[-2000:]
    consumer_legs = [c for c in calls if c.direction == "outbound-api"]
    assert sorted(c.to for c in consumer_legs) == sorted(p.number for p in people)
    # ringing with no one answering yet: never more than the agents and the budget, which
    # grows with the conversations that end (at most 3 here: 7 of 235 is still under 3 %)
    ringing = [(c.date_created, c.start_time or c.end_time) for c in consumer_legs]
    assert _most_at_once(ringing) <= len(AGENT_PHONES) + 3
    abandoned = [a for a in attempts if a.outcome == "abandoned"]
    assert 1 <= len(abandoned) <= 3  # the surprise happened, and only within the budget
    assert figures.live_answered == 225 + CONSUMERS
    assert figures.abandoned == 4 + len(abandoned)
    assert figures.rate is not None
    assert figures.rate <= 0.03
    for attempt in abandoned:
        first = heard[attempt.provider_sid][0]
        assert first["verb"] == "Say"
        assert first["text"].startswith(IDENTIFICATION)
        assert first["at"] <= 2.0, heard[attempt.provider_sid]
        assert attempt.callback_requested  # they pressed 2: a callback in the afternoon
    assert sum(at is not None for at in callbacks) >= len(abandoned)
    talked = [a for a in attempts if a.outcome == "conversation"]
    assert len(talked) == CONSUMERS - len(abandoned)
    assert all(a.agent_id is not None for a in talked)
