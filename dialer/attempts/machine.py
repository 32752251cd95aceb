"""The attempt state machine: statuses only move forward and terminal states are final.

Twilio's callbacks arrive duplicated and out of order; applying them through these pure
functions makes the result independent of the order they arrived in.
"""

from __future__ import annotations

from dialer.vocabulary import TERMINAL_STATUSES, AttemptStatus

TWILIO_CALL_STATUSES: dict[str, AttemptStatus] = {
    "queued": AttemptStatus.QUEUED,
    "initiated": AttemptStatus.INITIATED,
    "ringing": AttemptStatus.RINGING,
    "in-progress": AttemptStatus.IN_PROGRESS,
    "answered": AttemptStatus.IN_PROGRESS,
    "completed": AttemptStatus.COMPLETED,
    "busy": AttemptStatus.BUSY,
    "no-answer": AttemptStatus.NO_ANSWER,
    "failed": AttemptStatus.FAILED,
    "canceled": AttemptStatus.CANCELED,
}
TWILIO_SMS_STATUSES: dict[str, AttemptStatus] = {
    "accepted": AttemptStatus.QUEUED,
    "scheduled": AttemptStatus.QUEUED,
    "queued": AttemptStatus.QUEUED,
    "sending": AttemptStatus.SENDING,
    "sent": AttemptStatus.SENT,
    "delivered": AttemptStatus.DELIVERED,
    "read": AttemptStatus.DELIVERED,
    "undelivered": AttemptStatus.UNDELIVERED,
    "failed": AttemptStatus.FAILED,
    "canceled": AttemptStatus.CANCELED,
}

_RANK: dict[AttemptStatus, int] = {
    AttemptStatus.RESERVED: 0,
    AttemptStatus.DIALING: 1,
    AttemptStatus.QUEUED: 2,
    AttemptStatus.INITIATED: 3,
    AttemptStatus.SENDING: 3,
    AttemptStatus.RINGING: 4,
    AttemptStatus.SENT: 4,
    AttemptStatus.IN_PROGRESS: 5,
}
_TERMINAL_RANK = 9


def rank(status: AttemptStatus) -> int:
    return _TERMINAL_RANK if status in TERMINAL_STATUSES else _RANK[status]


def is_terminal(status: AttemptStatus) -> bool:
    return status in TERMINAL_STATUSES


def advance(current: AttemptStatus, reported: AttemptStatus) -> AttemptStatus:
    """The new status: `reported` if it is further along than `current`, else `current`."""
    if is_terminal(current):
        return current
    return reported if rank(reported) > rank(current) else current


def parse_call_status(value: str) -> AttemptStatus | None:
    return TWILIO_CALL_STATUSES.get(value.strip().lower())


def parse_sms_status(value: str) -> AttemptStatus | None:
    return TWILIO_SMS_STATUSES.get(value.strip().lower())


def apply_call_status(current: AttemptStatus, reported: str) -> AttemptStatus:
    """Apply a Twilio CallStatus; an unknown value leaves the attempt unchanged."""
    parsed = parse_call_status(reported)
    return current if parsed is None else advance(current, parsed)


def apply_sms_status(current: AttemptStatus, reported: str) -> AttemptStatus:
    """Apply a Twilio MessageStatus; an unknown value leaves the attempt unchanged."""
    parsed = parse_sms_status(reported)
    return current if parsed is None else advance(current, parsed)


# Before the provider has the attempt (dispatch and the reconciler write these, not callbacks):
# reserved -> dialing (the create is in flight) -> queued (the provider gave its SID); reserved
# or dialing -> not_placed (nothing was sent: released by us, or refused by the provider); an
# attempt we released comes back to dialing when the provider reports it after all (revived).
MAY_START_DIALING = frozenset({AttemptStatus.RESERVED})
NOT_YET_PLACED = frozenset({AttemptStatus.RESERVED, AttemptStatus.DIALING})


def start_dialing(current: AttemptStatus) -> AttemptStatus | None:
    """reserved -> dialing, right before the create; None: it may not start (released)."""
    return AttemptStatus.DIALING if current in MAY_START_DIALING else None


def provider_accepted(current: AttemptStatus) -> AttemptStatus:
    """The provider has it (its SID came back, or the reconciler found it): queued, unless a
    callback already moved the attempt further."""
    return advance(current, AttemptStatus.QUEUED)


def release(current: AttemptStatus) -> AttemptStatus | None:
    """Nothing was sent: reserved or dialing -> not_placed; None when the attempt is past that
    (a callback moved it on, or it was released already: a second release must change nothing)."""
    return AttemptStatus.NOT_PLACED if current in NOT_YET_PLACED else None


def refuse(current: AttemptStatus) -> AttemptStatus | None:
    """The provider refused the create: not_placed (also over our own release, since the
    provider's word is final); None when a callback moved the attempt on."""
    if current in NOT_YET_PLACED or current is AttemptStatus.NOT_PLACED:
        return AttemptStatus.NOT_PLACED
    return None


def revive(current: AttemptStatus, *, released: bool) -> AttemptStatus | None:
    """An attempt we released as never sent, that the provider reports after all: back to
    dialing so the callbacks advance it; None for anything else (a refusal stays)."""
    return AttemptStatus.DIALING if current is AttemptStatus.NOT_PLACED and released else None
