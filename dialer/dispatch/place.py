"""Placing a reserved attempt: pace, mark `dialing` (committed), ask Twilio, record the result.

The pacing slot is taken right before the create (after the line is taken), so the
provider sees creates at the paced rate, whatever happened between reserving and placing.

A create that fails for sure (429, 5xx before processing) is released: `not_placed` with no
outcome, as if never made, and the debt is due again after a back-off. A refusal about the
number (invalid, opted out, not SMS-capable) updates the phone and counts as a failed try. An
ambiguous create is looked up once (never a SID another attempt owns); not found, it stays
`dialing`, counted by every cap as a placed contact, until its own callback (our attempt id is
in the URL) or the reconciler settles it: it is never re-created.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dialer.attempts import machine
from dialer.campaigns.definition import StepKind
from dialer.clock import Clock
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt
from dialer.dispatch.choose import SMS_VALIDITY
from dialer.dispatch.reserved import Reservation
from dialer.dispatch.settle import record_sid, refuse, release
from dialer.observability.logging import get_logger
from dialer.pacing import Pacer
from dialer.telephony import (
    AmbiguousCreateError,
    RetryableTelephonyError,
    Telephony,
    TelephonyError,
    place_call_safely,
    send_sms_safely,
)
from dialer.telephony.recovery import Owned
from dialer.vocabulary import AttemptStatus, Channel

log = get_logger(__name__)
RETRY_BACKOFF = timedelta(seconds=30)
PACING_TIMEOUT = 10.0  # below choose.DECISION_GRACE: a decision is used while fresh
RING_TIMEOUT = 30


@dataclass(frozen=True, slots=True)
class Placement:
    attempt_id: int
    result: str  # placed, released, refused, ambiguous
    sid: str | None = None
    pacing_wait: float = 0.0


def webhook_urls(base_url: str, attempt_id: int) -> dict[str, str]:
    query = f"?attempt={attempt_id}"
    return {
        "answer": f"{base_url}/twilio/voice/answer{query}",
        "status": f"{base_url}/twilio/voice/status{query}",
        "amd": f"{base_url}/twilio/voice/amd{query}",
        "sms": f"{base_url}/twilio/sms/status{query}",
    }


def place(
    reservation: Reservation,
    *,
    sessions: sessionmaker[Session],
    telephony: Telephony,
    pacer: Pacer,
    base_url: str,
    clock: Clock,
) -> Placement:
    cap = pacer.config.max_concurrent_calls if reservation.channel is Channel.CALL else None
    dialing, waited = _take_a_line(sessions, reservation, cap=cap, waited=0.0, clock=clock)
    if waited is not None and dialing:
        # The slot is taken now, right before the create: the provider sees the paced rate.
        slot_wait = pacer.acquire(
            reservation.channel, sender=reservation.from_, timeout=PACING_TIMEOUT
        )
        waited = None if slot_wait is None else waited + slot_wait
    if waited is None:
        now = clock.now()
        release(sessions, reservation, now=now, retry_at=now, error="pacing timeout")
        return Placement(reservation.attempt_id, "released")
    if not dialing:
        return Placement(reservation.attempt_id, "released", pacing_wait=waited)
    return _send(
        reservation,
        sessions=sessions,
        telephony=telephony,
        pacer=pacer,
        base_url=base_url,
        clock=clock,
        waited=waited,
    )


def _send(
    reservation: Reservation,
    *,
    sessions: sessionmaker[Session],
    telephony: Telephony,
    pacer: Pacer,
    base_url: str,
    clock: Clock,
    waited: float,
) -> Placement:
    """The create, with its slot taken and the attempt `dialing`; then what it gave."""
    attempt_id = reservation.attempt_id
    try:
        sid = _create(reservation, sessions=sessions, telephony=telephony, base_url=base_url)
    except AmbiguousCreateError as exc:
        mark_ambiguous(sessions, attempt_id, exc, now=clock.now())
        return Placement(attempt_id, "ambiguous", pacing_wait=waited)
    except RetryableTelephonyError as exc:
        pacer.back_off(2.0)
        now = clock.now()
        retry_at = now + RETRY_BACKOFF
        release(sessions, reservation, now=now, retry_at=retry_at, error=str(exc), code=exc.code)
        return Placement(attempt_id, "released", pacing_wait=waited)
    except TelephonyError as exc:
        refuse(sessions, reservation, exc, now=clock.now())
        return Placement(attempt_id, "refused", pacing_wait=waited)
    try:
        with transaction(sessions) as session:
            record_sid(session, attempt_id, sid=sid, now=clock.now())
    except IntegrityError:  # another attempt bound this SID meanwhile: leave it to callbacks
        log.warning("sid_owned_elsewhere", attempt_id=attempt_id)
        return Placement(attempt_id, "ambiguous", pacing_wait=waited)
    return Placement(attempt_id, "placed", sid, waited)


def mark_ambiguous(
    sessions: sessionmaker[Session], attempt_id: int, exc: AmbiguousCreateError, *, now: datetime
) -> None:
    """The create's answer was ambiguous and the lookup found nothing: say so on the attempt
    (still `dialing`, counted as placed). The reconciler asks the provider again soon after
    (the worker is done with it); a callback that binds it first settles it."""
    with transaction(sessions) as session:
        session.execute(
            update(ContactAttempt)
            .where(
                ContactAttempt.id == attempt_id,
                ContactAttempt.status == AttemptStatus.DIALING.value,
            )
            .values(
                error_code=exc.code,
                error_message=f"ambiguous create: {exc.message}"[:2000],
                updated_at=now,
            )
        )


CALLS_IN_FLIGHT = (
    AttemptStatus.DIALING.value,
    AttemptStatus.QUEUED.value,
    AttemptStatus.INITIATED.value,
    AttemptStatus.RINGING.value,
    AttemptStatus.IN_PROGRESS.value,
)


def calls_in_flight(session: Session) -> int:
    """Calls placed and not yet ended (the status index keeps this small and cheap)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ContactAttempt)
            .where(
                ContactAttempt.status.in_(CALLS_IN_FLIGHT),
                ContactAttempt.channel == Channel.CALL.value,
            )
        )
        or 0
    )


