"""Processes heal themselves (issue 15 item 3): a dead worker's claims come back within
seconds, the scheduler outlives a database outage and a lost leader lock."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import load_settings
from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import make_engine, transaction
from dialer.db.models import ContactAttempt, Debt, WorkerHeartbeat
from dialer.dispatch.claim import claim_due
from dialer.scheduling.heartbeat import beat
from dialer.scheduling.runtime import build_runtime
from dialer.scheduling.scheduler import run_scheduler
from dialer.telephony.fake import FakeTelephony
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio

MA = [("US", "MA", "617")]
IVR = [{"kind": "ivr", "script": "reminder_ivr", "max_attempts": 2, "retry": {"no_answer": "4h"}}]


def test_a_dead_workers_claims_are_given_back_within_seconds_not_the_lease(
    services, packs, fake, clock, dispatcher
):
    make_campaign(services, packs, steps=IVR)
    insert_portfolio(services.engine, count=3, now=clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=clock.now())
    with transaction(services.sessions) as session:  # a worker beats, claims, then is killed
        beat(session, "worker-killed", now=clock.now())
        assert len(claim_due(session, now=clock.now(), limit=10, worker="worker-killed")) == 3
    alive = replace(dispatcher, worker="worker-alive", dead_after=timedelta(seconds=10))

    assert alive.tick().claimed == 0  # still within its heartbeat: its claims hold
    clock.advance(timedelta(seconds=11))
    report = alive.tick()

    assert report.claimed == 3  # given back after 11 s, not the 300 s lease
    assert len(fake.placed) == 3
    with transaction(services.sessions) as session:
        assert session.scalars(sa.select(WorkerHeartbeat.worker)).all() == []
        assert (
            session.scalar(sa.select(sa.func.count()).where(Debt.claimed_by == "worker-killed"))
            == 0
        )


def _run_in_thread(runtime, stop):
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(run_scheduler(runtime, tick_seconds=0.2, stop=stop)),
        daemon=True,
    )
    thread.start()
    return thread, result


def test_the_scheduler_outlives_a_database_it_cannot_reach(tmp_path: Path, clock):
    settings = load_settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'dialer.sqlite3'}", DIALER_ENV="test"
    )
    runtime = build_runtime(settings, clock=clock, telephony=FakeTelephony(clock=clock))
    stop = threading.Event()
    try:
        thread, result = _run_in_thread(runtime, stop)
        time.sleep(2.5)  # every tick fails meanwhile
        assert thread.is_alive()  # it did not exit
        stop.set()
        thread.join(timeout=30)
        assert result == [0]
    finally:
        runtime.close()


def test_a_leader_that_loses_its_lock_stands_by_and_is_elected_again(settings, clock, db_url):
    runtime = build_runtime(settings, clock=clock, telephony=FakeTelephony(clock=clock))
    stop = threading.Event()
    watcher = make_engine(db_url)
    try:
        thread, result = _run_in_thread(runtime, stop)
        if runtime.services.engine.dialect.name == "postgresql":
            _wait_for(lambda: len(_lock_holders(watcher)) == 1)
            (first,) = _lock_holders(watcher)
            with watcher.connect() as conn:  # the leader's lock connection is cut
                conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            # it notices, stands by, runs again and wins on a new connection
            _wait_for(lambda: _lock_holders(watcher) not in ([], [first]))
        assert thread.is_alive()
        stop.set()
        thread.join(timeout=30)
        assert result == [0]
    finally:
        runtime.close()
        watcher.dispose()


def _lock_holders(engine: sa.Engine) -> list[int]:
    """The backend pids holding the scheduler's leader lock."""
    with engine.connect() as conn:
        return list(
            conn.scalars(
                sa.text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objid = :low AND granted AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"low": 0x5CED_1A1E & 0xFFFFFFFF},
            )
        )


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_tick_the_database_failed_half_way_leaves_nothing_for_the_lease(
    services, packs, fake, clock, dispatcher
):
    """The database goes away as the first attempt moves to `dialing`: nothing was sent, the
    tick raises. The next tick (the database back) releases that attempt and gives back the
    batch's other claims, so every debt is called now, not after the 300 s lease or the
    reconciler's 2 min."""
    make_campaign(services, packs, steps=IVR)
    people = insert_portfolio(services.engine, count=3, now=clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=clock.now())
    worker = replace(dispatcher, worker="worker-alive")
    down = {"now": True}

    def database_gone(_conn, _cursor, statement, *_args):
        if down["now"] and statement.lstrip().upper().startswith("UPDATE CONTACT_ATTEMPTS"):
            down["now"] = False
            raise sa.exc.OperationalError(statement, {}, Exception("server closed the connection"))

    sa.event.listen(services.engine, "before_cursor_execute", database_gone)
    try:
        with pytest.raises(sa.exc.OperationalError):
            worker.tick()
    finally:
        sa.event.remove(services.engine, "before_cursor_execute", database_gone)
    assert fake.placed == []
    with transaction(services.sessions) as session:
        assert session.scalars(sa.select(ContactAttempt.status)).all() == ["reserved"]

    report = worker.tick()  # the same worker, a moment later: nothing waits for a lease

    assert report.claimed == 3
    assert sorted(placed.call.to for placed in fake.placed) == sorted(p.number for p in people)
    with transaction(services.sessions) as session:
        statuses = sorted(session.scalars(sa.select(ContactAttempt.status)))
    assert statuses == ["not_placed", "queued", "queued", "queued"]
