"""Store the raw event, then apply it in the same transaction.

If applying fails, the whole transaction rolls back and the event is stored again on its
own, with the error, so `dialer webhooks replay` can re-apply it later. If the database
cannot take it at all (it is down), the event goes to the local spool (spool.py), drained
when the database is back. A duplicate changes nothing and gets the response the first
delivery got. `IngestResult.stored` says whether the event is kept somewhere (then Twilio is
answered 2xx).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from dialer.db.engine import transaction
from dialer.db.models import ProviderEvent
from dialer.ledger.spool import WebhookSpool
from dialer.ledger.store import (
    IncomingEvent,
    existing_attempt_id,
    insert_event,
    lock_attempt,
    stored_response,
)
from dialer.observability import metrics

log = logging.getLogger(__name__)

Apply = Callable[[Session], str | None]


@dataclass(frozen=True, slots=True)
class IngestResult:
    event_id: int | None
    duplicate: bool = False
    response: str | None = None
    error: str | None = None
    spooled: bool = False  # kept in the local spool (the database could not take it)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def stored(self) -> bool:
        """Kept in the ledger or the spool: safe to answer 2xx."""
        return self.ok or self.event_id is not None or self.spooled


APPLIED, DUPLICATE, FAILED, SPOOLED = "applied", "duplicate", "failed", "spooled"


def count_event(kind: str, result: str) -> None:
    metrics.WEBHOOK_EVENTS.labels(kind=kind, result=result).inc()


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def ingest(
    sessions: sessionmaker[Session],
    event: IncomingEvent,
    *,
    apply: Apply,
    now: datetime,
    spool: WebhookSpool | None = None,
) -> IngestResult:
    """Store then apply `event`; `apply` returns the response body to remember (or None).

    Locks in one order: the attempt row first, then the ledger row, then whatever the applier
    touches (consumer and debt through the case event, then the debt's replanning).
    """
    try:
        with transaction(sessions) as session:
            attempt = lock_attempt(session, event.attempt_id)
            attempt_id = attempt.id if attempt is not None else None  # unknown: kept, unlinked
            event_id = insert_event(
                session, event, received_at=now, applied_at=now, attempt_id=attempt_id
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
        try:
            kept = _keep_failed(sessions, event, now=now, error=error)
        except Exception:
            if spool is None:
                raise
            spool.keep(event, received_at=now)  # the database is away: keep it on disk
            count_event(event.kind, SPOOLED)
            return IngestResult(None, error=error, spooled=True)
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
