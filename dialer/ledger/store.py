"""Writing events to the ledger: one INSERT that reports a duplicate instead of raising."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dialer.db.models import ContactAttempt, ProviderEvent

_LOCKED = "dialer.locked_attempt_id"
_KEY_TYPE = ProviderEvent.__table__.c.dedupe_key.type
assert isinstance(_KEY_TYPE, String)
_KEY_LENGTH = _KEY_TYPE.length


def stored_key(dedupe_key: str) -> str:
    """The dedupe key as the ledger stores it (cut to the column's length)."""
    return dedupe_key[:_KEY_LENGTH]


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """A validated webhook, as it will be stored: payload holds the form and the query."""

    kind: str
    dedupe_key: str
    payload: dict[str, Any]
    provider_sid: str | None = None
    attempt_id: int | None = None


def insert_event(
    session: Session,
    event: IncomingEvent,
    *,
    received_at: datetime,
    applied_at: datetime | None,
    error: str | None = None,
    attempt_id: int | None = None,
) -> int | None:
    """Store the event; its id, or None when an event with this dedupe key already exists."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProviderEvent)
        .values(
            dedupe_key=stored_key(event.dedupe_key),
            kind=event.kind,
            provider_sid=event.provider_sid,
            payload=event.payload,
            received_at=received_at,
            applied_at=applied_at,
            error=error,
            attempt_id=attempt_id,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(ProviderEvent.id)
    )
    found: int | None = session.execute(statement).scalar_one_or_none()
    return found


def stored_response(session: Session, dedupe_key: str) -> str | None:
    """The TwiML answered the first time this event came in."""
    return session.scalar(
        select(ProviderEvent.response).where(ProviderEvent.dedupe_key == stored_key(dedupe_key))
    )


def lock_attempt(session: Session, attempt_id: int | None) -> ContactAttempt | None:
    """Lock the attempt a callback is about FOR NO KEY UPDATE, before anything else.

    Every callback transaction takes this lock first: the ledger row inserted next holds a
    KEY SHARE on the attempt through its foreign key, and a KEY SHARE taken before the row
    lock deadlocks two callbacks of one call as soon as one of them binds the call SID (a
    unique column, so its UPDATE needs FOR UPDATE). The applier finds the locked attempt in
    the session (`locked_attempt`) instead of loading it again.
    """
    if attempt_id is None:
        return None
    attempt = session.get(ContactAttempt, attempt_id, with_for_update={"key_share": True})
    if attempt is not None:
        session.info[_LOCKED] = attempt_id
    return attempt


def locked_attempt(session: Session, attempt_id: int | None) -> ContactAttempt | None:
    """The attempt `lock_attempt` locked in this transaction, without a query."""
    if attempt_id is None or session.info.get(_LOCKED) != attempt_id:
        return None
    return session.get(ContactAttempt, attempt_id)


def existing_attempt_id(session: Session, attempt_id: int | None) -> int | None:
    if attempt_id is None:
        return None
    return session.scalar(select(ContactAttempt.id).where(ContactAttempt.id == attempt_id))
