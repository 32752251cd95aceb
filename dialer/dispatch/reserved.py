"""The reserved attempt: the one builder of the row every outbound contact starts as, and what
the placer is handed for it.

The dispatcher (`dispatch.reserve`), an agent's call by hand (`manual_call`) and the call an
agent places from preview (`preview`) all write their attempt through `reserved_attempt`, so a
field added to an outbound attempt is set in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialer.campaigns.definition import StepKind
from dialer.db.models import ContactAttempt
from dialer.vocabulary import (
    AttemptOrigin,
    AttemptStatus,
    Channel,
    ContactMode,
    Direction,
)


@dataclass(frozen=True, slots=True)
class Reservation:
    """An attempt written as `reserved`: what the placer needs, with no personal data."""

    attempt_id: int
    debt_id: int
    channel: Channel
    to: str
    from_: str
    step_kind: StepKind
    reserved_at: datetime
    body: str | None = None  # the SMS text (never logged)
    paced: bool = False  # the lane was checked when reserving (place() takes the slot)
    debt_ids: tuple[int, ...] = ()  # every debt the contact covers (the first is `debt_id`)
    # An agent's phone to ring first (a manual call or a callback): the consumer is dialled
    # from the answer TwiML once the agent picks up, so no prompt reaches the consumer.
    ring_first: str | None = None
    # The agent waits in their line's conference room (dialer.agents.line): the consumer is
    # called directly, without answering-machine detection, and joins the room on answer.
    into_room: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    reservation: Reservation | None = None
    blocked_reasons: tuple[str, ...] = ()
    planned: str | None = None  # a plan that was not a contact (wait, advance, ...)
    skipped: bool = False  # the claim was lost (someone else changed the debt)
    deferred: Channel | None = None  # the channel's lane had no slot: back in the queue
    person_busy: str | None = None  # another contact with the person or number is in flight
    step_skipped: bool = False  # the step can never be used: the debt moved to the next one


@dataclass(frozen=True, slots=True)
class Contact:
    """Who is contacted, from which number, about what: the attempt's fixed part."""

    consumer_id: int
    debt_id: int | None
    phone_id: int | None
    to: str
    sender: str
    campaign_id: int | None
    channel: Channel = Channel.CALL
    step_index: int | None = None


def reserved_attempt(
    contact: Contact,
    *,
    mode: ContactMode,
    origin: AttemptOrigin,
    now: datetime,
    decision: dict[str, Any] | None,
    agent_id: int | None = None,
    callback: bool = False,
    callback_at: datetime | None = None,
    body: str | None = None,
) -> ContactAttempt:
    """A new outbound attempt in status `reserved` at `now` (not yet added to the session)."""
    return ContactAttempt(
        consumer_id=contact.consumer_id,
        debt_id=contact.debt_id,
        phone_id=contact.phone_id,
        channel=contact.channel.value,
        direction=Direction.OUTBOUND.value,
        mode=mode.value,
        origin=origin.value,
        from_number=contact.sender,
        to_number=contact.to,
        campaign_id=contact.campaign_id,
        step_index=contact.step_index,
        status=AttemptStatus.RESERVED.value,
        attempted_at=now,
        reserved_at=now,
        updated_at=now,
        agent_id=agent_id,
        decision=decision,
        callback=callback,
        callback_at=callback_at,
        body=body,
    )


def agent_call(
    attempt: ContactAttempt,
    *,
    ring_first: str | None,
    debt_ids: tuple[int, ...] = (),
    into_room: bool = False,
) -> Reservation:
    """What the placer needs for an agent's call (about `debt_ids`): the agent's phone rings
    first, then the consumer's number is dialled from the answer TwiML; or, with the agent's
    line connected (`into_room`), the consumer is called and joins the agent's room."""
    return Reservation(
        attempt_id=attempt.id,
        debt_id=attempt.debt_id or 0,
        channel=Channel.CALL,
        to=attempt.to_number or "",
        from_=attempt.from_number or "",
        step_kind=StepKind.AGENT,
        reserved_at=attempt.reserved_at or attempt.attempted_at,
        ring_first=ring_first,
        debt_ids=debt_ids,
        into_room=into_room,
    )
