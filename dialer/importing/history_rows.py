"""The history CSV (contacts made before this system took over): columns and row validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from dialer.importing import reference
from dialer.importing.fields import (
    Cells,
    FieldError,
    RowIssue,
    parse_bool,
    parse_enum,
    parse_instant,
    parse_text,
)
from dialer.vocabulary import (
    CALL_OUTCOMES,
    SMS_OUTCOMES,
    AttemptStatus,
    Channel,
    ContactMode,
    Direction,
    Outcome,
)

_T = TypeVar("_T")
HISTORY_REQUIRED = ("debt_ref", "at", "channel")
HISTORY_OPTIONAL = (
    "direction",
    "to",
    "from",
    "outcome",
    "callback_requested",
    "body",
    "mode",
    "callback_at",  # when the consumer asked to be called back (implies callback_requested)
)
HISTORY_COLUMNS = HISTORY_REQUIRED + HISTORY_OPTIONAL
_CALL_STATUS = {
    Outcome.CONVERSATION: AttemptStatus.COMPLETED,
    Outcome.WRONG_PARTY: AttemptStatus.COMPLETED,
    Outcome.VOICEMAIL: AttemptStatus.COMPLETED,
    Outcome.NO_ANSWER: AttemptStatus.NO_ANSWER,
    Outcome.BUSY: AttemptStatus.BUSY,
    Outcome.FAILED: AttemptStatus.FAILED,
    Outcome.CANCELED: AttemptStatus.CANCELED,
}
_SMS_STATUS = {
    Outcome.SENT: AttemptStatus.SENT,
    Outcome.DELIVERED: AttemptStatus.DELIVERED,
    Outcome.UNDELIVERED: AttemptStatus.UNDELIVERED,
    Outcome.FAILED: AttemptStatus.FAILED,
}


@dataclass(frozen=True, slots=True)
class HistoryRow:
    line: int
    debt_ref: str
    at: datetime
    channel: Channel
    direction: Direction
    consumer_number: str  # `to` of an outbound contact, `from` of an inbound one
    our_number: str | None
    outcome: Outcome
    status: AttemptStatus
    mode: ContactMode
    callback_requested: bool
    body: str | None
    callback_at: datetime | None = None

    @property
    def external_key(self) -> str:
        """Stable across re-imports of the same row, so a second import adds nothing."""
        moment = self.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            f"history:{self.debt_ref}:{moment}:{self.channel}:{self.direction}:"
            f"{self.consumer_number}"
        )


def validate_history_row(
    line: int, cells: Mapping[str, str]
) -> tuple[HistoryRow | None, list[RowIssue]]:
    """Check one row of the history CSV; every problem names its line and column."""
    c = Cells(line, cells)
    debt_ref = c.take("debt_ref", lambda t: parse_text(t, max_length=64, required=True))
    at = c.take("at", parse_instant)
    channel = c.take("channel", lambda t: parse_enum(t, Channel) if t else _required(Channel))
    direction = c.take("direction", lambda t: parse_enum(t, Direction, default=Direction.OUTBOUND))
    mode = c.take("mode", lambda t: parse_enum(t, ContactMode, default=ContactMode.AUTOMATED))
    callback = c.take("callback_requested", parse_bool)
    callback_at = c.take("callback_at", lambda t: parse_instant(t) if t.strip() else None)
    if callback_at is not None and at is not None and callback_at <= at:
        c.errors.append(
            RowIssue(line, "callback_at", "must be after the contact's time (column at)")
        )
    inbound = direction is Direction.INBOUND
    ours_column, theirs_column = ("to", "from") if inbound else ("from", "to")
    theirs = c.take(theirs_column, lambda t: _phone(t) if t else _required(str))
    ours = c.take(ours_column, lambda t: _phone(t) if t else None)
    outcome = c.take("outcome", lambda t: _outcome(t, channel, direction))
    if (
        c.errors
        or debt_ref is None
        or at is None
        or channel is None
        or direction is None
        or mode is None
        or callback is None
        or theirs is None
        or outcome is None
    ):
        return None, c.errors
    row = HistoryRow(
        line=line,
        debt_ref=debt_ref,
        at=at,
        channel=channel,
        direction=direction,
        consumer_number=theirs,
        our_number=ours,
        outcome=outcome,
        status=_status(channel, direction, outcome),
        mode=mode,
        callback_requested=callback or callback_at is not None,
        body=c.raw("body") or None,
        callback_at=callback_at,
    )
    return row, c.errors


def _phone(text: str) -> str:
    """Numbers without a country code are read as US numbers (write others as +86...)."""
    return reference.parse_phone(text, "US")


def _required(kind: type[_T]) -> _T:
    msg = "is required"
    raise FieldError(msg)


def _outcome(text: str, channel: Channel | None, direction: Direction | None) -> Outcome | None:
    if channel is None or direction is None:
        return None  # already reported on its own column
    if direction is Direction.INBOUND and channel is Channel.SMS:
        if text and text.lower() != Outcome.RECEIVED:
            msg = f"an inbound SMS has outcome 'received' or none, got {text!r}"
            raise FieldError(msg)
        return Outcome.RECEIVED
    if not text and direction is Direction.INBOUND:
        return Outcome.CONVERSATION
    allowed = CALL_OUTCOMES if channel is Channel.CALL else SMS_OUTCOMES
    lowered = text.lower()
    if lowered not in allowed:
        names = ", ".join(sorted(allowed))
        msg = (
            f"unknown {channel} outcome {text!r} (expected one of: {names})"
            if text
            else (f"is required for an outbound {channel} (one of: {names})")
        )
        raise FieldError(msg)
    return Outcome(lowered)


def _status(channel: Channel, direction: Direction, outcome: Outcome) -> AttemptStatus:
    if channel is Channel.SMS and direction is Direction.INBOUND:
        return AttemptStatus.RECEIVED
    return (_CALL_STATUS if channel is Channel.CALL else _SMS_STATUS)[outcome]
