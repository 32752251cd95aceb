"""Settling a create: the provider's SID recorded, or the attempt released (nothing was sent:
not a try, the debt due again) or refused (the provider's word about the number: a failed try).
Each asks the attempt state machine whether the attempt may still move that way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from dialer.attempts import machine
from dialer.callbacks.revival import revive
from dialer.cases.facts import covered_debt_ids
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, Phone
from dialer.dispatch.reserved import Reservation
from dialer.suppression.numbers import add_opt_out
from dialer.telephony import (
    InvalidNumberError,
    NotSmsCapableError,
    OptedOutError,
    TelephonyError,
)
from dialer.vocabulary import AttemptOrigin, AttemptStatus, Channel, Outcome, PhoneStatus


def record_sid(session: Session, attempt_id: int, *, sid: str, now: datetime) -> None:
    """Store the SID and when it was placed; the status moves to queued only if no callback
    moved it further. A callback may have bound the SID first (then placed_at is still set);
    an attempt released meanwhile as never sent is revived (the provider has it)."""
    attempt = session.get(ContactAttempt, attempt_id, with_for_update=True)
    if attempt is None or attempt.provider_sid not in (None, sid):
        return
    revive(session, attempt, now=now)
    attempt.provider_sid = sid
    if attempt.placed_at is None:
        attempt.placed_at = attempt.attempted_at = now
    attempt.updated_at = now
    attempt.status = machine.provider_accepted(AttemptStatus(attempt.status)).value
    session.flush()


def release(
    sessions: sessionmaker[Session],
    reservation: Reservation,
    *,
    now: datetime,
    retry_at: datetime,
    error: str,
    code: int | None = None,
) -> None:
    """Nothing was sent: `not_placed` with no outcome (not a try), the debt due at retry_at."""
    with transaction(sessions) as session:
        release_attempt(
            session, reservation.attempt_id, now=now, retry_at=retry_at, error=error, code=code
        )


def release_attempt(
    session: Session,
    attempt_id: int,
    *,
    now: datetime,
    retry_at: datetime,
    error: str,
    code: int | None = None,
) -> None:
    attempt = session.get(ContactAttempt, attempt_id)
    released = machine.release(AttemptStatus(attempt.status)) if attempt else None
    if attempt is None or released is None:  # placed after all, or released already
        return
    attempt.status, attempt.outcome = released.value, None
    attempt.error_code, attempt.error_message, attempt.updated_at = code, error, now
    attempt.ended_at = now
    for debt_id in covered_debt_ids(session, attempt):
        debt = session.get(Debt, debt_id)
        if debt is not None:
            if attempt.callback:  # the call asked for was not made: it stays asked for
                debt.callback_at = attempt.callback_at
            elif attempt.origin == AttemptOrigin.DIALER.value:  # a manual call is no step try
                debt.step_attempts = max(0, debt.step_attempts - 1)
            debt.next_contact_at = retry_at
            debt.updated_at = now


def refuse(
    sessions: sessionmaker[Session],
    reservation: Reservation,
    exc: TelephonyError,
    *,
    now: datetime,
) -> None:
    """The provider refused the number: update the phone; the try failed; re-plan now."""
    with transaction(sessions) as session:
        attempt = session.get(ContactAttempt, reservation.attempt_id)
        refused = machine.refuse(AttemptStatus(attempt.status)) if attempt else None
        if attempt is None or refused is None:
            return
        phone = session.get(Phone, attempt.phone_id) if attempt.phone_id else None
        if phone is not None:
            _learn(session, phone, exc, now=now)
        attempt.status, attempt.outcome = refused.value, Outcome.FAILED.value
        attempt.error_code, attempt.error_message = exc.code, exc.message
        attempt.updated_at = attempt.ended_at = now
        debt_ids = covered_debt_ids(session, attempt) or [reservation.debt_id]
        session.execute(update(Debt).where(Debt.id.in_(debt_ids)).values(next_contact_at=now))


def _learn(session: Session, phone: Phone, exc: TelephonyError, *, now: datetime) -> None:
    if isinstance(exc, InvalidNumberError):
        phone.status, phone.status_reason = PhoneStatus.INVALID.value, f"twilio {exc.code}"
    elif isinstance(exc, NotSmsCapableError):
        phone.sms_capable = False
    elif isinstance(exc, OptedOutError):
        add_opt_out(
            session,
            phone_id=phone.id,
            channel=Channel.SMS,
            source=f"twilio {exc.code}",
            detail="Twilio refused the message: the number replied STOP",
            now=now,
        )
