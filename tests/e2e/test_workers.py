"""Four real worker processes on PostgreSQL, shared Redis pacing, the emulator in strict mode."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.campaigns import create_campaign, enrol, get_campaign, parse_definition, set_status
from dialer.clock import FakeClock
from dialer.compliance import (
    ConsumerFacts,
    PhoneFacts,
    ProposedContact,
    evaluate,
    load_rule_packs,
)
from dialer.db.engine import make_engine, transaction
from dialer.db.models import ContactAttempt
from dialer.reconciliation.resolve import reconcile
from dialer.telephony.twilio_gateway import TwilioTelephony
from dialer.vocabulary import CampaignStatus, Channel, CollectorType, PhoneType
from tests.databases import empty_all_tables, postgres_admin_url, redis_test_url
from tests.e2e.workers_support import emulator_calls, start_worker, stop, wait_for, worker_env
from tests.integration.dispatch.portfolio import PLACES, insert_portfolio
from twilio_emulator.testing import running_emulator

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

# 10:00 in New York, 09:00 in Chicago, 08:00 in Denver: lawful; 07:00 in Los Angeles and
# Phoenix, 22:00 in China: not yet / no longer.
START = datetime(2026, 3, 17, 14, 0, tzinfo=UTC)
CALL_STEP = {"kind": "ivr", "script": "reminder_ivr", "max_attempts": 1}
OPEN = ("reserved", "dialing")


@pytest.fixture
def pg_url(postgres_migrated_url):
    if postgres_admin_url() is None or redis_test_url() is None:
        pytest.fail("set DIALER_TEST_POSTGRES_URL and DIALER_TEST_REDIS_URL")
    engine = make_engine(postgres_migrated_url)
    empty_all_tables(engine)
    engine.dispose()
    return postgres_migrated_url


@pytest.fixture
def services(pg_url):
    built = build_services(
        load_settings(DATABASE_URL=pg_url, DIALER_ENV="test"), clock=FakeClock(START)
    )
    yield built
    built.close()


def _campaign(services, packs, count, places=PLACES):
    people = insert_portfolio(services.engine, count=count, now=START, places=places)
    definition = parse_definition(
        {
            "name": "e2e",
            "audience": {"stages": ["new"]},
            "steps": [CALL_STEP],
            "caller_ids": {"numbers": ["+16175550199"]},
        },
        source="test",
    )
    with transaction(services.sessions) as session:
        create_campaign(
            session, definition, packs=packs, now=START, collector=CollectorType.FIRST_PARTY
        )
        set_status(session, "e2e", CampaignStatus.ACTIVE, now=START)
        enrol(session, get_campaign(session, "e2e"), now=START)
    return people


def _facts(person):
    return ConsumerFacts(
        country=person.country,
        state=person.state,
        phones=(PhoneFacts(person.number, PhoneType.MOBILE, consent=True),),
    )


def _lawful(person, at, packs, history=()):
    proposed = ProposedContact(at=at, channel=Channel.CALL, to=person.number)
    return evaluate(_facts(person), list(history), proposed, packs=packs).allowed


def _attempt_rows(services):
    with transaction(services.sessions) as session:
        return session.execute(
            sa.select(
                ContactAttempt.debt_id,
                ContactAttempt.status,
                ContactAttempt.provider_sid,
                ContactAttempt.error_code,
            )
        ).all()


def _state(services):
    with transaction(services.sessions) as session:
        debts = session.execute(
            sa.text(
                "SELECT id, next_contact_at, step_attempts, last_decision FROM debts ORDER BY id"
            )
        ).all()
        attempts = session.execute(
            sa.text(
                "SELECT id, debt_id, status, outcome, provider_sid IS NOT NULL, error_message "
                "FROM contact_attempts ORDER BY id"
            )
        ).all()
    return f"debts={debts}\nattempts={attempts}"


def test_four_workers_contact_each_lawful_consumer_once_within_the_shared_rate(services, tmp_path):
    packs = load_rule_packs()
    people = _campaign(services, packs, 2000)
    expected = {p.number for p in people if _lawful(p, START, packs)}
    assert len(expected) == 1000  # MA, NY, IL, TX, CO of the ten places

    with running_emulator(cps=50, strict=True, speed=50) as emulator:
        env = worker_env(
            db_url=services.settings.database_url,
            emulator=emulator,
            redis_url=redis_test_url(),
            cps=45,
        )
        real_start = datetime.now(UTC)
        workers = [
            start_worker(env, clock_start=START, log=tmp_path / f"w{i}.log") for i in range(4)
        ]
        try:

            def done():
                rows = _attempt_rows(services)
                return len(rows) >= len(expected) and not any(r.status in OPEN for r in rows)

            assert wait_for(done, timeout=150), f"{len(_attempt_rows(services))} attempts"
            time.sleep(1.0)  # anything still in flight would show up now
            assert all(w.poll() is None for w in workers)
        finally:
            codes = [stop(w) for w in workers]
        stats = emulator.stats()
        calls = emulator_calls(emulator)

    assert codes == [0, 0, 0, 0]
    rows = _attempt_rows(services)
    assert len(rows) == len({r.debt_id for r in rows}) == len(expected)  # no duplicate
    assert stats["rejected_429"] == 0
    assert not any(r.error_code == 20429 for r in rows)
    assert stats["max_calls_in_any_second"] <= 50
    assert sorted(c.to for c in calls) == sorted(expected)  # exactly once each
    offset = START - real_start
    by_number = {p.number: p for p in people}
    for call in calls:  # lawful when placed: the engine, asked again, independently
        assert _lawful(by_number[call.to], call.date_created + offset, packs), call.to


def test_a_worker_killed_mid_dispatch_leaves_nothing_called_twice_or_unresolved(services, tmp_path):
    packs = load_rule_packs()
    eastern_central = [place for place in PLACES if place[1] in {"MA", "NY", "IL", "TX"}]
    people = _campaign(services, packs, 24, places=eastern_central)
    assert all(_lawful(p, START, packs) for p in people)

    # Every REST request takes 400 ms: each create keeps its attempt "dialing" that long, so
    # the freeze below lands mid-dispatch for sure instead of racing a few-millisecond window.
    with running_emulator(cps=50, strict=True, speed=50, faults={"latency_ms": 400}) as emulator:
        env = worker_env(
            db_url=services.settings.database_url,
            emulator=emulator,
            redis_url=redis_test_url(),
            cps=3,
            DIALER_CLAIM_LEASE_SECONDS="3",
        )
        victim_started = datetime.now(UTC)
        victim = start_worker(env, clock_start=START, batch=10, log=tmp_path / "victim.log")
        try:

            def frozen_mid_dispatch():
                """Freeze the worker (SIGSTOP); keep it frozen only with an attempt open."""
                rows = _attempt_rows(services)
                if not any(r.provider_sid for r in rows):
                    return False
                victim.send_signal(signal.SIGSTOP)
                if any(r.status in OPEN for r in _attempt_rows(services)):
                    return True
                victim.send_signal(signal.SIGCONT)
                return False

            assert wait_for(frozen_mid_dispatch, timeout=30, interval=0.05)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
        finally:
            if victim.poll() is None:
                victim.kill()
                victim.wait()
        stuck = [r for r in _attempt_rows(services) if r.status in OPEN]
        assert stuck, "the kill should leave an attempt reserved or dialing"

        # The scheduler's reconcile job, before any worker runs again, on the workers' clock
        # (START plus the real time elapsed), treating anything open as stuck.
        gateway = TwilioTelephony.create(
            emulator.account_sid, emulator.auth_token, emulator.base_url, 10
        )
        workers_now = START + (datetime.now(UTC) - victim_started)
        report = reconcile(services.sessions, gateway, now=workers_now, stuck_after=timedelta(0))
        assert report.released + report.adopted == len(stuck)
        assert not any(r.status in OPEN for r in _attempt_rows(services))

        worker = start_worker(env, clock_start=workers_now, batch=10, log=tmp_path / "worker.log")
        try:

            def all_called():
                rows = _attempt_rows(services)
                placed = {r.debt_id for r in rows if r.provider_sid}
                return len(placed) == len(people) and not any(r.status in OPEN for r in rows)

            assert wait_for(all_called, timeout=40), _state(services)
        finally:
            assert stop(worker) == 0
        calls = emulator_calls(emulator)

    assert sorted(c.to for c in calls) == sorted(p.number for p in people)  # nobody twice
    assert not any(r.status in OPEN for r in _attempt_rows(services))
