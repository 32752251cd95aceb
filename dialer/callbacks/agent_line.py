"""The webhooks of an agent's line call: answered (their room) and its status (ended)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dialer.agents.line import line_answered, line_ended
from dialer.callbacks.events import form_value, query_value


def _agent(payload: dict[str, Any]) -> int | None:
    text = query_value(payload, "agent") or ""
    return int(text) if text.isdigit() else None


def answer_line(session: Session, payload: dict[str, Any], now: datetime) -> str | None:
    """The agent answered: the conference room to put them in, None to hang up."""
    agent_id = _agent(payload)
    sid = form_value(payload, "CallSid")
    if agent_id is None or not sid:
        return None
    return line_answered(session, agent_id=agent_id, call_sid=sid, now=now)


def line_status(session: Session, payload: dict[str, Any], now: datetime) -> bool:
    """A status of the line's call; one that ended it ends the agent's session."""
    agent_id = _agent(payload)
    sid = form_value(payload, "CallSid")
    status = form_value(payload, "CallStatus") or ""
    if agent_id is None or not sid:
        return False
    return line_ended(session, agent_id=agent_id, call_sid=sid, status=status, now=now)
