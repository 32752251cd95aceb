"""The voice flow: identity first, then the disclosure and the menu; machines get voicemail.

Each function takes a TwiML request (answer, gather, whisper), changes the case record and
says what to do next as a VoiceStep. No Twilio calls: the answer is computed in the request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer import agents
from dialer.agents import release_agent
from dialer.attempts import advance, is_machine
from dialer.callbacks import choices
from dialer.callbacks.case import CaseView, case_view, load_attempt
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import Stage, StepKind, VoiceStep, ask, say_and_hang_up
from dialer.templates import CALLBACK_WINDOWS, VoicePrompt
from dialer.vocabulary import AgentAvailability, AttemptStatus, Language

P = VoicePrompt
MAX_TRIES = 2
BRIDGED = frozenset({"completed", "answered"})


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
    choices.voicemail_left(session, view, now=now)
    return _bye(view, P.VOICEMAIL)


def _answered(view: CaseView, *, now: datetime) -> None:
    attempt = view.attempt
    attempt.status = advance(AttemptStatus(attempt.status), AttemptStatus.IN_PROGRESS).value
    attempt.answered_at = attempt.answered_at or now
    attempt.updated_at = now


def answer(session: Session, request: VoiceRequest, *, now: datetime) -> VoiceStep:
    """The call was answered: voicemail for a machine (sync AMD), else the identity question."""
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=request.call_sid, now=now)
    if request.answered_by:
        attempt.answered_by = request.answered_by
    view = case_view(session, attempt)
    _answered(view, now=now)
    if is_machine(attempt.answered_by):
        return _voicemail(session, view, now=now)
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


def _agent(session: Session, view: CaseView, *, now: datetime) -> VoiceStep:
    agent = agents.reserve_agent(session, attempt_id=view.attempt.id, now=now)
    if agent is None:
        choices.agent_unavailable(session, view, now=now)
        return _ask(view, Stage.CALLBACK, (P.HOLD, P.CALLBACK_WINDOWS))
    choices.agent_reserved(session, view, agent_id=agent.id, now=now)
    return VoiceStep(
        StepKind.DIAL_AGENT,
        view.attempt.id,
        view.language,
        view.context,
        prompts=(P.CONNECTING,),
        stage=Stage.DIAL,
        agent_number=agent.phone_e164,
        caller_id=view.attempt.from_number,
    )


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


def _callback(session: Session, view: CaseView, request: VoiceRequest, now: datetime) -> VoiceStep:
    window = CALLBACK_WINDOWS.get(request.digits)
    if window is None:
        return _retry(view, Stage.CALLBACK, (P.CALLBACK_WINDOWS,), request.try_number)
    choices.request_callback(session, view, window=window, now=now)
    return _bye(view, P.CALLBACK_CONFIRMED, window=window)


def _after_dial(
    session: Session, view: CaseView, request: VoiceRequest, now: datetime
) -> VoiceStep:
    if (request.dial_status or "") in BRIDGED:
        return _bye(view)
    # The reserved agent did not pick up: step them away and offer the consumer a call back.
    release_agent(session, attempt_id=view.attempt.id, now=now, to=AgentAvailability.AWAY)
    choices.agent_unavailable(session, view, now=now)
    return _ask(view, Stage.CALLBACK, (P.HOLD, P.CALLBACK_WINDOWS))


_STAGES = {
    Stage.IDENTITY: _identity,
    Stage.MENU: _menu,
    Stage.CALLBACK: _callback,
    Stage.DIAL: _after_dial,
}


def gather(session: Session, request: VoiceRequest, *, now: datetime) -> VoiceStep:
    """Keys pressed (or none) at one of the menus; the stage comes from the action URL."""
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=request.call_sid)
    view = case_view(session, attempt)
    if is_machine(attempt.answered_by) and not attempt.identity_confirmed:
        return _voicemail(session, view, now=now)  # async AMD said machine meanwhile
    try:
        stage = Stage(request.stage or Stage.IDENTITY)
    except ValueError:
        stage = Stage.IDENTITY
    return _STAGES[stage](session, view, request, now)


def whisper(session: Session, request: VoiceRequest, *, now: datetime) -> VoiceStep:
    """The agent picked up: a short case summary in the agent's language before the bridge."""
    attempt = load_attempt(session, attempt_id=request.attempt_id, sid=None, bind_sid=False)
    view = case_view(session, attempt)
    agent = agents.agent_for_attempt(session, attempt.id)
    language = Language(agent.language) if agent else Language.EN
    choices.agent_answered(session, view, now=now)
    return VoiceStep(StepKind.SAY, attempt.id, language, view.context, prompts=(P.WHISPER,))
