"""The person is the unit: at most one contact in flight per consumer, and never two contacts
at once to one number (a number may be on several consumers' files).

Both checks run inside the reservation, with the consumer's row locked; the number check locks
every phone row with that number first, so two workers reserving for two consumers who share
a number are serialised too. Both read the small set of non-final attempts through indexes.
Each returns what is in flight (channel, number, when it was placed): "why not now" says it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, false, or_, select
from sqlalchemy.orm import Session

from dialer.db.models import ContactAttempt, Phone
from dialer.vocabulary import AttemptStatus

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


@dataclass(frozen=True, slots=True)
class InFlight:
    """A contact still in flight that stops another one: what "why not now" names."""

    attempt_id: int
    channel: str
    to_number: str | None
    placed_at: datetime
    is_same_person: bool  # else: another consumer's contact to one of the person's numbers


def contact_in_flight(session: Session, consumer_id: int) -> InFlight | None:
    """The attempt with the consumer still in flight (any channel, debt, number, campaign,
    manual or agent call), or None."""
    return in_flight_with(session, consumer_id=consumer_id)


def number_in_flight(session: Session, number: str) -> InFlight | None:
    """Lock the number (every phone row holding it, in id order) and return the attempt to it
    still in flight, whoever's file it is on, or None."""
    lock = select(Phone.id).where(Phone.e164 == number).order_by(Phone.id).with_for_update()
    session.scalars(lock).all()
    return _first(session, ContactAttempt.to_number == number, mine=false())


def in_flight_with(
    session: Session, *, consumer_id: int, numbers: Sequence[str] = ()
) -> InFlight | None:
    """The person's contact in flight, else one to any of `numbers` on another consumer's
    file, or None (no lock: the reservation takes its own)."""
    mine = ContactAttempt.consumer_id == consumer_id
    which = or_(mine, ContactAttempt.to_number.in_(numbers)) if numbers else mine
    return _first(session, which, mine=mine)


def _first(
    session: Session, which: ColumnElement[bool], *, mine: ColumnElement[bool]
) -> InFlight | None:
    row = session.execute(
        select(
            ContactAttempt.id,
            ContactAttempt.channel,
            ContactAttempt.to_number,
            ContactAttempt.attempted_at,
            mine,
        )
        .where(ContactAttempt.status.in_(IN_FLIGHT), which)
        .order_by(case((mine, 0), else_=1), ContactAttempt.attempted_at)
        .limit(1)
    ).first()
    if row is None:
        return None
    return InFlight(row[0], row[1], row[2], row[3], bool(row[4]))
