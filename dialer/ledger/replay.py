"""Re-apply ledger events that were stored but not applied."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialer.db.engine import transaction
from dialer.db.models import ProviderEvent
from dialer.ledger.ingest import describe_error, ingest
from dialer.ledger.spool import DrainReport, WebhookSpool
from dialer.ledger.store import IncomingEvent

Applier = Callable[[Session, dict[str, Any], datetime], object]


@dataclass(frozen=True, slots=True)
class ReplayResult:
    event_id: int
    kind: str
    status: str  # applied, failed, already_applied, unknown_kind
    error: str | None = None


def pending_event_ids(
    sessions: sessionmaker[Session], *, failed_only: bool, event_id: int | None
) -> list[int]:
    query = select(ProviderEvent.id).order_by(ProviderEvent.id)
    if event_id is not None:
        query = query.where(ProviderEvent.id == event_id)
    else:
        query = query.where(ProviderEvent.applied_at.is_(None))
        if failed_only:
            query = query.where(ProviderEvent.error.is_not(None))
    with sessions() as session:
        return list(session.scalars(query))


def replay_event(
    sessions: sessionmaker[Session],
    event_id: int,
    *,
    appliers: Mapping[str, Applier],
    now: datetime,
) -> ReplayResult:
    """Apply one stored event in its own transaction; a failure is written back to the row."""
    try:
        with transaction(sessions) as session:
            event = session.get(ProviderEvent, event_id, with_for_update=True)
            if event is None:
                return ReplayResult(event_id, "?", "missing")
            if event.applied_at is not None:
                return ReplayResult(event_id, event.kind, "already_applied")
            applier = appliers.get(event.kind)
            if applier is None:
                return ReplayResult(event_id, event.kind, "unknown_kind")
            applier(session, dict(event.payload), now)
            event.applied_at = now
            event.error = None
            return ReplayResult(event_id, event.kind, "applied")
    except Exception as exc:  # report and keep going with the next event
        error = describe_error(exc)
        with transaction(sessions) as session:
            event = session.get(ProviderEvent, event_id)
            kind = event.kind if event else "?"
            if event is not None:
                event.error = error
        return ReplayResult(event_id, kind, "failed", error)


def replay_events(
    sessions: sessionmaker[Session],
    *,
    appliers: Mapping[str, Applier],
    now: datetime,
    failed_only: bool = False,
    event_id: int | None = None,
) -> list[ReplayResult]:
    ids = pending_event_ids(sessions, failed_only=failed_only, event_id=event_id)
    return [replay_event(sessions, one, appliers=appliers, now=now) for one in ids]


def drain_spool(
    sessions: sessionmaker[Session], spool: WebhookSpool, *, appliers: Mapping[str, Applier]
) -> DrainReport:
    """Store and apply the events the web process spooled while the database was down, each
    as of when it was received (a duplicate changes nothing; one that fails to apply is kept
    in the ledger with its error, as a live one would be)."""

    def store(event: IncomingEvent, received_at: datetime) -> None:
        applier = appliers.get(event.kind)

        def apply(session: Session) -> None:
            if applier is not None:
                applier(session, dict(event.payload), received_at)

        ingest(sessions, event, apply=apply, now=received_at)

    return spool.drain(store)
