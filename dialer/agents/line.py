"""The agent line: one call to the agent's phone for the whole session ("nailed-up" channel).

The agent's phone is called once; answering puts them in their own conference room
(`room_name`), where they wait in silence. Every consumer call bridged to them joins that room,
with no ring time. The line's state lives on the agent's row: `calling` (placed, not answered),
`connected` (in the room), none. When the line call ends for any reason other than the agent
hanging it up from the desk (their phone hung up, did not answer, was busy, failed), the agent
is set `away` with a note on the desk: nothing is bridged to a phone that just dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.db.models import Campaign, User
from dialer.errors import InputError
from dialer.observability.logging import get_logger
from dialer.vocabulary import AgentAvailability, CampaignStatus, LineState

log = get_logger(__name__)

LINE_ANSWER_PATH = "/twilio/voice/line"
LINE_STATUS_PATH = "/twilio/voice/line-status"
RING_SECONDS = 30  # how long the agent's phone may ring when the line is placed
ENDED_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
# users.line_note: why the last line ended, as a code the desk says in the agent's language
# (a call status that ended it, "dropped" for a line that was up and hung up, "not-placed",
# or "desk": hung up from the desk).
DROPPED = "dropped"
NOT_PLACED = "not-placed"
FROM_DESK = "desk"


class LineError(InputError):
    """The line cannot be connected or hung up now; the message says why."""


class LineEvent(StrEnum):
    PLACED = "placed"
    ANSWERED = "answered"
    ENDED = "ended"


# The session's state machine: what each event does to the line's state (None: ignored).
_MOVES: dict[tuple[LineState, LineEvent], LineState] = {
    (LineState.NONE, LineEvent.PLACED): LineState.CALLING,
    (LineState.CALLING, LineEvent.ANSWERED): LineState.CONNECTED,
    (LineState.CALLING, LineEvent.ENDED): LineState.NONE,
    (LineState.CONNECTED, LineEvent.ENDED): LineState.NONE,
}


def next_state(state: LineState, event: LineEvent) -> LineState | None:
    """The line's state after `event`, or None when the event does not apply (a second
    connect while one is up, a late answer for a line already ended)."""
    return _MOVES.get((state, event))


def room_name(agent_id: int) -> str:
    """The agent's conference room (no phone number or name in it, as Twilio asks)."""
    return f"agent-line-{agent_id}"


def connected_room(agent: User | None) -> str | None:
    """The room to bridge a consumer into, when the agent's line is connected."""
    if agent is None or agent.line_state != LineState.CONNECTED:
        return None
    return room_name(agent.id)


@dataclass(frozen=True, slots=True)
class LineCall:
    """What to place for an agent's line (through the Telephony port)."""

    agent_id: int
    to: str
    from_: str
    answer_url: str
    status_url: str


def line_urls(base_url: str, agent_id: int) -> tuple[str, str]:
    query = urlencode({"agent": agent_id})
    return f"{base_url}{LINE_ANSWER_PATH}?{query}", f"{base_url}{LINE_STATUS_PATH}?{query}"


def request_line(session: Session, *, agent_id: int, now: datetime, base_url: str) -> LineCall:
    """The agent asked to connect their phone: refused without a phone, a caller ID or while a
    line is already up; else the line is `calling` (its SID comes with `line_placed`)."""
    agent = _lock(session, agent_id)
    if not agent.phone_e164:
        raise LineError("you have no phone number: an admin adds one on the Users page")
    moved = next_state(LineState(agent.line_state), LineEvent.PLACED)
    if moved is None:
        raise LineError("your line is already connected (or being called): hang it up first")
    caller = _caller_id(session)
    if caller is None:
        raise LineError("no active campaign has a caller ID to call your phone from")
    agent.line_state = moved.value
    agent.line_call_sid = None
    agent.line_since = now
    agent.line_note = ""
    answer_url, status_url = line_urls(base_url, agent.id)
    return LineCall(agent.id, agent.phone_e164, caller, answer_url, status_url)


