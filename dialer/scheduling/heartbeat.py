"""Worker heartbeats: a dead worker's claims are given back within seconds, not after the lease.

Every dispatching process (each worker, the scheduler's own ticks) has an id and beats into
`worker_heartbeats` every few seconds from a thread of its own, and its claims carry that id
(`debts.claimed_by`). At the start of every tick the dispatcher looks for workers whose last
beat is older than `dead_after` (a tiny table); only if there are any does it give their
claims back (debts still claimed, due now) and forget them. A worker that was only slow (a
database blip) finds its claims gone: `reserve` skips a claim whose lease changed, so nothing
is contacted twice.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from dialer.clock import Clock
from dialer.db.engine import transaction
from dialer.db.models import Debt, WorkerHeartbeat
from dialer.observability.logging import get_logger

log = get_logger(__name__)
HEARTBEAT_SECONDS = 2.0
DEAD_AFTER = timedelta(seconds=10)


def new_worker_id(role: str = "worker") -> str:
    """Unique per process start: host, pid and a random part (a restarted pid is new)."""
    return f"{role}-{socket.gethostname()[:24]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def beat(session: Session, worker: str, *, now: datetime) -> None:
    """This worker is alive now (insert or refresh its row)."""
    row = session.get(WorkerHeartbeat, worker)
    if row is None:
        session.add(WorkerHeartbeat(worker=worker, beat_at=now, started_at=now))
    else:
        row.beat_at = now


def forget(session: Session, worker: str) -> None:
    """A worker that stops cleanly removes its row (its claims were handed back)."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))


def release_dead_claims(
    session: Session, *, now: datetime, dead_after: timedelta = DEAD_AFTER
) -> int:
    """Give back the claims of workers silent for `dead_after`; how many debts came back."""
    dead = list(
        session.execute(
            select(WorkerHeartbeat.worker, WorkerHeartbeat.beat_at).where(
                WorkerHeartbeat.beat_at < now - dead_after
            )
        )
    )
    released = 0
    for worker, _beat_at in dead:
        result = session.execute(
            update(Debt)
            .where(Debt.claimed_by == worker, Debt.next_contact_at > now)
            .values(next_contact_at=now, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        released += int(getattr(result, "rowcount", 0) or 0)
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))
    if dead:
        log.warning("dead_workers_released", workers=[w for w, _ in dead], debts=released)
    return released


class Heartbeat:
    """A daemon thread beating for `worker` every `every` seconds until `stop()`; a failed
    beat (the database is away) is logged and tried again at the next beat."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        worker: str,
        *,
        every: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.worker = worker
        self._sessions = sessions
        self._clock = clock
        self._every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._beat_once()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._every * 2)
        try:
            with transaction(self._sessions) as session:
                forget(session, self.worker)
        except Exception:
            log.warning("heartbeat_forget_failed", worker=self.worker)

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            self._beat_once()

    def _beat_once(self) -> None:
        try:
            with transaction(self._sessions) as session:
                beat(session, self.worker, now=self._clock.now())
        except Exception:
            log.warning("heartbeat_failed", worker=self.worker)
