"""The consumer chose a time for a call back on the keypad (1 morning, 2 afternoon, 3 evening):
checked when chosen, not only when due. A time that is not lawful for them then (a holiday
under the limits, outside the hours in force where they are, a time they said is
inconvenient) becomes the next lawful time, which they hear before the call ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.callbacks import choices
from dialer.callbacks.case import CaseView
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import StepKind, VoiceStep, say_and_hang_up
from dialer.cases.contact_check import check_contact, consumer_zone
from dialer.compliance import RulePacks
from dialer.errors import NotFoundError
from dialer.vocabulary import Channel, ContactMode, Direction
from dialer.wording import CALLBACK_WINDOWS, VoicePrompt
from dialer.wording.moments import spoken_moment


def choose_callback(
    session: Session,
    view: CaseView,
    request: VoiceRequest,
    *,
    now: datetime,
    packs: RulePacks | None,
) -> VoiceStep | None:
    """The step after the key: the confirmation (or the lawful time instead), a message for an
    inbound caller who chose no time; None for a key that names no time (asked again).
    Without rule packs (a replayed request) the time is kept as chosen: the planner checks it
    when due."""
    window = CALLBACK_WINDOWS.get(request.digits)
    if window is None and view.attempt.direction == Direction.INBOUND:
        # a caller who reached nobody and chose no time: a voicemail and a callback request
        prompts = (VoicePrompt.LEAVE_MESSAGE,)
        return VoiceStep(StepKind.RECORD, view.attempt.id, view.language, view.context, prompts)
    if window is None:
        return None
    zone = consumer_zone(session, consumer_id=view.consumer.id)
    chosen = choices.callback_time(window, zone=zone, now=now)
    lawful = _next_lawful(session, view, chosen, packs=packs)
    if lawful is None or chosen is None:
        choices.request_callback(session, view, window=window, now=now, at=chosen)
        return _said(view, VoicePrompt.CALLBACK_CONFIRMED, window)
    at, why = lawful
    choices.request_callback(session, view, window=window, now=now, at=at, moved=(chosen, why))
    said = spoken_moment(at.astimezone(zone), view.language)
    return _said(view, VoicePrompt.CALLBACK_MOVED, said)


def _said(view: CaseView, prompt: VoicePrompt, window: str) -> VoiceStep:
    return say_and_hang_up(
        view.attempt.id,
        language=view.language,
        context=view.context,
        prompts=(prompt,),
        window=window,
    )


def _next_lawful(
    session: Session, view: CaseView, chosen: datetime | None, *, packs: RulePacks | None
) -> tuple[datetime, str] | None:
    """(the next lawful time, why the chosen one is not) when the engine blocks the chosen
    time for this call back and names a later one; None when it is lawful (or cannot move)."""
    if packs is None or chosen is None or view.debt is None:
        return None
    try:
        decision = check_contact(
            session,
            debt=view.debt,
            at=chosen,
            packs=packs,
            mode=ContactMode.AGENT,
            channel=Channel.CALL,
            to=view.phone.e164 if view.phone is not None else None,
            callback=True,
        )
    except NotFoundError:  # no number on file: nothing to check against
        return None
    if decision.allowed or decision.next_allowed_at is None:
        return None
    return decision.next_allowed_at, ", ".join(r.code.value for r in decision.reasons)
