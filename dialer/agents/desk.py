"""An agent's desk: availability (with a wrap-up timeout) and the case that is live for them.

The live case is the attempt in `users.current_attempt_id` (set when a bridged call or a manual
call is connected to the agent). It stays on the desk through wrap-up, until the next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.db.models import Consumer, ContactAttempt, Debt, User
from dialer.errors import InputError
from dialer.vocabulary import TERMINAL_STATUSES, AgentAvailability

WRAP_UP_TIMEOUT = timedelta(seconds=60)
# What an agent may choose by hand; on_call is set by the system when a call connects.
SELECTABLE = (AgentAvailability.AVAILABLE, AgentAvailability.AWAY, AgentAvailability.OFFLINE)


@dataclass(frozen=True, slots=True)
class DeskState:
    availability: str
    changed_at: datetime | None
    wrap_up_seconds_left: int | None
    attempt_id: int | None
    debt_id: int | None
    consumer_id: int | None
    call_status: str | None
    line_state: str = ""  # the agent line (dialer.agents.line): "", calling, connected
    line_note: str = ""  # why the last line ended

    def to_dict(self) -> dict[str, object]:
        return {
            "availability": self.availability,
            "changed_at": None if self.changed_at is None else self.changed_at.isoformat(),
            "wrap_up_seconds_left": self.wrap_up_seconds_left,
            "attempt_id": self.attempt_id,
            "debt_id": self.debt_id,
            "consumer_id": self.consumer_id,
            "call_status": self.call_status,
            "line_state": self.line_state,
            "line_note": self.line_note,
        }


def set_availability(
    session: Session, *, user_id: int, availability: str, now: datetime, actor: str
) -> User:
    """The agent changes their own availability (available, away, offline)."""
    try:
        wanted = AgentAvailability(availability)
    except ValueError:
        raise InputError(f"availability {availability!r} is not a choice") from None
    if wanted not in SELECTABLE:
        raise InputError(f"availability {wanted.value!r} is set by calls, not by hand")
    user = _lock_user(session, user_id)
    if user.availability == AgentAvailability.ON_CALL:
        raise InputError("you are on a call: finish it before changing availability")
    if user.availability != wanted:
        before = {"availability": user.availability}
        _move(user, wanted, now)
        add_audit_entry(
            session,
            at=now,
            actor=actor,
            action="agent.availability",
            entity="user",
            entity_id=str(user.id),
            before=before,
            after={"availability": wanted.value},
            reason="changed by the agent",
        )
    return user


def connect_call(session: Session, *, user_id: int, attempt_id: int, now: datetime) -> User:
    """A call has been connected to the agent: the case pops on their desk."""
    user = _lock_user(session, user_id)
    user.current_attempt_id = attempt_id
    _move(user, AgentAvailability.ON_CALL, now)
    return user


def refresh(session: Session, *, user_id: int, now: datetime) -> DeskState:
    """The desk as it is now; moves on_call to wrap-up when the call has ended, and wrap-up
    back to available once the timeout has passed."""
    user = _lock_user(session, user_id)
    attempt = _current_attempt(session, user)
    if user.availability == AgentAvailability.ON_CALL and (
        attempt is None or attempt.status in TERMINAL_STATUSES
    ):
        ended = attempt.ended_at if attempt is not None and attempt.ended_at else now
        # nothing to wrap up after a call nobody answered (a progressive call's reservation)
        # or one whose disposition the agent recorded during the call
        to_wrap_up = (
            attempt is not None and attempt.answered_at is not None and not attempt.disposition
        )
        after = AgentAvailability.WRAP_UP if to_wrap_up else AgentAvailability.AVAILABLE
        _move(user, after, min(ended, now))
    left = _wrap_up_left(user, now)
    if user.availability == AgentAvailability.WRAP_UP and left == 0:
        _move(user, AgentAvailability.AVAILABLE, now)
        left = None
    return DeskState(
        availability=user.availability,
        changed_at=user.availability_changed_at,
        wrap_up_seconds_left=left,
        attempt_id=None if attempt is None else attempt.id,
        debt_id=None if attempt is None else attempt.debt_id,
        consumer_id=None if attempt is None else attempt.consumer_id,
        call_status=None if attempt is None else attempt.status,
        line_state=user.line_state,
        line_note=user.line_note,
    )


def finish_wrap_up(session: Session, *, user_id: int, now: datetime) -> None:
    """After a disposition in wrap-up the agent is ready for the next call."""
    user = _lock_user(session, user_id)
    if user.availability == AgentAvailability.WRAP_UP:
        _move(user, AgentAvailability.AVAILABLE, now)


def expire_wrap_ups(session: Session, *, now: datetime) -> int:
    """Every agent whose wrap-up has timed out becomes available, desk open or not (the
    scheduler's job; an open desk does the same for its agent when it refreshes).

    One UPDATE that checks the state of each row it changes: an agent who has meanwhile
    chosen `away` or `offline`, or finished the wrap-up, is left as they are.
    """
    statement = (
        update(User)
        .where(
            User.availability == AgentAvailability.WRAP_UP.value,
            User.availability_changed_at <= now - WRAP_UP_TIMEOUT,
        )
        .values(availability=AgentAvailability.AVAILABLE.value, availability_changed_at=now)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    return len(session.scalars(statement).all())


RECENT_CALLS = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class CallToComplete:
    """One of the agent's own ended calls that still has no disposition."""

    attempt_id: int
    debt_id: int
    debt_ref: str
    consumer_name: str
    ended_at: datetime | None
    outcome: str | None


def calls_to_complete(
    session: Session, *, user_id: int, now: datetime, limit: int = 20
) -> list[CallToComplete]:
    """The agent's calls of the last seven days that ended without a disposition, newest
    first (the live call is not one of them: it is on the desk)."""
    rows = session.execute(
        select(ContactAttempt, Debt, Consumer)
        .join(Debt, Debt.id == ContactAttempt.debt_id)
        .join(Consumer, Consumer.id == ContactAttempt.consumer_id)
        .where(
            ContactAttempt.agent_id == user_id,
            ContactAttempt.disposition.is_(None),
            ContactAttempt.status.in_([s.value for s in TERMINAL_STATUSES]),
            ContactAttempt.answered_at.is_not(None),
            ContactAttempt.attempted_at >= now - RECENT_CALLS,
        )
        .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        .limit(limit)
    ).all()
    return [
        CallToComplete(
            attempt_id=attempt.id,
            debt_id=debt.id,
            debt_ref=debt.external_ref,
            consumer_name=f"{consumer.first_name} {consumer.last_name}".strip(),
            ended_at=attempt.ended_at,
            outcome=attempt.outcome,
        )
        for attempt, debt, consumer in rows
    ]


def live_attempt(session: Session, *, user_id: int) -> ContactAttempt | None:
    user = session.get(User, user_id)
    return None if user is None else _current_attempt(session, user)


def _wrap_up_left(user: User, now: datetime) -> int | None:
    if user.availability != AgentAvailability.WRAP_UP or user.availability_changed_at is None:
        return None
    remaining = user.availability_changed_at + WRAP_UP_TIMEOUT - now
    return max(0, int(remaining.total_seconds() + 0.999))


def _current_attempt(session: Session, user: User) -> ContactAttempt | None:
    """The attempt in users.current_attempt_id; in wrap-up after the bridge released the agent
    (current_attempt_id cleared), the last call connected to them, so they can disposition it."""
    if user.current_attempt_id is not None:
        return session.get(ContactAttempt, user.current_attempt_id)
    if user.availability != AgentAvailability.WRAP_UP:
        return None
    return session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.agent_id == user.id)
        .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        .limit(1)
    ).first()


def _lock_user(session: Session, user_id: int) -> User:
    user = session.scalars(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise InputError(f"no user with id {user_id}")
    return user


def _move(user: User, availability: AgentAvailability, at: datetime) -> None:
    user.availability = availability.value
    user.availability_changed_at = at
