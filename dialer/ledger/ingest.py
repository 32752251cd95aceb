"""Store the raw event, then apply it in the same transaction.

If applying fails, the whole transaction rolls back and the event is stored again on its
own, with the error, so `dialer webhooks replay` can re-apply it later. A duplicate changes
nothing and gets the response the first delivery got.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from dialer import metrics
from dialer.db.engine import transaction
from dialer.db.models import ProviderEvent
from dialer.ledger.store import (
    IncomingEvent,
    existing_attempt_id,
    insert_event,
    lock_attempt,
    stored_response,
)

log = logging.getLogger(__name__)

Apply = Callable[[Session], str | None]


@dataclass(frozen=True, slots=True)
class IngestResult:
    event_id: int | None
    duplicate: bool = False
    response: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


APPLIED, DUPLICATE, FAILED = "applied", "duplicate", "failed"


def count_event(kind: str, result: str) -> None:
    metrics.WEBHOOK_EVENTS.labels(kind=kind, result=result).inc()


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def ingest(
    sessions: sessionmaker[Session], event: IncomingEvent, *, apply: Apply, now: datetime
) -> IngestResult:
    """Store then apply `event`; `apply` returns the response body to remember (or None).

    Locks in one order: the attempt row first, then the ledger row, then whatever the applier
    touches (consumer and debt through the case event, then the debt's replanning).
    """
    try:
        with transaction(sessions) as session:
            lock_attempt(session, event.attempt_id)
            event_id = insert_event(
                session, event, received_at=now, applied_at=now, attempt_id=event.attempt_id
            )
            if event_id is None:
                count_event(event.kind, DUPLICATE)
                return IngestResult(
                    None, duplicate=True, response=stored_response(session, event.dedupe_key)
                )
            response = apply(session)
            if response is not None:
                session.execute(
                    update(ProviderEvent)
                    .where(ProviderEvent.id == event_id)
                    .values(response=response)
                )
        count_event(event.kind, APPLIED)
        return IngestResult(event_id, response=response)
    except Exception as exc:  # the event must be kept whatever went wrong while applying it
        error = describe_error(exc)
        log.warning("webhook %s not applied: %s", event.kind, type(exc).__name__)
        kept = _keep_failed(sessions, event, now=now, error=error)
        count_event(event.kind, FAILED)
        return IngestResult(kept, error=error)


def _keep_failed(
    sessions: sessionmaker[Session], event: IncomingEvent, *, now: datetime, error: str
) -> int | None:
    with transaction(sessions) as session:
        attempt_id = existing_attempt_id(session, event.attempt_id)
        return insert_event(
            session, event, received_at=now, applied_at=None, error=error, attempt_id=attempt_id
        )
