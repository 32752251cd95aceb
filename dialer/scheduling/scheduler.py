"""The `scheduler` process: APScheduler 3 with fixed jobs, one leader at a time.

Jobs (stable ids, coalesced, one instance each):
- dispatch-tick: a dispatch tick every settings.tick_seconds (workers add more ticks);
- reconcile-attempts: every 60 s, resolve attempts stuck or missing a final status;
- nightly-reaudit: 03:00 UTC, re-evaluate yesterday's attempts against the rule packs;
- agent-wrap-ups: every 10 s, agents whose wrap-up timed out become available again;
- leader-check: every 5 s, stop if the advisory lock was lost (the standby takes over).
"""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler

from dialer.agent_desk import expire_wrap_ups
from dialer.db.engine import transaction
from dialer.dispatch.reaudit import reaudit
from dialer.logging import get_logger
from dialer.reconcile import reconcile
from dialer.scheduling.leader import LeaderLock
from dialer.scheduling.runtime import Runtime

log = get_logger(__name__)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
STANDBY_POLL_SECONDS = 2.0
WRAP_UP_CHECK_SECONDS = 10


def build_scheduler(
    runtime: Runtime, *, tick_seconds: float, lock: LeaderLock, stop: threading.Event
) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(
        lambda: runtime.dispatcher.tick(stop),
        "interval",
        seconds=tick_seconds,
        id="dispatch-tick",
        name="dispatch tick",
        replace_existing=True,
    )
    scheduler.add_job(
        lambda: reconcile_job(runtime),
        "interval",
        seconds=60,
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
        lambda: wrap_up_job(runtime),
        "interval",
        seconds=WRAP_UP_CHECK_SECONDS,
        id="agent-wrap-ups",
        name="agent wrap-up timeouts",
        replace_existing=True,
    )
    scheduler.add_job(
        lambda: _check_leader(scheduler, lock),
        "interval",
        seconds=5,
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


def wrap_up_job(runtime: Runtime) -> None:
    with transaction(runtime.services.sessions) as session:
        made_available = expire_wrap_ups(session, now=runtime.services.clock.now())
    if made_available:
        log.info("wrap_ups_expired", agents=made_available)


def _check_leader(scheduler: BlockingScheduler, lock: LeaderLock) -> None:
    if not lock.still_held():
        log.error("leadership_lost")
        scheduler.shutdown(wait=False)


def run_scheduler(runtime: Runtime, *, tick_seconds: float, stop: threading.Event) -> int:
    """Wait to become the leader, then run the jobs until a signal; the exit status."""
    lock = LeaderLock(runtime.services.engine)
    log.info("scheduler_started", leader_lock="postgres advisory" if lock.is_postgres else "none")
    while not lock.try_acquire():
        if stop.wait(STANDBY_POLL_SECONDS):
            log.info("scheduler_stopped", role="standby")
            return 0
    scheduler = build_scheduler(runtime, tick_seconds=tick_seconds, lock=lock, stop=stop)
    log.info("scheduler_leader", jobs=[job.id for job in scheduler.get_jobs()])

    def _handler(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        stop.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    if stop.is_set():
        return 0
    try:
        scheduler.start()
    finally:
        lock.release()
    log.info("scheduler_stopped", role="leader")
    return 0 if stop.is_set() else 3
