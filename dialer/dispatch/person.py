"""The person is the unit: at most one contact in flight per consumer, and never two contacts
at once to one number (a number may be on several consumers' files).

Both checks run inside the reservation, with the consumer's row locked; the number check locks
every phone row with that number first, so two workers reserving for two consumers who share
a number are serialised too. Both read the small set of non-final attempts through indexes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.db.models import Consumer, ContactAttempt, Phone
from dialer.vocabulary import AttemptStatus


def lock_consumer(session: Session, consumer_id: int) -> None:
    """Row lock on PostgreSQL (the row is loaded too, for the facts); SQLite's BEGIN
    IMMEDIATE already serialises writers."""
    session.get(Consumer, consumer_id, with_for_update=True, populate_existing=True)


# An attempt in one of these states may still reach (or be reaching) the consumer. A text
# `sent` has left Twilio; only its delivery report is awaited.
IN_FLIGHT = (
    AttemptStatus.RESERVED.value,
    AttemptStatus.DIALING.value,
    AttemptStatus.QUEUED.value,
    AttemptStatus.INITIATED.value,
    AttemptStatus.RINGING.value,
    AttemptStatus.IN_PROGRESS.value,
    AttemptStatus.SENDING.value,
)


def contact_in_flight(session: Session, consumer_id: int) -> int | None:
    """The id of an attempt with the consumer still in flight (any channel, debt, number,
    campaign, manual or agent call), or None."""
    return session.scalar(
        select(ContactAttempt.id)
        .where(ContactAttempt.consumer_id == consumer_id, ContactAttempt.status.in_(IN_FLIGHT))
        .limit(1)
    )


def number_in_flight(session: Session, number: str) -> int | None:
    """Lock the number (every phone row holding it, in id order) and return the id of an
    attempt to it still in flight, whoever's file it is on, or None."""
    lock = select(Phone.id).where(Phone.e164 == number).order_by(Phone.id).with_for_update()
    session.scalars(lock).all()
    return session.scalar(
        select(ContactAttempt.id)
        .where(ContactAttempt.status.in_(IN_FLIGHT), ContactAttempt.to_number == number)
        .limit(1)
    )
