"""One call status callback as a row of a batch (see `status_batch`): the attempt's row read
as a plain copy, the status machine run on it, and the batch row (JSON) of the columns it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, Text, column
from sqlalchemy.dialects import postgresql

from dialer.attempts import parse_call_status
from dialer.callbacks.calls import advance_call, ended_detail, ended_summary
from dialer.callbacks.events import CallStatusEvent
from dialer.db.base import Base
from dialer.db.models import ContactAttempt
from dialer.ledger.store import IncomingEvent, stored_key
from dialer.vocabulary import AttemptStatus

# What the machine changes (`calls.advance_call` and the SID binding of `case.load_attempt`).
WRITTEN = (
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
    callback_requested: bool
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


READ = tuple(f.name for f in fields(CallRow))


def can_batch(status: CallStatusEvent) -> bool:
    """Whether this callback can go into a batch (else only the ordinary path takes it)."""
    return status.attempt_id is not None and parse_call_status(status.status) is not None


def batch_row(
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
    for name in WRITTEN:
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


def batch_columns() -> list[Any]:
    """The batch row's columns, as the write statement reads them from its JSON."""
    a = Base.metadata.tables[ContactAttempt.__tablename__].c
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
    found += [column(f"a_{name}", a[name].type) for name in WRITTEN]
    return found
