"""Putting a person through to an agent: which call leg is the agent's, the Dial to a reserved
agent (with a whisper), and a predictive call's bridge (no prompt, no whisper, two seconds)."""

from __future__ import annotations

from dialer.callbacks.case import CaseView
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.db.models import ContactAttempt
from dialer.vocabulary import AttemptOrigin, Direction
from dialer.wording import VoicePrompt

# TSR 310.4(b)(4)(iii): a person not connected to an agent within two seconds hears the
# identification message promptly; a predictive bridge gives the agent's line that long.
PREDICTIVE_AGENT_SECONDS = 2


def rang_agent_first(attempt: ContactAttempt, request: VoiceRequest) -> bool:
    """This call leg is the agent's: a manual call, or any call placed with `ring_first` (a
    scheduled callback), where Twilio's To is the agent's phone, not the consumer's. (A manual
    call of an agent whose line is up calls the consumer: To is the consumer's number.)"""
    to = request.to_number
    if attempt.origin == AttemptOrigin.AGENT:
        return not to or to != attempt.to_number
    return bool(to) and attempt.direction == Direction.OUTBOUND and to != attempt.to_number


def dial_agent(view: CaseView, agent_number: str, *, room: str | None = None) -> VoiceStep:
    """The reserved agent: into their line's room at once when it is connected (no prompt, no
    whisper: the case is on their desk), else their phone rings, with a whisper."""
    if room is not None:
        return into_room(view, agent_number, room)
    return _to_agent(view, agent_number, prompts=(VoicePrompt.CONNECTING,), whisper=True)


def into_room(view: CaseView, agent_number: str, room: str) -> VoiceStep:
    """The person joins the agent's conference room, where the agent already is: bridged at
    once, whatever kind of phone the agent has (dialer.agents.line)."""
    return _to_agent(view, agent_number, room=room)


def bridge_now(view: CaseView, agent_number: str, *, room: str | None = None) -> VoiceStep:
    """A predictive call's person is put straight through: no prompt, no whisper (the case is
    on the agent's screen), and an agent who has not answered within PREDICTIVE_AGENT_SECONDS
    leaves the call abandoned, with the identification message next (see ivr._after_dial).
    An agent whose line is connected is already there: the person joins their room."""
    if room is not None:
        return into_room(view, agent_number, room)
    return _to_agent(view, agent_number, dial_timeout=PREDICTIVE_AGENT_SECONDS)


def _to_agent(
    view: CaseView,
    agent_number: str,
    *,
    prompts: tuple[VoicePrompt, ...] = (),
    whisper: bool = False,
    dial_timeout: int | None = None,
    room: str | None = None,
) -> VoiceStep:
    """The Dial step that puts this call's person through to `agent_number` (or its room)."""
    return VoiceStep(
        StepKind.DIAL_AGENT,
        view.attempt.id,
        view.language,
        view.context,
        prompts=prompts,
        stage=Stage.DIAL,
        agent_number=agent_number,
        caller_id=view.attempt.from_number,
        dial_timeout=dial_timeout,
        whisper=whisper,
        room=room,
    )
