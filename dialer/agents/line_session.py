"""Connecting and hanging up an agent's line: the database steps around the Telephony call.

One short transaction marks the line `calling`, the call is placed outside it (no row lock
held over the network), a second one stores the SID, or records why the phone could not be
called. Hanging up ends the session first, then asks the provider to end the call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from dialer.agents.line import (
    RING_SECONDS,
    LineCall,
    line_not_placed,
    line_placed,
    release_line,
    request_line,
)
from dialer.db.engine import transaction
from dialer.observability.logging import get_logger
from dialer.telephony import Telephony, TelephonyError

log = get_logger(__name__)


def connect_line(
    sessions: sessionmaker[Session],
    telephony: Telephony,
    *,
    agent_id: int,
    now: datetime,
    base_url: str,
) -> str:
    """Call the agent's phone for their line; the call's SID. Raises LineError (refused) or
    TelephonyError (the provider refused the call: the line is not connected)."""
    with transaction(sessions) as session:
        line = request_line(session, agent_id=agent_id, now=now, base_url=base_url)
    try:
        call = _place(telephony, line)
    except TelephonyError as exc:
        with transaction(sessions) as session:
            line_not_placed(session, agent_id=agent_id, why=exc.message)
        raise
    with transaction(sessions) as session:
        line_placed(session, agent_id=agent_id, call_sid=call)
    return call


def _place(telephony: Telephony, line: LineCall) -> str:
    placed = telephony.place_call(
        to=line.to,
        from_=line.from_,
        answer_url=line.answer_url,
        status_url=line.status_url,
        amd_url=None,
        timeout_seconds=RING_SECONDS,
        machine_detection=False,
    )
    return placed.sid


def hang_up_line(
    sessions: sessionmaker[Session], telephony: Telephony, *, agent_id: int, now: datetime
) -> None:
    """End the agent's line from the desk: the session ends at once, then the call (a phone
    still ringing is canceled). A call the provider already ended is fine."""
    with transaction(sessions) as session:
        sid, answered = release_line(session, agent_id=agent_id, now=now)
    if sid is None:
        return
    try:
        if answered:
            telephony.hang_up(sid)
        else:
            telephony.cancel_call(sid)
    except TelephonyError as exc:
        log.info("agent_line_hang_up_failed", agent_id=agent_id, error=str(exc))
