"""A call that is still going (queued, initiated, ringing, in progress) in ONE statement.

Most call status callbacks only move the attempt forward. On PostgreSQL such a callback is
stored and applied by a single autocommit statement: the ledger INSERT (ON CONFLICT DO
NOTHING) and a guarded UPDATE of the attempt, both in one implicit transaction, one round
trip and one commit. The statement does exactly what `calls.apply_call_status_event` does for
a status that is not an ending, or nothing at all: when the attempt is already over (its
outcome may need recomputing), is in a state the machine does not rank, or has another call
SID, the statement raises and rolls back, and the caller takes the ordinary path (which stores
a callback that cannot be applied, with its error). The statuses a report moves past are
computed from `dialer.attempts.advance`, so the machine stays the only source of the rule.

Lock order: the ledger row's unique key, then the attempt row (the UPDATE); the foreign key's
KEY SHARE on the attempt is taken at the end of the statement, when the row lock is held.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Dialect,
    Engine,
    Integer,
    String,
    Update,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.sql import Select

from dialer.attempts import advance, is_terminal, parse_call_status, rank
from dialer.callbacks.events import CallStatusEvent
from dialer.db.base import Base
from dialer.db.engine import DriverError, DriverStatement, driver_connection
from dialer.db.models import ContactAttempt
from dialer.ledger.store import IncomingEvent, stored_event_cte, stored_event_params
from dialer.vocabulary import AttemptStatus

NOT_APPLICABLE = "call status not applicable in one statement"
_ATTEMPTS = Base.metadata.tables[ContactAttempt.__tablename__]


class Progress(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"


def _ranked_open_statuses() -> tuple[AttemptStatus, ...]:
    """The statuses the machine can move forward (not terminal, and ranked)."""
    found = []
    for status in AttemptStatus:
        try:
            rank(status)
        except KeyError:
            continue
        if not is_terminal(status):
            found.append(status)
    return tuple(found)


@cache
def _behind(reported: AttemptStatus) -> tuple[str, ...]:
    """The open statuses that `reported` moves an attempt past."""
    return tuple(
        s.value
        for s in _ranked_open_statuses()
        if s is not reported and advance(s, reported) is reported
    )


def one_statement_status(event: CallStatusEvent) -> AttemptStatus | None:
    """The reported status when this callback can be applied in one statement, else None."""
    reported = parse_call_status(event.status)
    if reported is None or is_terminal(reported) or event.attempt_id is None:
        return None
    if not _behind(reported):  # moves nothing forward (`reserved` is ours, never Twilio's)
        return None
    if event.sequence is not None and event.sequence < 0:
        return None
    return reported


def one_of(column: ColumnElement[str], values: Iterable[str]) -> ColumnElement[bool]:
    """`column IN ('a', 'b')` with the values written into the SQL, so the statement compiles
    once (a list of bound values is re-rendered on every execution)."""
    written = []
    for value in values:
        assert "'" not in value, value  # the domain's own status words
        written.append(literal_column(f"'{value}'", String))
    return column.in_(written)


@cache
def _statement(reported: AttemptStatus, *, with_sid: bool, answered_by: bool) -> Select[Any]:
    attempt = _ATTEMPTS
    ledger = stored_event_cte()
    update = _attempt_update(reported, with_sid=with_sid, answered_by=answered_by)
    update = update.where(exists(select(ledger.c.id)))
    moved = update.returning(attempt.c.id).cte("moved")
    event_id = select(ledger.c.id).scalar_subquery()
    moved_id = select(moved.c.id).scalar_subquery()
    # Stored but not applied: raise, so that the implicit transaction keeps nothing.
    refused = case((and_(event_id.is_not(None), moved_id.is_(None)), literal(NOT_APPLICABLE)))
    return select(event_id.label("event_id"), moved_id.label("attempt_id"), cast(refused, Integer))


@cache
def _compiled(
    reported: AttemptStatus, *, with_sid: bool, answered_by: bool, dialect: Dialect
) -> DriverStatement:
    statement = _statement(reported, with_sid=with_sid, answered_by=answered_by)
    return DriverStatement(statement, dialect)


def compiled_count() -> int:
    """Statements compiled so far in this process (all dialects)."""
    return _compiled.cache_info().currsize


def compile_all(dialect: Dialect) -> int:
    """Compile every variant of the statement now (a worker's start), not on a first callback."""
    count = 0
    for reported in _ranked_open_statuses():
        if not _behind(reported):
            continue
        for with_sid in (True, False):
            for answered_by in (True, False):
                _compiled(reported, with_sid=with_sid, answered_by=answered_by, dialect=dialect)
                count += 1
    return count


def _attempt_update(reported: AttemptStatus, *, with_sid: bool, answered_by: bool) -> Update:
    attempt = _ATTEMPTS
    values: dict[str, Any] = {
        "status": case(
            (one_of(attempt.c.status, _behind(reported)), literal(reported.value)),
            else_=attempt.c.status,
        ),
        "last_sequence": case(
            (bindparam("p_sequence", type_=Integer).is_(None), attempt.c.last_sequence),
            else_=func.greatest(
                func.coalesce(attempt.c.last_sequence, -1), bindparam("p_sequence", type_=Integer)
            ),
        ),
        "updated_at": bindparam("p_now", type_=attempt.c.updated_at.type),
    }
    guards = [
        attempt.c.id == bindparam("p_attempt_id"),
        one_of(attempt.c.status, [s.value for s in _ranked_open_statuses()]),
    ]
    if with_sid:
        sid = bindparam("p_sid", type_=attempt.c.provider_sid.type)
        values["provider_sid"] = func.coalesce(attempt.c.provider_sid, sid)
        guards.append(or_(attempt.c.provider_sid.is_(None), attempt.c.provider_sid == sid))
    if answered_by:
        unknown = or_(attempt.c.answered_by.is_(None), attempt.c.answered_by == "")
        values["answered_by"] = case(
            (unknown, bindparam("p_answered_by", type_=attempt.c.answered_by.type)),
            else_=attempt.c.answered_by,
        )
    if reported is AttemptStatus.IN_PROGRESS:
        at = bindparam("p_answered_at", type_=attempt.c.answered_at.type)
        values["answered_at"] = func.coalesce(attempt.c.answered_at, at)
    return attempt.update().where(*guards).values(values)


def apply_progress(
    engine: Engine, event: IncomingEvent, status: CallStatusEvent, *, now: datetime
) -> Progress | None:
    """Store and apply in one statement; None when the ordinary path must take it."""
    reported = one_statement_status(status)
    if reported is None or engine.dialect.name != "postgresql":
        return None
    statement = _compiled(
        reported,
        with_sid=bool(status.call_sid),
        answered_by=bool(status.answered_by),
        dialect=engine.dialect,
    )
    params = {
        **stored_event_params(event, now=now),
        "p_attempt_id": status.attempt_id,
        "p_sequence": status.sequence,
        "p_sid": status.call_sid or None,
        "p_answered_by": status.answered_by,
        "p_answered_at": status.timestamp or now,
    }
    try:
        with driver_connection(engine, autocommit=True) as driver:
            row = statement.execute(driver, params)
    except DriverError:
        return None  # rolled back as a whole: nothing was stored
    assert row is not None
    return Progress.DUPLICATE if row[0] is None else Progress.APPLIED
