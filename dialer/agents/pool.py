"""Agents for bridged calls: reserve one available agent atomically, release at call end.

On PostgreSQL the candidate row is picked with FOR UPDATE SKIP LOCKED, so two calls being
bridged at the same moment never get the same agent; on SQLite writers are serialised by
BEGIN IMMEDIATE. The agent who has been waiting longest is picked first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Update, and_, case, func, literal, or_, select, update
from sqlalchemy.orm import Session

from dialer.agents.line import room_name
from dialer.db.models import ContactAttempt, User
from dialer.vocabulary import AgentAvailability, Language, LineState, Role


@dataclass(frozen=True, slots=True)
class ReservedAgent:
    id: int
    phone_e164: str
    language: Language
    display_name: str
    room: str | None = None  # their line's conference room, when the line is connected


def free_agents(session: Session) -> int:
    """Agents who could take a bridged call now (available, active, with a phone)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.availability == AgentAvailability.AVAILABLE,
                User.is_active.is_(True),
                User.phone_e164.is_not(None),
            )
        )
        or 0
    )


def agents_who_can_take_calls(session: Session) -> int:
    """Active users with a phone and the agent role (whatever their availability now)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.role == Role.AGENT,
                User.is_active.is_(True),
                User.phone_e164.is_not(None),
            )
        )
        or 0
    )


def reserve_agent(
    session: Session, *, attempt_id: int, now: datetime, language: Language | None = None
) -> ReservedAgent | None:
    """Mark one available agent on_call for this attempt; None when nobody is free. An agent
    who speaks the consumer's `language` (their profile's spoken languages) goes first, then
    whoever has waited longest."""
    speaks = case((speaks_language(language), 0), else_=1) if language else literal(0)
    candidate = (
        select(User.id)
        .where(
            User.availability == AgentAvailability.AVAILABLE,
            User.is_active.is_(True),
            User.phone_e164.is_not(None),
        )
        .order_by(speaks, User.availability_changed_at.asc().nulls_first(), User.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = (
        update(User)
        .where(User.id == candidate, User.availability == AgentAvailability.AVAILABLE)
        .values(
            availability=AgentAvailability.ON_CALL,
            current_attempt_id=attempt_id,
            availability_changed_at=now,
        )
        .returning(User.id, User.phone_e164, User.language, User.display_name, User.line_state)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).first()
    if row is None:
        return None
    return ReservedAgent(
        id=row.id,
        phone_e164=row.phone_e164,
        language=Language(row.language),
        display_name=row.display_name,
        room=room_name(row.id) if row.line_state == LineState.CONNECTED else None,
    )


def speaks_language(language: Language) -> ColumnElement[bool]:
    """The agent speaks `language`: one of their spoken languages ("en,es"), or, when they
    listed none, their console language."""
    return or_(
        User.languages.contains(language.value),
        and_(User.languages == "", User.language == language.value),
    )


def agent_for_attempt(session: Session, attempt_id: int) -> User | None:
    return session.scalar(select(User).where(User.current_attempt_id == attempt_id))


def release_agent(
    session: Session,
    *,
    attempt_id: int,
    now: datetime,
    to: AgentAvailability | None = None,
) -> int | None:
    """The call ended: the agent reserved for it goes to `to` (by default wrap-up after an
    answered call, available after an unanswered one)."""
    statement = (
        release_statement(attempt_id, now=now, to=to)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    released: int | None = session.execute(statement).scalar_one_or_none()
    return released


def release_statement(
    attempt_id: int | ColumnElement[int],
    *,
    now: datetime | ColumnElement[datetime],
    to: AgentAvailability | None = None,
) -> Update:
    """The UPDATE that frees the agent bridged to `attempt_id` (also in a batched status write).

    `to` None: wrap-up after a call that was answered, available again after one that never
    was (a progressive call reserves its agent before the consumer's phone rings)."""
    availability: str | ColumnElement[str] = to.value if to is not None else _after_call(attempt_id)
    return (
        update(User)
        .where(User.current_attempt_id == attempt_id)
        .values(availability=availability, current_attempt_id=None, availability_changed_at=now)
    )


def _after_call(attempt_id: int | ColumnElement[int]) -> ColumnElement[str]:
    """Wrap-up only after an answered call whose disposition is still to record."""
    answered = (
        select(ContactAttempt.id)
        .where(
            ContactAttempt.id == attempt_id,
            ContactAttempt.answered_at.is_not(None),
            ContactAttempt.disposition.is_(None),
        )
        .exists()
    )
    return case(
        (answered, AgentAvailability.WRAP_UP.value), else_=AgentAvailability.AVAILABLE.value
    )
