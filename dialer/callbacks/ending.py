"""A call that ended (completed, busy, no answer, failed, canceled) in one short transaction.

Also any other call status callback that `progress` cannot apply in one statement (a late
`ringing` for a call that is over already, whose outcome may need recomputing).

The ORM path (`calls.apply_call_status_event` through `ledger.ingest`) needs eight round trips
for the last callback of a call. On PostgreSQL this path needs four (BEGIN, lock, one write,
COMMIT) and does exactly the same:

1. Lock the attempt FOR NO KEY UPDATE and read the columns the status machine needs: the
   first lock every callback takes (`dialer.ledger.store.lock_attempt`).
2. Compute the attempt's new columns with the machine's own code (`calls.advance_call`, what
   the ORM path runs) on a plain copy of the row.
3. ONE statement stores the ledger row and, only when it is new, writes the attempt and, when
   this callback ended the call, appends the timeline line, releases the agent and makes the
   debt due. Each CTE waits for the row of the one before, so the locks are taken in the
   ORM path's order: ledger row, attempt, consumer and debt (KEY SHARE, what the case event's
   foreign keys take; taken explicitly because foreign keys are checked only at the end of
   a statement), the agent, then the debt row.

Both statements are compiled once and run on the driver's connection (`DriverStatement`).

A duplicate changes nothing: the ledger insert finds its key and every later CTE sees no row.
Anything unusual (no such attempt, another call's SID, a status the machine does not know, a
database error) returns None with nothing written, and the ordinary path takes the callback
(keeping it with its error when it cannot be applied there either).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Dialect, Engine, Select, bindparam, exists, func, literal, select

from dialer.agents import release_statement
from dialer.attempts import parse_call_status
from dialer.callbacks.calls import CALL_ENDED, advance_call, ended_detail, ended_summary
from dialer.callbacks.events import CallStatusEvent
from dialer.callbacks.progress import Progress
from dialer.callbacks.replanning import debt_due_now
from dialer.db.base import Base
from dialer.db.engine import DriverError, DriverStatement, driver_connection
from dialer.db.models import CaseEvent, Consumer, ContactAttempt, Debt, User
from dialer.ledger.store import IncomingEvent, stored_event_cte, stored_event_params
from dialer.vocabulary import AttemptStatus

_ATTEMPTS = Base.metadata.tables[ContactAttempt.__tablename__]
_CASE_EVENTS = Base.metadata.tables[CaseEvent.__tablename__]
_CONSUMERS = Base.metadata.tables[Consumer.__tablename__]
_DEBTS = Base.metadata.tables[Debt.__tablename__]

# What the machine changes (`calls.advance_call` and the SID binding of `case.load_attempt`).
_WRITTEN = (
    "status",
    "provider_sid",
    "outcome",
    "answered_by",
    "last_sequence",
    "answered_at",
    "ended_at",
    "duration_seconds",
    "sip_response_code",
    "error_code",
)


@dataclass(slots=True)
class EndingCall:
    """A plain copy of the locked attempt row; `advance_call` works on it like on the ORM one."""

    id: int
    consumer_id: int
    debt_id: int | None
    identity_confirmed: bool
    status: str
    provider_sid: str | None
    outcome: str | None
    answered_by: str | None
    last_sequence: int | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    sip_response_code: int | None
    error_code: int | None


_READ = tuple(column.name for column in fields(EndingCall))  # the row, in the class's order
_LOCK = (
    select(*(_ATTEMPTS.c[name] for name in _READ))
    .where(_ATTEMPTS.c.id == bindparam("p_attempt_id"))
    .with_for_update(key_share=True)
)


def reported_status(event: CallStatusEvent) -> AttemptStatus | None:
    """The reported status when this path can take the callback, else None."""
    if event.attempt_id is None:
        return None
    return parse_call_status(event.status)


def apply_ending(
    engine: Engine, event: IncomingEvent, status: CallStatusEvent, *, now: datetime
) -> Progress | None:
    """Store and apply a call status callback; None when the ordinary path must take it."""
    if reported_status(status) is None or engine.dialect.name != "postgresql":
        return None
    try:
        with driver_connection(engine) as driver:
            applied = _apply(driver, event, status, now=now, dialect=engine.dialect)
            if applied is not None:
                driver.commit()
            return applied  # None: rolled back, nothing was stored
    except DriverError:
        return None  # rolled back as a whole: nothing was stored


def _apply(
    driver: Any,  # noqa: ANN401 - the DBAPI connection
    event: IncomingEvent,
    status: CallStatusEvent,
    *,
    now: datetime,
    dialect: Dialect,
) -> Progress | None:
    row = _lock(dialect).execute(driver, {"p_attempt_id": status.attempt_id})
    if row is None:
        return None
    call = EndingCall(**dict(zip(_READ, row, strict=True)))
    if status.call_sid and call.provider_sid not in (None, status.call_sid):
        return None  # another call's callback: the ordinary path keeps it with its error
    call.provider_sid = call.provider_sid or status.call_sid or None
    try:
        ended = advance_call(call, status, now=now)
    except (KeyError, ValueError):  # a status the machine does not rank
        return None
    params = {
        **stored_event_params(event, now=now),
        **{f"a_{name}": getattr(call, name) for name in _WRITTEN},
    }
    if ended:
        params |= _ended_params(call)
    written = _compiled(ended=ended, debt=call.debt_id is not None, dialect=dialect)
    stored = written.execute(driver, params)
    assert stored is not None
    return Progress.DUPLICATE if stored[0] is None else Progress.APPLIED


@cache
def _lock(dialect: Dialect) -> DriverStatement:
    return DriverStatement(_LOCK, dialect)


@cache
def _compiled(*, ended: bool, debt: bool, dialect: Dialect) -> DriverStatement:
    return DriverStatement(_statement(ended=ended, debt=debt), dialect)


def compiled_count() -> int:
    """Statements compiled so far in this process (all dialects)."""
    return _compiled.cache_info().currsize


def compile_all(dialect: Dialect) -> int:
    """Compile the lock and every variant of the write now (a worker's start)."""
    _lock(dialect)
    for ended in (True, False):
        for debt in (True, False):
            _compiled(ended=ended, debt=debt, dialect=dialect)
    return 5


def _ended_params(call: EndingCall) -> dict[str, Any]:
    return {
        "e_consumer_id": call.consumer_id,
        "e_debt_id": call.debt_id,
        "e_summary": ended_summary(call),
        "e_detail": ended_detail(call),
    }


@cache
def _statement(*, ended: bool, debt: bool) -> Select[Any]:
    attempts = _ATTEMPTS
    now = bindparam("p_now", type_=attempts.c.updated_at.type)
    stored = stored_event_cte()
    values: dict[str, Any] = {
        name: bindparam(f"a_{name}", type_=attempts.c[name].type) for name in _WRITTEN
    }
    values["updated_at"] = now
    moved = (
        attempts.update()
        .where(attempts.c.id == bindparam("p_attempt_id"), exists(select(stored.c.id)))
        .values(values)
        .returning(attempts.c.id)
        .cte("moved")
    )
    statement = select(select(stored.c.id).scalar_subquery().label("event_id"))
    if ended:
        statement = statement.add_columns(_ended_writes(moved, now=now, debt=debt))
    else:
        statement = statement.add_columns(select(moved.c.id).scalar_subquery())
    return statement


def _ended_writes(moved: Any, *, now: Any, debt: bool) -> Any:  # noqa: ANN401 - SQL elements
    """The timeline line, the agent's release and the debt's replanning, chained after `moved`."""
    consumer_id = bindparam("e_consumer_id", type_=_CASE_EVENTS.c.consumer_id.type)
    debt_id = bindparam("e_debt_id", type_=_CASE_EVENTS.c.debt_id.type)
    keyed = [_key_share(_CONSUMERS, consumer_id, after=moved, name="consumer_keyed")]
    if debt:
        keyed.append(_key_share(_DEBTS, debt_id, after=moved, name="debt_keyed"))
    row = select(
        consumer_id,
        debt_id,
        moved.c.id,
        now,
        literal(CALL_ENDED, _CASE_EVENTS.c.kind.type),
        bindparam("e_summary", type_=_CASE_EVENTS.c.summary.type),
        bindparam("e_detail", type_=_CASE_EVENTS.c.detail.type),
        literal("system", _CASE_EVENTS.c.actor.type),
    ).where(*(exists(select(lock.c.id)) for lock in keyed))
    columns = ("consumer_id", "debt_id", "attempt_id", "at", "kind", "summary", "detail", "actor")
    noted = (
        _CASE_EVENTS.insert().from_select(columns, row).returning(_CASE_EVENTS.c.id).cte("noted")
    )
    released = (
        release_statement(bindparam("p_attempt_id"), now=now)
        .where(exists(select(noted.c.id)))
        .returning(User.id)
        .cte("released")
    )
    released_count = select(func.count()).select_from(released).scalar_subquery()
    if not debt:
        return released_count
    replanned = (
        debt_due_now(debt_id, now)
        .where(exists(select(noted.c.id)), released_count >= 0)
        .returning(Debt.id)
        .cte("replanned")
    )
    return select(func.count()).select_from(replanned).scalar_subquery()


def _key_share(table: Any, key: Any, *, after: Any, name: str) -> Any:  # noqa: ANN401
    """FOR KEY SHARE on the row `key`, once `after` has its row (a duplicate locks nothing)."""
    found = select(table.c.id).where(table.c.id == key, exists(select(after.c.id)))
    return found.with_for_update(read=True, key_share=True).cte(name)
