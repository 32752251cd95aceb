"""The `scheduler` process: APScheduler 3 with fixed jobs, one leader at a time.

Jobs (stable ids, coalesced, one instance each):
- dispatch-tick: a dispatch tick every settings.tick_seconds (workers add more ticks);
- reconcile-attempts: every 15 s, resolve attempts stuck or missing a final status (each
  rule has its own delay: see dialer.reconciliation.resolve);
- nightly-reaudit: 03:00 UTC, re-evaluate yesterday's attempts against the rule packs;
- recording-retention: 04:00 UTC, delete recordings kept longer than the rule packs' retention
  (Twilio's recording delete), each audited;
- agent-wrap-ups: every 10 s, agents whose wrap-up timed out become available again;
- leader-check: every second, end the term if the advisory lock was lost: the tick in
  progress hands back what it claimed and no new tick starts; the process stands by and runs
  for leadership again (the standby has taken over meanwhile).
A database outage never ends the process: elections are retried with backoff.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from dialer.agents.desk import expire_wrap_ups
from dialer.audit.nightly import reaudit
from dialer.db.engine import transaction
from dialer.observability.logging import get_logger
from dialer.reconciliation.resolve import RECONCILE_SECONDS, reconcile
from dialer.recordings.retention import delete_expired_recordings
from dialer.scheduling.heartbeat import Heartbeat
from dialer.scheduling.leader import LeaderLock
from dialer.scheduling.runtime import Runtime

log = get_logger(__name__)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
STANDBY_POLL_SECONDS = 2.0
MAX_STANDBY_POLL = 15.0
LEADER_CHECK_SECONDS = 1
WRAP_UP_CHECK_SECONDS = 10


def build_scheduler(
    runtime: Runtime, *, tick_seconds: float, lock: LeaderLock, stop: threading.Event
) -> BackgroundScheduler:
    """The leader's jobs; `stop` ends the term (a signal, or the lock lost)."""
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(
        lambda: None if stop.is_set() else runtime.dispatcher.tick(stop),
        "interval",
        seconds=tick_seconds,
        id="dispatch-tick",
        name="dispatch tick",
        replace_existing=True,
    )
    scheduler.add_job(
        lambda: reconcile_job(runtime),
        "interval",
        seconds=RECONCILE_SECONDS,
        id="reconcile-attempts",
        name="reconcile attempts",
        replace_existing=True,
    )
    scheduler.add_job(
        lambda: reaudit_job(runtime),
        "cron",
        hour=3,
        minute=0,
        id="nightly-reaudit",
        name="nightly re-audit",
        replace_existing=True,
        misfire_grace_time=3600,
    )
    scheduler.add_job(
        lambda: retention_job(runtime),
        "cron",
        hour=4,
        minute=0,
        id="recording-retention",
        name="recording retention",
        replace_existing=True,
        misfire_grace_time=3600,
    )
    scheduler.add_job(
        lambda: wrap_up_job(runtime),
        "interval",
        seconds=WRAP_UP_CHECK_SECONDS,
        id="agent-wrap-ups",
        name="agent wrap-up timeouts",
        replace_existing=True,
    )
    scheduler.add_job(
        lambda: _check_leader(lock, stop),
        "interval",
        seconds=LEADER_CHECK_SECONDS,
        id="leader-check",
        name="leader check",
        replace_existing=True,
    )
    return scheduler


def reconcile_job(runtime: Runtime) -> None:
    reconcile(runtime.services.sessions, runtime.telephony, now=runtime.services.clock.now())


def reaudit_job(runtime: Runtime) -> None:
    """Yesterday (UTC calendar day) against the rule packs."""
    now = runtime.services.clock.now()
    until = datetime(now.year, now.month, now.day, tzinfo=UTC)
    with transaction(runtime.services.sessions) as session:
        report = reaudit(
            session, since=until - timedelta(days=1), until=until, packs=runtime.packs, now=now
        )
    log.info("reaudit_done", checked=report.checked, violations=len(report.violations))


def retention_job(runtime: Runtime) -> None:
    delete_expired_recordings(
        runtime.services.sessions,
        runtime.telephony,
        packs=runtime.packs,
        now=runtime.services.clock.now(),
    )


def wrap_up_job(runtime: Runtime) -> None:
    with transaction(runtime.services.sessions) as session:
        made_available = expire_wrap_ups(session, now=runtime.services.clock.now())
    if made_available:
        log.info("wrap_ups_expired", agents=made_available)


def _check_leader(lock: LeaderLock, term: threading.Event) -> None:
    """The lock's connection is gone (or the lock with it): end this term at once."""
    if not term.is_set() and not lock.still_held():
        log.error("leadership_lost")
        term.set()


def run_scheduler(runtime: Runtime, *, tick_seconds: float, stop: threading.Event) -> int:
    """Stand by until leader, lead until the lock is lost, then stand by again; only `stop`
    (a signal) ends it. A database outage never ends the process: every election attempt
    and every job failure is logged and retried (standby polls back off up to
    MAX_STANDBY_POLL)."""
    lock = LeaderLock(runtime.services.engine)
    log.info("scheduler_started", leader_lock="postgres advisory" if lock.is_postgres else "none")
    poll = STANDBY_POLL_SECONDS
    while not stop.is_set():
        if not lock.try_acquire():
            stop.wait(poll)
            poll = min(MAX_STANDBY_POLL, poll * 1.5)
            continue
        poll = STANDBY_POLL_SECONDS
        _lead(runtime, lock, tick_seconds=tick_seconds, stop=stop)
        lock.release()
        if not stop.is_set():
            log.warning("scheduler_standby", reason="leadership lost")
    log.info("scheduler_stopped")
    return 0


def _lead(
    runtime: Runtime, lock: LeaderLock, *, tick_seconds: float, stop: threading.Event
) -> None:
    """One term as leader: the jobs run until `stop` or until the lock is lost."""
    term = threading.Event()  # set when this term ends: ticks hand back what they claimed
    scheduler = build_scheduler(runtime, tick_seconds=tick_seconds, lock=lock, stop=term)
    dispatcher = runtime.dispatcher
    heartbeat = (
        Heartbeat(dispatcher.sessions, dispatcher.clock, dispatcher.worker).start()
        if dispatcher.worker
        else None
    )
    log.info("scheduler_leader", jobs=[job.id for job in scheduler.get_jobs()])
    scheduler.start()
    try:
        while not term.wait(0.25):
            if stop.is_set():
                term.set()
    finally:
        term.set()
        scheduler.shutdown(wait=True)
        if heartbeat is not None:
            heartbeat.stop()
