"""Every event kind's applier, for live webhooks and for `dialer webhooks replay`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dialer.callbacks import agent_line, calls, inbound, ivr, sms
from dialer.callbacks.events import (
    AmdEvent,
    CallStatusEvent,
    EventKind,
    InboundSms,
    RecordingEvent,
    SmsStatusEvent,
    VoiceRequest,
)
from dialer.callbacks.steps import Stage
from dialer.ledger import Applier


def _call_status(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return calls.apply_call_status_event(session, CallStatusEvent.from_payload(payload), now=now)


def _amd(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return calls.apply_amd_event(session, AmdEvent.from_payload(payload), now=now)


def _recording(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return calls.apply_recording_event(session, RecordingEvent.from_payload(payload), now=now)


def _answer(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return ivr.answer(session, VoiceRequest.from_payload(payload), now=now)


def _gather(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return ivr.gather(session, VoiceRequest.from_payload(payload), now=now)


def _whisper(session: Session, payload: dict[str, Any], now: datetime) -> object:
    request = VoiceRequest.from_payload(payload)
    if request.stage == Stage.NOTICE:
        # A recording notice that failed live got the fallback (the consumer's leg hung up):
        # nothing was said or recorded, so a replay has nothing to write.
        return None
    return ivr.whisper(session, request, now=now)


def _sms_status(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return sms.apply_sms_status_event(session, SmsStatusEvent.from_payload(payload), now=now)


def _inbound(session: Session, payload: dict[str, Any], now: datetime) -> object:
    return inbound.handle_inbound_sms(session, InboundSms.from_payload(payload), now=now)


APPLIERS: dict[str, Applier] = {
    EventKind.CALL_STATUS: _call_status,
    EventKind.CALL_AMD: _amd,
    EventKind.RECORDING: _recording,
    EventKind.CALL_ANSWER: _answer,
    EventKind.CALL_GATHER: _gather,
    EventKind.CALL_WHISPER: _whisper,
    EventKind.SMS_STATUS: _sms_status,
    EventKind.SMS_INBOUND: _inbound,
    EventKind.LINE_ANSWER: agent_line.answer_line,
    EventKind.LINE_STATUS: agent_line.line_status,
}
