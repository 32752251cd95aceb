"""The agents' inbox: inbound texts that need a person (anything but a bare keyword).

Each line says what the dialer already did (an opt-out, a wrong number, a dispute); agents and
supervisors read them, open the case and mark them resolved with a note (audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.db.models import ContactAttempt, InboxMessage
from dialer.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from dialer.callbacks.events import InboundSms
    from dialer.compliance import SmsReading

MAX_STORED_BODY = 10_000
PAGE_SIZE = 100


def stored_body(body: str) -> str:
    """The body as stored: no NUL bytes (PostgreSQL text refuses them), at most 10,000 chars."""
    return body.replace("\x00", "")[:MAX_STORED_BODY]


def add_to_inbox(
    session: Session,
    sms: InboundSms,
    reading: SmsReading,
    *,
    consumer_id: int | None,
    attempt: ContactAttempt | None,
    done: Sequence[str],
    now: datetime,
) -> InboxMessage:
    key = f"inbound:{sms.message_sid}:{consumer_id if consumer_id is not None else '-'}"[:200]
    existing = session.scalar(select(InboxMessage).where(InboxMessage.external_key == key))
    if existing is not None:
        return existing
    message = InboxMessage(
        external_key=key,
        received_at=now,
        from_number=sms.from_number[:16],
        to_number=sms.to_number[:16] or None,
        body=stored_body(sms.body),
        intent=reading.intent.value,
        handled="; ".join(done) or "nothing yet: an agent should read it",
        consumer_id=consumer_id,
        attempt_id=attempt.id if attempt else None,
    )
    session.add(message)
    session.flush()
    return message


@dataclass(frozen=True, slots=True)
class InboxFilter:
    unresolved_only: bool = True
    consumer_id: int | None = None
    intent: str | None = None


def find_inbox(
    session: Session, wanted: InboxFilter, *, limit: int = PAGE_SIZE
) -> list[InboxMessage]:
    """Oldest unresolved first (the queue); with resolved ones too, newest first."""
    query = select(InboxMessage).limit(limit)
    if wanted.unresolved_only:
        query = query.where(InboxMessage.resolved_at.is_(None)).order_by(
            InboxMessage.received_at, InboxMessage.id
        )
    else:
        query = query.order_by(InboxMessage.received_at.desc(), InboxMessage.id.desc())
    if wanted.consumer_id is not None:
        query = query.where(InboxMessage.consumer_id == wanted.consumer_id)
    if wanted.intent:
        query = query.where(InboxMessage.intent == wanted.intent)
    return list(session.scalars(query))


def unresolved_count(session: Session) -> int:
    query = select(func.count()).select_from(InboxMessage)
    return int(session.scalar(query.where(InboxMessage.resolved_at.is_(None))) or 0)


def resolve_message(
    session: Session, message_id: int, *, actor: str, note: str, now: datetime
) -> InboxMessage:
    """Mark a message resolved with a note; the change is in the audit log."""
    message = session.get(InboxMessage, message_id)
    if message is None:
        raise NotFoundError(f"inbox message {message_id} does not exist")
    if not note.strip():
        raise InputError("a note is required to resolve a message")
    if message.resolved_at is not None:
        raise InputError(f"inbox message {message_id} is already resolved")
    message.resolved_at, message.resolved_by = now, actor[:100]
    message.resolution_note = note.strip()
    add_audit_entry(
        session, at=now, actor=actor, action="inbox.resolve", entity="inbox_message",
        entity_id=str(message.id), before={"resolved": False},
        after={"resolved": True, "consumer_id": message.consumer_id}, reason=note.strip(),
    )  # fmt: skip
    return message