# Every process that starts a call takes this lock first (PostgreSQL, for the transaction).
CALL_LINES_LOCK = 0x6469616C  # "dial"


def _take_a_line(
    sessions: sessionmaker[Session],
    reservation: Reservation,
    *,
    cap: int | None,
    waited: float,
    clock: Clock,
) -> tuple[bool, float | None]:
    """Move the attempt to `dialing` once fewer than `cap` calls are in flight.

    Counting and moving happen in one transaction that every worker serializes on (an
    advisory lock on PostgreSQL; SQLite's BEGIN IMMEDIATE does the same), so two workers never
    both take the last line: the cap is hard across processes. Returns (dialing, waited):
    (False, waited) when the reconciler released the attempt meanwhile, waited None after
    PACING_TIMEOUT with no free line.
    """
    while True:
        with transaction(sessions) as session:
            if cap is not None:
                serialize_call_starts(session)
                full = calls_in_flight(session) >= cap
            else:
                full = False
            if not full:
                return _start_dialing(session, reservation.attempt_id, now=clock.now()), waited
        if waited >= PACING_TIMEOUT:
            return False, None
        time.sleep(0.2)
        waited += 0.2


def serialize_call_starts(session: Session) -> None:
    """Until this transaction ends, no other process counts or starts calls (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(CALL_LINES_LOCK)))


def owned_by_others(sessions: sessionmaker[Session], attempt_id: int) -> Owned:
    """Of some SIDs, those another attempt has bound (never adopted by this one)."""

    def owned(sids: list[str]) -> set[str]:
        with transaction(sessions) as session:
            return set(
                session.scalars(
                    select(ContactAttempt.provider_sid).where(
                        ContactAttempt.provider_sid.in_(sids), ContactAttempt.id != attempt_id
                    )
                )
            )

    return owned


def _create(
    reservation: Reservation,
    *,
    sessions: sessionmaker[Session],
    telephony: Telephony,
    base_url: str,
) -> str:
    urls = webhook_urls(base_url, reservation.attempt_id)
    owned = owned_by_others(sessions, reservation.attempt_id)
    if reservation.channel is Channel.SMS:
        return send_sms_safely(
            telephony,
            reserved_at=reservation.reserved_at,
            to=reservation.to,
            from_=reservation.from_,
            body=reservation.body or "",
            status_url=urls["sms"],
            valid_for=SMS_VALIDITY,
            owned=owned,
        ).sid
    # the answer TwiML dials the consumer, or the agent waits in their room: nobody to detect
    ring_agent_first = reservation.ring_first is not None or reservation.into_room
    return place_call_safely(
        telephony,
        reserved_at=reservation.reserved_at,
        to=reservation.ring_first or reservation.to,
        from_=reservation.from_,
        answer_url=urls["answer"],
        status_url=urls["status"],
        amd_url=None if ring_agent_first else urls["amd"],
        timeout_seconds=RING_TIMEOUT,
        machine_detection=not ring_agent_first
        and reservation.step_kind in (StepKind.IVR, StepKind.AGENT),
        owned=owned,
    ).sid


def _start_dialing(session: Session, attempt_id: int, *, now: datetime) -> bool:
    """reserved -> dialing, committed before the create; False if the reconciler released it."""
    moved = session.execute(
        update(ContactAttempt)
        .where(
            ContactAttempt.id == attempt_id,
            ContactAttempt.status.in_([status.value for status in machine.MAY_START_DIALING]),
        )
        .values(status=AttemptStatus.DIALING.value, updated_at=now)
    )
    return bool(getattr(moved, "rowcount", 0))
