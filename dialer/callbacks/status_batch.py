"""Call status callbacks stored and applied in batches (PostgreSQL): two statements a batch.

Call status callbacks are most of Twilio's traffic (four or more a call). The web process
hands the ones that arrive together to `GroupCommit`, which gives them to `apply_batch`:

1. ONE read of every attempt the batch is about, with its row version (`xmin`). No lock.
2. The status machine's own code (`calls.advance_call`, what the ORM path runs) computes each
   attempt's new columns on a plain copy of its row; the ledger row, the timeline line of a
   call that ended and the agent's release and debt's replanning follow from it.
3. ONE statement (one implicit transaction, one commit) writes the whole batch: it locks the
   attempts in id order, only those whose row version is still the one read and that no
   other transaction holds (SKIP LOCKED: the batch never waits behind, say, the reconciler
   asking Twilio about a call, and the callbacks behind it in the queue neither); stores the
   ledger rows of those callbacks (a dedupe key already stored is a duplicate and changes
   nothing); writes each attempt whose callback was new; appends the timeline lines,
   releases the agents and makes due every debt the calls that ended covered.

A batch holds at most one callback per attempt (`GroupCommit`'s key), so each attempt's new
columns depend on its row and one callback only. A callback whose attempt changed between the
read and the write or is locked by another transaction, whose attempt does not exist or
belongs to another call SID, or whose status the machine does not rank gets `None` with
nothing written: the caller then takes the ordinary path (`ledger.ingest`), which applies it
(waiting for the lock if need be), or stores it with its error. A batch that fails as a
whole (a deadlock, a lost connection) is rolled back and every callback of it goes that way
too.

Lock order, as on the ORM path: attempts (ascending ids), ledger rows, case events (and the
KEY SHARE their foreign keys take), agents, debts.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Dialect,
    Engine,
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    union,
)
from sqlalchemy.dialects import postgresql

from dialer.agents.pool import release_statement
from dialer.attempts import parse_call_status
from dialer.callbacks.calls import (
    CALL_ENDED,
    advance_call,
    count_ended,
    ended_detail,
    ended_summary,
)
from dialer.callbacks.events import CallStatusEvent
from dialer.callbacks.replanning import debt_due_now
from dialer.db.base import Base
from dialer.db.engine import DriverStatement, HeldConnection
from dialer.db.models import AttemptDebt, CaseEvent, ContactAttempt, Debt, ProviderEvent
from dialer.ledger.ingest import APPLIED, DUPLICATE, count_event
from dialer.ledger.store import IncomingEvent, stored_key
from dialer.observability import metrics
from dialer.vocabulary import AttemptStatus

_ATTEMPTS = Base.metadata.tables[ContactAttempt.__tablename__]
_CASE_EVENTS = Base.metadata.tables[CaseEvent.__tablename__]
_ATTEMPT_DEBTS = Base.metadata.tables[AttemptDebt.__tablename__]
_EVENTS = Base.metadata.tables[ProviderEvent.__tablename__]

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
_STORED_COLUMNS = (
    "dedupe_key",
    "kind",
    "provider_sid",
    "payload",
    "received_at",
    "applied_at",
    "attempt_id",
)


class Applied(StrEnum):
    APPLIED = APPLIED
    DUPLICATE = DUPLICATE


@dataclass(frozen=True, slots=True)
class StatusCallback:
    """One call status callback as the webhook received it, and when."""

    event: IncomingEvent
    status: CallStatusEvent
    now: datetime

    @property
    def attempt_id(self) -> int | None:
        return self.status.attempt_id


@dataclass(slots=True)
class CallRow:
    """A plain copy of the attempt row; `advance_call` works on it like on the ORM one."""

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


_READ = tuple(f.name for f in fields(CallRow))


def can_batch(status: CallStatusEvent) -> bool:
    """Whether this callback can go into a batch (else only the ordinary path takes it)."""
    return status.attempt_id is not None and parse_call_status(status.status) is not None


def apply_batch(
    engine: Engine,
    callbacks: Sequence[StatusCallback],
    *,
    connection: HeldConnection | None = None,
) -> list[Applied | None]:
    """Store and apply the batch (at most one callback per attempt); None: the ordinary path.

    `connection`: the writer's own connection (one batch at a time); else one for this batch.
    """
    results: list[Applied | None] = [None] * len(callbacks)
    if engine.dialect.name != "postgresql" or not callbacks:
        return results
    if connection is None:
        with closing(HeldConnection(engine)) as once:
            return apply_batch(engine, callbacks, connection=once)
    metrics.CALL_STATUS_BATCH.observe(len(callbacks))
    ids = sorted({c.attempt_id for c in callbacks if c.attempt_id is not None})
    with connection.autocommit() as driver:
        read = _read(engine.dialect).execute_all(driver, {"p_ids": ids})
        rows = {row[1]: (row[0], CallRow(*row[1:])) for row in read}
        items: list[dict[str, Any]] = []
        ended: dict[int, CallRow] = {}
        for index, callback in enumerate(callbacks):
            found = rows.get(callback.attempt_id)
            item = _item(index, callback, found)
            if item is not None:
                items.append(item)
                if item["ended"] and found is not None:
                    ended[index] = found[1]
        if not items:
            return results
        written = _write(engine.dialect).execute_all(driver, {"p_batch": items})
    for index, event_id, locked, _ in written:
        if locked:
            results[index] = Applied.DUPLICATE if event_id is None else Applied.APPLIED
            count_event(callbacks[index].event.kind, results[index])
        if results[index] is Applied.APPLIED and index in ended:
            count_ended(ended[index])
    return results


def _item(
    index: int, callback: StatusCallback, found: tuple[str, CallRow] | None
) -> dict[str, Any] | None:
    """The batch row of one callback (JSON), or None when the ordinary path must take it."""
    if found is None:
        return None
    version, call = found
    status, event = callback.status, callback.event
    if status.call_sid and call.provider_sid not in (None, status.call_sid):
        return None  # another call's callback: the ordinary path keeps it with its error
    if call.status == AttemptStatus.NOT_PLACED.value:
        return None  # released as never sent: the ordinary path revives it
    call.provider_sid = call.provider_sid or status.call_sid or None
    try:
        ended = advance_call(call, status, now=callback.now)
    except (KeyError, ValueError):  # a status the machine does not rank
        return None
    item: dict[str, Any] = {
        "idx": index,
        "attempt_id": call.id,
        "row_version": version,
        "dedupe_key": stored_key(event.dedupe_key),
        "kind": event.kind,
        "event_sid": event.provider_sid,
        "payload": event.payload,
        "now": callback.now.isoformat(),
        "ended": ended,
    }
    for name in _WRITTEN:
        value = getattr(call, name)
        item[f"a_{name}"] = value.isoformat() if isinstance(value, datetime) else value
    if ended:
        item |= {
            "consumer_id": call.consumer_id,
            "debt_id": call.debt_id,
            "summary": ended_summary(call),
            "detail": ended_detail(call),
        }
    return item


@cache
def _read(dialect: Dialect) -> DriverStatement:
    version = literal_column(f"{_ATTEMPTS.name}.xmin::text", Text)
    ids = bindparam("p_ids", type_=postgresql.ARRAY(Integer))
    statement = select(version, *(_ATTEMPTS.c[name] for name in _READ)).where(
        _ATTEMPTS.c.id == any_(ids)
    )
    return DriverStatement(statement, dialect)


@cache
def _write(dialect: Dialect) -> DriverStatement:
    return DriverStatement(_write_statement(), dialect)


def compile_all(dialect: Dialect) -> int:
    """Compile both statements now (a worker's start), not on a first callback."""
    _read(dialect)
    _write(dialect)
    return 2


def compiled_count() -> int:
    """Statements compiled so far in this process (all dialects)."""
    return _read.cache_info().currsize + _write.cache_info().currsize


def _batch_columns() -> list[Any]:
    a = _ATTEMPTS.c
    found: list[Any] = [
        column("idx", Integer),
        column("attempt_id", Integer),
        column("row_version", Text),
        column("dedupe_key", Text),
        column("kind", Text),
        column("event_sid", Text),
        column("payload", postgresql.JSONB),
        column("now", DateTime(timezone=True)),
        column("ended", Boolean),
        column("consumer_id", Integer),
        column("debt_id", Integer),
        column("summary", Text),
        column("detail", postgresql.JSONB),
    ]
    found += [column(f"a_{name}", a[name].type) for name in _WRITTEN]
    return found


def _write_statement() -> Select[Any]:
    batch = (
        func.jsonb_to_recordset(bindparam("p_batch", type_=postgresql.JSONB))
        .table_valued(*_batch_columns())
        .render_derived(name="batch_row", with_types=True)
    )
    item = select(batch).cte("item")
    attempts = _ATTEMPTS
    version = literal_column(f"{attempts.name}.xmin::text", Text)
    # The attempts and debts are found by their ids (index scans whatever the statistics
    # say), then matched with the batch's rows. The ids come from the batch itself: with no
    # other parameter, every execution can use the one generic plan (planning this statement
    # costs more than running it).
    in_batch = attempts.c.id == any_(_ids(item.c.attempt_id))
    read_version = select(item.c.row_version).where(item.c.attempt_id == attempts.c.id)
    locked = (
        select(attempts.c.id)
        .where(in_batch, version == read_version.scalar_subquery())
        .order_by(attempts.c.id)
        .with_for_update(of=attempts, key_share=True, skip_locked=True)
        .cte("locked")
    )
    stored = (
        postgresql.insert(_EVENTS)
        .from_select(
            _STORED_COLUMNS,
            select(
                item.c.dedupe_key,
                item.c.kind,
                item.c.event_sid,
                item.c.payload,
                item.c.now,
                item.c.now,
                item.c.attempt_id,
            )
            .where(item.c.attempt_id.in_(select(locked.c.id)))
            .order_by(item.c.attempt_id),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_EVENTS.c.id, _EVENTS.c.dedupe_key)
        .cte("stored")
    )
    new = item.c.dedupe_key.in_(select(stored.c.dedupe_key))
    values: dict[str, Any] = {name: item.c[f"a_{name}"] for name in _WRITTEN}
    values["updated_at"] = item.c.now
    moved = (
        attempts.update()
        .where(in_batch, attempts.c.id == item.c.attempt_id, new)
        .values(values)
        .returning(attempts.c.id)
        .cte("moved")
    )
    ended = item.c.ended.is_(True) & item.c.attempt_id.in_(select(moved.c.id))
    noted = _timeline(item, ended)
    after_noted = item.c.attempt_id.in_(select(noted.c.attempt_id))
    released = (
        release_statement(item.c.attempt_id, now=item.c.now)
        .where(after_noted)
        .returning(literal(1).label("one"))
        .cte("released")
    )
    released_count = select(func.count()).select_from(released).scalar_subquery()
    covered = _covered(item, after_noted)
    debts_in_batch = Debt.id == any_(_ids(covered.c.debt_id))
    replanned = (
        debt_due_now(covered.c.debt_id, covered.c.now)
        .where(debts_in_batch, released_count >= 0)
        .returning(literal(1).label("one"))
        .cte("replanned")
    )
    replanned_count = select(func.count()).select_from(replanned).scalar_subquery()
    is_locked: ColumnElement[bool] = item.c.attempt_id.in_(select(locked.c.id))
    return (
        select(item.c.idx, stored.c.id, is_locked, replanned_count)
        .select_from(item.outerjoin(stored, stored.c.dedupe_key == item.c.dedupe_key))
        .order_by(item.c.idx)
    )


def _covered(item: Any, after_noted: ColumnElement[bool]) -> Any:  # noqa: ANN401 - SQL
    """Every debt a call this batch ended was about, with the batch's time: its own debt and
    each one in `attempt_debts` (found by the primary key's attempt prefix), so a call that
    covered several debts of the person replans them all in this same statement."""
    own = select(item.c.debt_id.label("debt_id"), item.c.now.label("now")).where(
        after_noted, item.c.debt_id.is_not(None)
    )
    shared = (
        select(_ATTEMPT_DEBTS.c.debt_id, item.c.now)
        .select_from(item.join(_ATTEMPT_DEBTS, _ATTEMPT_DEBTS.c.attempt_id == item.c.attempt_id))
        .where(after_noted)
    )
    return union(own, shared).cte("covered")


def _ids(ids: ColumnElement[int]) -> Any:  # noqa: ANN401 - an SQL element
    """The ids as one array value (`= ANY (SELECT ...)` would be a semi-join instead)."""
    return cast(select(func.array_agg(ids)).scalar_subquery(), postgresql.ARRAY(Integer))


def _timeline(item: Any, ended: ColumnElement[bool]) -> Any:  # noqa: ANN401 - SQL elements
    """The `call_ended` timeline line of every call this batch ended."""
    rows = select(
        item.c.consumer_id,
        item.c.debt_id,
        item.c.attempt_id,
        item.c.now,
        literal(CALL_ENDED, _CASE_EVENTS.c.kind.type),
        item.c.summary,
        item.c.detail,
        literal("system", _CASE_EVENTS.c.actor.type),
    ).where(ended)
    columns = ("consumer_id", "debt_id", "attempt_id", "at", "kind", "summary", "detail", "actor")
    return (
        _CASE_EVENTS.insert()
        .from_select(columns, rows.order_by(item.c.attempt_id))
        .returning(_CASE_EVENTS.c.attempt_id)
        .cte("noted")
    )
