"""The voice flow: identity first, then the disclosure and the menu; machines get voicemail.

Each function takes a TwiML request (answer, gather, whisper), changes the case record and
says what to do next as a VoiceStep. No Twilio calls: the answer is computed in the request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.agents import pool as agents
from dialer.agents.line import connected_room
from dialer.agents.pool import release_agent
from dialer.attempts import advance, is_machine, is_terminal
from dialer.callbacks import choices, inbound_call
from dialer.callbacks.bridging import bridge_now, dial_agent, rang_agent_first
from dialer.callbacks.callback_choice import choose_callback
from dialer.callbacks.case import CaseView, case_view, load_attempt, voicemail_audio_url
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import Stage, StepKind, VoiceStep, ask, say_and_hang_up
from dialer.compliance import RulePacks
from dialer.db.models import ContactAttempt
from dialer.predictive.calls import is_predictive_call
from dialer.vocabulary import (
    AgentAvailability,
    AttemptStatus,
    Direction,
    Language,
    Outcome,
)
from dialer.wording import VoicePrompt

P = VoicePrompt
MAX_TRIES = 2
NONE_FREE_AT_ANSWER = "no agent was free when the person answered a predictive call"
BRIDGED = frozenset({"completed", "answered"})
DIALED = {"no-answer": Outcome.NO_ANSWER, "busy": Outcome.BUSY, "canceled": Outcome.NO_ANSWER}


def _ask(view: CaseView, stage: Stage, prompts: tuple[P, ...], try_number: int = 1) -> VoiceStep:
    return ask(
        view.attempt.id,
        language=view.language,
        context=view.context,
        stage=stage,
        prompts=prompts,
        try_number=try_number,
    )


def _bye(view: CaseView, *prompts: P, window: str = "") -> VoiceStep:
    return say_and_hang_up(
        view.attempt.id,
        language=view.language,
        context=view.context,
        prompts=prompts,
        window=window,
    )


def _voicemail(session: Session, view: CaseView, *, now: datetime) -> VoiceStep:
    # a progressive call reserved its agent before dialling: a machine frees them at once
    release_agent(session, attempt_id=view.attempt.id, now=now, to=AgentAvailability.AVAILABLE)
    choices.voicemail_left(session, view, now=now)
    audio = voicemail_audio_url(session, view)
    if audio:
        return VoiceStep(
            StepKind.SAY_AND_HANG_UP, view.attempt.id, view.language, view.context, audio_url=audio
        )
    return _bye(view, P.VOICEMAIL)


def _answered(view: CaseView, *, now: datetime) -> None:
    attempt = view.attempt
    attempt.status = advance(AttemptStatus(attempt.status), AttemptStatus.IN_PROGRESS).value
    attempt.answered_at = attempt.answered_at or now
    attempt.updated_at = now


def _ended(session: Session, attempt: ContactAttempt) -> VoiceStep | None:
    """A call that already ended takes no more answers or keys (a late or replayed request):
    hang up and change nothing."""
    if not is_terminal(AttemptStatus(attempt.status)):
        return None
    view = case_view(session, attempt)
    return say_and_hang_up(attempt.id, language=view.language, context=view.context, prompts=())


def answer(session: Session, request: VoiceRequest, *, now: datetime) -> VoiceStep:
    """The call was answered: voicemail for a machine (sync AMD), else the identity question.

    A manual call rang the agent first: the agent answered, the consumer is dialled now.
    A progressive agent step reserved its agent before dialling: the consumer goes straight
    to that agent."""
    if inbound_call.is_inbound(request):
        return inbound_call.answer_inbound(session, request, now=now)
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=request.call_sid, now=now)
    ended = _ended(session, attempt)
    if ended is not None:
        return ended
    if request.answered_by:
        attempt.answered_by = request.answered_by
    view = case_view(session, attempt)
    _answered(view, now=now)
    if rang_agent_first(attempt, request):
        choices.agent_answered(session, view, now=now)
        return VoiceStep(
            StepKind.DIAL_CONSUMER,
            attempt.id,
            view.language,
            view.context,
            stage=Stage.DIAL,
            caller_id=attempt.from_number,
            consumer_number=attempt.to_number,
        )
    if is_machine(attempt.answered_by):
        return _voicemail(session, view, now=now)
    return _live_answer(session, view, now=now)


def _live_answer(session: Session, view: CaseView, *, now: datetime) -> VoiceStep:
    """A person answered (or, with async AMD, nobody knows yet): the agent reserved before
    dialling (progressive), a free agent now (predictive), else the identity question."""
    attempt = view.attempt
    reserved = agents.agent_for_attempt(session, attempt.id)
    if reserved is not None and reserved.phone_e164:
        return dial_agent(view, reserved.phone_e164, room=connected_room(reserved))
    if is_predictive_call(session, attempt):
        # placed with no agent reserved: a free one now, else the call is abandoned and the
        # person hears at once who called and the number to call back (TSR 310.4(b)(4)(iii))
        return _agent(session, view, now=now, why=NONE_FREE_AT_ANSWER, predictive=True)
    return _ask(view, Stage.IDENTITY, (P.IDENTITY,))


def _retry(view: CaseView, stage: Stage, prompts: tuple[P, ...], try_number: int) -> VoiceStep:
    """No input or a wrong key: ask once more, then hang up politely."""
    if try_number >= MAX_TRIES:
        return _bye(view, P.GOODBYE)
    return _ask(view, stage, (P.NOT_UNDERSTOOD, *prompts), try_number + 1)


def _identity(session: Session, view: CaseView, request: VoiceRequest, now: datetime) -> VoiceStep:
    if request.digits == "1":
        choices.confirm_identity(session, view, now=now)
        return _ask(view, Stage.MENU, (P.DISCLOSURE, P.MENU))
    if request.digits == "2":
        choices.wrong_party(session, view, now=now)
        return _bye(view, P.WRONG_PARTY)
    return _retry(view, Stage.IDENTITY, (P.IDENTITY,), request.try_number)


def _agent(
    session: Session,
    view: CaseView,
    *,
    now: datetime,
    why: str = "none was available",
    predictive: bool = False,
) -> VoiceStep:
    """A free agent (whisper, then the bridge); with none free, an abandoned call: the
    identification message first, then the offer of a callback at a time the person chooses."""
    agent = agents.reserve_agent(
        session, attempt_id=view.attempt.id, now=now, language=view.language
    )
    if agent is None:
        choices.agent_unavailable(session, view, now=now, why=why)
        return _ask(view, Stage.CALLBACK, (P.NO_AGENT, P.CALLBACK_WINDOWS))
    choices.agent_reserved(session, view, agent_id=agent.id, now=now)
    if predictive:
        return bridge_now(view, agent.phone_e164, room=agent.room)
    return dial_agent(view, agent.phone_e164, room=agent.room)


def _menu(session: Session, view: CaseView, request: VoiceRequest, now: datetime) -> VoiceStep:
    if not view.attempt.identity_confirmed:
        return _ask(view, Stage.IDENTITY, (P.IDENTITY,))
    digits = request.digits
    if digits == "1":
        return _agent(session, view, now=now)
    if digits == "2":
        return _ask(view, Stage.CALLBACK, (P.CALLBACK_WINDOWS,))
    if digits == "3":
        choices.record_dispute(session, view, now=now)
        return _bye(view, P.DISPUTE_CONFIRMED)
    if digits == "4":
        choices.opt_out_of_calls(session, view, now=now)
        return _bye(view, P.OPT_OUT_CONFIRMED)
    return _retry(view, Stage.MENU, (P.MENU,), request.try_number)


def _after_dial(
    session: Session, view: CaseView, request: VoiceRequest, now: datetime
) -> VoiceStep:
    if rang_agent_first(view.attempt, request):
        return _after_consumer_dial(session, view, request, now)
    if (request.dial_status or "") in BRIDGED:
        return _bye(view)
    # The reserved agent did not pick up: step them away and offer the consumer a call back.
    release_agent(session, attempt_id=view.attempt.id, now=now, to=AgentAvailability.AWAY)
    choices.agent_unavailable(session, view, now=now, why="the agent did not pick up")
    return _ask(view, Stage.CALLBACK, (P.NO_AGENT, P.CALLBACK_WINDOWS))


def _after_consumer_dial(
    session: Session, view: CaseView, request: VoiceRequest, now: datetime
) -> VoiceStep:
    """The consumer's leg of a manual call ended: its result is the attempt's outcome (the
    agent's leg is the one Twilio reports on), then the agent's leg hangs up."""
    status = request.dial_status or ""
    outcome = Outcome.CONVERSATION if status in BRIDGED else DIALED.get(status, Outcome.FAILED)
    view.attempt.outcome = outcome.value
    choices.consumer_leg_ended(session, view, outcome=outcome, now=now)
    return VoiceStep(StepKind.SAY_AND_HANG_UP, view.attempt.id, view.language, view.context)


def _inbound_menu(
    session: Session, view: CaseView, request: VoiceRequest, now: datetime
) -> VoiceStep:
    """A consumer who called us: 1 an agent (whisper and screen pop), 2 a callback."""
    if request.digits == "1":
        return _agent(session, view, now=now)
    if request.digits == "2":
        return _ask(view, Stage.CALLBACK, (P.CALLBACK_WINDOWS,))
    return _retry(view, Stage.INBOUND, (P.INBOUND_MENU,), request.try_number)


def _message_left(
    session: Session, view: CaseView, request: VoiceRequest, now: datetime
) -> VoiceStep:
    """An inbound caller left a message: it is their callback request."""
    choices.request_callback(session, view, window="", now=now)
    return _bye(view, P.MESSAGE_TAKEN)


def _after_greeting(
    session: Session, view: CaseView, request: VoiceRequest, now: datetime
) -> VoiceStep:
    """Redirected here when async AMD heard the machine's greeting end (see `gather`)."""
    return _ask(view, Stage.IDENTITY, (P.IDENTITY,))


_STAGES = {
    Stage.IDENTITY: _identity,
    Stage.MENU: _menu,
    Stage.DIAL: _after_dial,
    Stage.VOICEMAIL: _after_greeting,
    Stage.INBOUND: _inbound_menu,
    Stage.RECORDED: _message_left,
}


# Stages whose request Twilio makes when a verb ends, also when the caller hung up (the
# <Dial> and <Record> actions): they may arrive after the call ended and still count. Keys
# pressed at the other stages after the end are late or replayed, and change nothing.
_AT_HANG_UP = frozenset({Stage.DIAL, Stage.RECORDED})


def gather(
    session: Session, request: VoiceRequest, *, now: datetime, packs: RulePacks | None = None
) -> VoiceStep:
    """Keys pressed (or none) at one of the menus; the stage comes from the action URL. `packs`:
    a callback time chosen is checked with the engine (absent on replay: checked when due)."""
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=request.call_sid)
    try:
        stage = Stage(request.stage or Stage.IDENTITY)
    except ValueError:
        stage = Stage.IDENTITY
    ended = None if stage in _AT_HANG_UP else _ended(session, attempt)
    if ended is not None:
        return ended
    view = case_view(session, attempt)
    if is_machine(attempt.answered_by) and not attempt.identity_confirmed:
        return _voicemail(session, view, now=now)  # async AMD said machine meanwhile
    if stage is Stage.CALLBACK:  # a time for a call back, checked now (callback_choice)
        step = choose_callback(session, view, request, now=now, packs=packs)
        return step or _retry(view, Stage.CALLBACK, (P.CALLBACK_WINDOWS,), request.try_number)
    return _STAGES[stage](session, view, request, now)


def whisper(session: Session, request: VoiceRequest, *, now: datetime) -> VoiceStep:
    """The agent picked up: a short case summary in the agent's language before the bridge."""
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=None, bind_sid=False)
    view = case_view(session, attempt)
    agent = agents.agent_for_attempt(session, attempt.id)
    language = Language(agent.language) if agent else Language.EN
    choices.agent_answered(session, view, now=now)
    prompt = P.WHISPER
    if not attempt.identity_confirmed:
        inbound = attempt.direction == Direction.INBOUND
        prompt = P.WHISPER_INBOUND if inbound else P.WHISPER_UNCONFIRMED
    return VoiceStep(StepKind.SAY, attempt.id, language, view.context, prompts=(prompt,))
