"""The scheduler's jobs and its one-leader lock."""

from __future__ import annotations

import threading
import time

from dialer.db.engine import make_engine
from dialer.scheduling.leader import LeaderLock
from dialer.scheduling.runtime import build_runtime
from dialer.scheduling.scheduler import build_scheduler
from dialer.telephony.fake import FakeTelephony


def test_only_one_leader_at_a_time_and_a_standby_takes_over(db_url):
    first_engine, second_engine = make_engine(db_url), make_engine(db_url)
    first, second = LeaderLock(first_engine), LeaderLock(second_engine)
    try:
        assert first.try_acquire()
        if first.is_postgres:
            assert not second.try_acquire()  # the standby polls...
            assert first.still_held()
            first._connection.invalidate()  # ...the leader's connection dies (process gone)...
            assert not first.still_held()
            deadline = time.monotonic() + 5  # ...and, polling, the standby becomes the leader
            while not second.try_acquire():
                assert time.monotonic() < deadline
                time.sleep(0.05)
        else:  # SQLite: no lock; a single scheduler process is the documented rule
            assert second.try_acquire()
    finally:
        second.release()
        first_engine.dispose()
        second_engine.dispose()


def test_scheduler_has_its_fixed_jobs(settings, clock):
    runtime = build_runtime(settings, clock=clock, telephony=FakeTelephony(clock=clock))
    try:
        lock = LeaderLock(runtime.services.engine)
        scheduler = build_scheduler(runtime, tick_seconds=2, lock=lock, stop=threading.Event())
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {
            "dispatch-tick",
            "reconcile-attempts",
            "nightly-reaudit",
            "agent-wrap-ups",
            "recording-retention",
            "leader-check",
        }
        assert jobs["dispatch-tick"].trigger.interval.total_seconds() == 2
        assert jobs["reconcile-attempts"].trigger.interval.total_seconds() == 15
        assert jobs["agent-wrap-ups"].trigger.interval.total_seconds() == 10
        assert str(jobs["nightly-reaudit"].trigger) == "cron[hour='3', minute='0']"
        assert str(jobs["recording-retention"].trigger) == "cron[hour='4', minute='0']"
        defaults = scheduler._job_defaults  # applied to each job when the scheduler starts
        assert defaults["coalesce"]
        assert defaults["max_instances"] == 1
        assert defaults["misfire_grace_time"] == 30
    finally:
        runtime.close()
