"""The voice webhooks: answer, status, AMD, gather, whisper, recording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from flask import Blueprint, Response, request
from sqlalchemy.orm import Session

from dialer.callbacks import APPLIERS, EventKind, calls, ivr
from dialer.callbacks.agent_line import answer_line
from dialer.callbacks.events import AmdEvent, CallStatusEvent, VoiceRequest
from dialer.callbacks.status_batch import StatusCallback, can_batch
from dialer.callbacks.steps import Stage, VoiceStep
from dialer.ledger import IngestResult, ingest
from dialer.observability.logging import get_logger
from dialer.recordings.consent import with_recording
from dialer.recordings.notice import consumer_notice
from dialer.telephony import TelephonyError
from web.extensions import (
    call_status_batches,
    rule_packs,
    services,
    telephony,
    webhook_spool,
)
from webhooks.params import TwilioRequest
from webhooks.security import protect
from webhooks.twiml import (
    gather_url,
    render_agent_line,
    render_fallback,
    render_voice_step,
    render_wait,
)

bp = protect(Blueprint("twilio_voice", __name__, url_prefix="/twilio/voice"))

log = get_logger(__name__)
IvrHandler = Callable[..., VoiceStep]
XML = "text/xml"


def _twiml(kind: EventKind, handler: IvrHandler) -> Response:
    svc = services()
    now = svc.clock.now()
    base_url = svc.settings.public_base_url
    event = TwilioRequest.from_flask().event(kind)

    def apply(session: Session) -> str:
        step = handler(session, VoiceRequest.from_payload(event.payload), now=now)
        at_answer = kind is EventKind.CALL_ANSWER
        step = with_recording(session, step, packs=rule_packs(), now=now, at_answer=at_answer)
        return render_voice_step(step, base_url=base_url)

    result = ingest(svc.sessions, event, apply=apply, now=now, spool=webhook_spool())
    return Response(result.response or render_fallback(), mimetype=XML)


def acknowledge(kind: EventKind) -> Response:
    """Store and apply a callback that expects no TwiML: 204 once it is stored (applied, kept
    with its error for replay, or spooled while the database is down), 500 only if it could
    be stored nowhere (then Twilio retries it)."""
    svc = services()
    now = svc.clock.now()
    event = TwilioRequest.from_flask().event(kind)
    if kind is EventKind.CALL_STATUS:
        status = CallStatusEvent.from_payload(event.payload)
        if _applied_in_a_batch(StatusCallback(event, status, now)):
            return Response(status=204)
    applier = APPLIERS[kind]

    def apply(session: Session) -> None:
        applier(session, event.payload, now)

    result = ingest(svc.sessions, event, apply=apply, now=now, spool=webhook_spool())
    return _stored(result)


def _stored(result: IngestResult) -> Response:
    """204 once the event is kept (in the ledger, applied or with its error for replay, or in
    the local spool while the database is down); 500 only when it could not be stored at all,
    so that Twilio retries."""
    return Response(status=204 if result.stored else 500)


def _applied_in_a_batch(callback: StatusCallback) -> bool:
    """Stored and applied with the call status callbacks that came in with it (PostgreSQL);
    False: the ordinary path takes it."""
    batches = call_status_batches()
    if batches is None or not can_batch(callback.status):
        return False
    return batches.submit(callback) is not None


@bp.post("/answer")
def answer() -> Response:
    return _twiml(EventKind.CALL_ANSWER, ivr.answer)


@bp.post("/gather")
def gather() -> Response:
    # a callback time the consumer chooses is checked with the engine (the rule packs) at once
    return _twiml(EventKind.CALL_GATHER, partial(ivr.gather, packs=rule_packs()))


def _consumer_notice(session: Session, found: VoiceRequest, *, now: datetime) -> VoiceStep:
    return consumer_notice(session, found, packs=rule_packs(), now=now)


@bp.post("/whisper")
def whisper() -> Response:
    """The dialled leg before the bridge: the agent's whisper, or (Stage.NOTICE) the recording
    notice on a manual call's consumer leg."""
    if request.args.get("stage") == Stage.NOTICE:
        return _twiml(EventKind.CALL_WHISPER, _consumer_notice)
    return _twiml(EventKind.CALL_WHISPER, ivr.whisper)


@bp.post("/status")
def status() -> Response:
    return acknowledge(EventKind.CALL_STATUS)


@bp.post("/line")
def line() -> Response:
    """An agent answered the call of their line (placed by the dialer with this URL): into
    their conference room (dialer.agents.line)."""
    svc = services()
    now = svc.clock.now()
    event = TwilioRequest.from_flask().event(EventKind.LINE_ANSWER)

    def apply(session: Session) -> str:
        return render_agent_line(answer_line(session, event.payload, now))

    result = ingest(svc.sessions, event, apply=apply, now=now, spool=webhook_spool())
    return Response(result.response or render_agent_line(None), mimetype=XML)


@bp.post("/line-status")
def line_status() -> Response:
    return acknowledge(EventKind.LINE_STATUS)


@bp.post("/wait")
def wait() -> Response:
    """A person in an agent's room before it started: Twilio requests the waitUrl only then,
    and only the agent starts the room, so the agent's line dropped between the pick and the
    answer. The call leaves the room at once (Calls update) for the abandoned call's path
    (ivr._after_dial with no DialCallStatus): the identification message within the two
    seconds of TSR 310.4(b)(4)(iii), the agent set away, then the callback offer."""
    attempt, sid = request.args.get("attempt", ""), request.form.get("CallSid", "")
    if attempt.isdigit() and sid:
        base_url = services().settings.public_base_url
        url = gather_url(base_url, attempt_id=int(attempt), stage=Stage.DIAL)
        try:
            telephony().redirect_call(sid, url=url)
        except TelephonyError as exc:  # the call ended meanwhile
            log.info("empty_room_redirect_failed", attempt_id=attempt, error=str(exc))
    return Response(render_wait(), mimetype=XML)


VOICEMAIL_DROP = "voicemail_drop"  # remembered with the AMD event: the call was redirected


@bp.post("/amd")
def amd() -> Response:
    """Async AMD: who answered. A machine whose greeting has ended gets the limited-content
    message at once: the live call is redirected (Calls update, official client)."""
    svc = services()
    now = svc.clock.now()
    event = TwilioRequest.from_flask().event(EventKind.CALL_AMD)
    found = AmdEvent.from_payload(event.payload)

    def apply(session: Session) -> str | None:
        attempt = calls.apply_amd_event(session, found, now=now)
        return VOICEMAIL_DROP if calls.voicemail_drop_due(session, attempt) else None

    result = ingest(svc.sessions, event, apply=apply, now=now, spool=webhook_spool())
    if result.ok and not result.duplicate and result.response == VOICEMAIL_DROP:
        _redirect_to_voicemail(found, base_url=svc.settings.public_base_url)
    return _stored(result)


def _redirect_to_voicemail(found: AmdEvent, *, base_url: str) -> None:
    if found.attempt_id is None or not found.call_sid:
        return
    url = gather_url(base_url, attempt_id=found.attempt_id, stage=Stage.VOICEMAIL)
    try:
        telephony().redirect_call(found.call_sid, url=url)
    except TelephonyError as exc:  # the call ended meanwhile: nothing to leave a message on
        log.info("voicemail_redirect_failed", attempt_id=found.attempt_id, error=str(exc))


@bp.post("/recording")
def recording() -> Response:
    return acknowledge(EventKind.RECORDING)
