"""The voice webhooks: answer, status, AMD, gather, whisper, recording."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response
from sqlalchemy.orm import Session

from dialer.callbacks import APPLIERS, EventKind, ivr
from dialer.callbacks.ending import apply_ending
from dialer.callbacks.events import CallStatusEvent, VoiceRequest
from dialer.callbacks.progress import apply_progress
from dialer.callbacks.steps import VoiceStep
from dialer.ledger import ingest
from webhooks.extension import services
from webhooks.forms import TwilioRequest
from webhooks.security import protect
from webhooks.twiml import render_fallback, render_voice_step

bp = protect(Blueprint("twilio_voice", __name__, url_prefix="/twilio/voice"))

IvrHandler = Callable[..., VoiceStep]
XML = "text/xml"


def _twiml(kind: EventKind, handler: IvrHandler) -> Response:
    svc = services()
    now = svc.clock.now()
    base_url = svc.settings.public_base_url
    event = TwilioRequest.from_flask().event(kind)

    def apply(session: Session) -> str:
        step = handler(session, VoiceRequest.from_payload(event.payload), now=now)
        return render_voice_step(step, base_url=base_url)

    result = ingest(svc.sessions, event, apply=apply, now=now)
    return Response(result.response or render_fallback(), mimetype=XML)


def acknowledge(kind: EventKind) -> Response:
    """Store and apply a callback that expects no TwiML: 204, or 500 if it could not apply."""
    svc = services()
    now = svc.clock.now()
    event = TwilioRequest.from_flask().event(kind)
    if kind is EventKind.CALL_STATUS:
        status = CallStatusEvent.from_payload(event.payload)
        direct = apply_progress(svc.engine, event, status, now=now) or apply_ending(
            svc.engine, event, status, now=now
        )
        if direct is not None:
            return Response(status=204)
    applier = APPLIERS[kind]

    def apply(session: Session) -> None:
        applier(session, event.payload, now)

    result = ingest(svc.sessions, event, apply=apply, now=now)
    return Response(status=204 if result.ok else 500)


@bp.post("/answer")
def answer() -> Response:
    return _twiml(EventKind.CALL_ANSWER, ivr.answer)


@bp.post("/gather")
def gather() -> Response:
    return _twiml(EventKind.CALL_GATHER, ivr.gather)


@bp.post("/whisper")
def whisper() -> Response:
    return _twiml(EventKind.CALL_WHISPER, ivr.whisper)


@bp.post("/status")
def status() -> Response:
    return acknowledge(EventKind.CALL_STATUS)


@bp.post("/amd")
def amd() -> Response:
    return acknowledge(EventKind.CALL_AMD)


@bp.post("/recording")
def recording() -> Response:
    return acknowledge(EventKind.RECORDING)