def line_placed(session: Session, *, agent_id: int, call_sid: str) -> None:
    """The provider took the call: remember its SID (unless the answer came first)."""
    agent = _lock(session, agent_id)
    if agent.line_state != LineState.NONE and agent.line_call_sid is None:
        agent.line_call_sid = call_sid


def line_not_placed(session: Session, *, agent_id: int, why: str) -> None:
    agent = _lock(session, agent_id)
    agent.line_state = LineState.NONE.value
    agent.line_call_sid = None
    agent.line_note = NOT_PLACED
    log.info("agent_line_not_placed", agent_id=agent_id, error=why)


def line_answered(session: Session, *, agent_id: int, call_sid: str, now: datetime) -> str | None:
    """The agent answered: their room, or None when this call is not their line any more (it
    was hung up from the desk meanwhile): that call is then hung up."""
    agent = session.get(User, agent_id, with_for_update=True)
    if agent is None or agent.line_call_sid not in (None, call_sid):
        return None
    moved = next_state(LineState(agent.line_state), LineEvent.ANSWERED)
    if moved is None:
        return None
    agent.line_state = moved.value
    agent.line_call_sid = call_sid
    agent.line_since = now
    return room_name(agent.id)


def line_ended(
    session: Session, *, agent_id: int, call_sid: str, status: str, now: datetime
) -> bool:
    """The line's call ended (status callback): the session ends and the agent is set away,
    with why on the desk: nothing more is put through to a phone that just dropped. A call
    they were on ended with the room (its case stays in their calls to complete). False: not
    their current line (nothing done)."""
    agent = session.get(User, agent_id, with_for_update=True)
    if agent is None or status not in ENDED_STATUSES or agent.line_call_sid not in (None, call_sid):
        return False
    moved = next_state(LineState(agent.line_state), LineEvent.ENDED)
    if moved is None:
        return False
    was_up = agent.line_state == LineState.CONNECTED
    agent.line_state = moved.value
    agent.line_call_sid = None
    agent.line_since = now
    agent.line_note = DROPPED if was_up and status == "completed" else status
    if agent.availability in _TAKING_CALLS:
        _set_away(session, agent, now=now, reason=f"agent line ended ({status})")
    return True


_TAKING_CALLS = (AgentAvailability.AVAILABLE, AgentAvailability.ON_CALL, AgentAvailability.WRAP_UP)


def _set_away(session: Session, agent: User, *, now: datetime, reason: str) -> None:
    before = agent.availability
    agent.availability = AgentAvailability.AWAY.value
    agent.availability_changed_at = now
    agent.current_attempt_id = None  # the end of the call does not make them available again
    add_audit_entry(
        session,
        at=now,
        actor="system",
        action="agent.availability",
        entity="user",
        entity_id=str(agent.id),
        before={"availability": before},
        after={"availability": AgentAvailability.AWAY.value},
        reason=reason,
    )


def release_line(session: Session, *, agent_id: int, now: datetime) -> tuple[str | None, bool]:
    """The agent hangs up their line from the desk: (its SID, whether it was answered); the
    session ends now and the agent keeps their availability (later calls ring their phone)."""
    agent = _lock(session, agent_id)
    if agent.line_state == LineState.NONE:
        raise LineError("your line is not connected")
    sid, answered = agent.line_call_sid, agent.line_state == LineState.CONNECTED
    agent.line_state = LineState.NONE.value
    agent.line_call_sid = None
    agent.line_since = now
    agent.line_note = FROM_DESK
    return sid, answered


def _caller_id(session: Session) -> str | None:
    """The number the line is called from: the first caller ID of the oldest active campaign."""
    definitions = session.scalars(
        select(Campaign.definition)
        .where(Campaign.status == CampaignStatus.ACTIVE.value)
        .order_by(Campaign.id)
    )
    for definition in definitions:
        numbers = ((definition or {}).get("caller_ids") or {}).get("numbers") or []
        if numbers:
            return str(numbers[0])
    return None


def _lock(session: Session, agent_id: int) -> User:
    agent = session.get(User, agent_id, with_for_update=True)
    if agent is None or not agent.is_active:
        raise LineError(f"no active user with id {agent_id}")
    return agent
