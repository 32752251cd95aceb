"""Twilio callbacks as frozen dataclasses, read from the stored payload (form + query).

The payload is what the ledger keeps verbatim, so a replayed event is read exactly like a
live one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from functools import partial
from typing import Any

from dialer.db.ids import parse_integer, parse_record_id


class EventKind(StrEnum):
    CALL_STATUS = "call_status"
    CALL_AMD = "call_amd"
    CALL_ANSWER = "call_answer"
    CALL_GATHER = "call_gather"
    CALL_WHISPER = "call_whisper"
    RECORDING = "recording"
    SMS_STATUS = "sms_status"
    SMS_INBOUND = "sms_inbound"
    LINE_ANSWER = "line_answer"  # an agent answered the call of their line
    LINE_STATUS = "line_status"  # the status of an agent line's call


def payload_of(form: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    return {"form": form, "query": query}


def _value(section: dict[str, Any], key: str) -> str | None:
    found = section.get(key)
    if isinstance(found, list):
        found = found[0] if found else None
    return None if found is None else str(found)


def form_value(payload: dict[str, Any], key: str) -> str | None:
    return _value(payload.get("form", {}), key)


def query_value(payload: dict[str, Any], key: str) -> str | None:
    return _value(payload.get("query", {}), key)


def _int(text: str | None) -> int | None:
    """A whole number that fits the database's INTEGER, else None (never an overflow)."""
    return parse_integer(text)


def _timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def attempt_of(payload: dict[str, Any]) -> int | None:
    return parse_record_id(query_value(payload, "attempt"))


@dataclass(frozen=True, slots=True)
class CallStatusEvent:
    attempt_id: int | None
    call_sid: str
    status: str
    sequence: int | None = None
    duration: int | None = None
    sip_code: int | None = None
    error_code: int | None = None
    answered_by: str | None = None
    timestamp: datetime | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CallStatusEvent:
        get = partial(form_value, payload)
        return cls(
            attempt_id=attempt_of(payload),
            call_sid=get("CallSid") or "",
            status=get("CallStatus") or "",
            sequence=_int(get("SequenceNumber")),
            duration=_int(get("CallDuration")),
            sip_code=_int(get("SipResponseCode")),
            error_code=_int(get("ErrorCode")),
            answered_by=get("AnsweredBy") or None,
            timestamp=_timestamp(get("Timestamp")),
        )


@dataclass(frozen=True, slots=True)
class AmdEvent:
    attempt_id: int | None
    call_sid: str
    answered_by: str

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> AmdEvent:
        return cls(
            attempt_id=attempt_of(payload),
            call_sid=form_value(payload, "CallSid") or "",
            answered_by=form_value(payload, "AnsweredBy") or "unknown",
        )


@dataclass(frozen=True, slots=True)
class VoiceRequest:
    """The answer, gather and whisper requests (TwiML is expected back)."""

    attempt_id: int | None
    call_sid: str
    answered_by: str | None = None
    stage: str | None = None
    try_number: int = 1
    digits: str = ""
    dial_status: str | None = None
    direction: str | None = None  # inbound for a call a consumer made to one of our numbers
    from_number: str | None = None
    to_number: str | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> VoiceRequest:
        return cls(
            direction=form_value(payload, "Direction"),
            from_number=(form_value(payload, "From") or "").strip() or None,
            to_number=(form_value(payload, "To") or "").strip() or None,
            attempt_id=attempt_of(payload),
            call_sid=form_value(payload, "CallSid") or "",
            answered_by=form_value(payload, "AnsweredBy") or None,
            stage=query_value(payload, "stage"),
            try_number=max(_int(query_value(payload, "try")) or 1, 1),
            digits=(form_value(payload, "Digits") or "").strip(),
            dial_status=form_value(payload, "DialCallStatus"),
        )


@dataclass(frozen=True, slots=True)
class RecordingEvent:
    attempt_id: int | None
    call_sid: str
    recording_sid: str
    recording_url: str | None
    duration: int | None
    status: str
    # Recorded on a leg our <Dial> rang (the consumer's leg of a manual call): its CallSid is
    # that leg's, not the attempt's; the attempt id in the signed URL finds the attempt.
    dialled_leg: bool = False

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> RecordingEvent:
        get = partial(form_value, payload)
        return cls(
            attempt_id=attempt_of(payload),
            call_sid=get("CallSid") or "",
            recording_sid=get("RecordingSid") or "",
            recording_url=get("RecordingUrl"),
            duration=_int(get("RecordingDuration")),
            status=get("RecordingStatus") or "completed",
            dialled_leg=query_value(payload, "leg") == "dialled",
        )


@dataclass(frozen=True, slots=True)
class SmsStatusEvent:
    attempt_id: int | None
    message_sid: str
    status: str
    error_code: int | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SmsStatusEvent:
        get = partial(form_value, payload)
        return cls(
            attempt_id=attempt_of(payload),
            message_sid=get("MessageSid") or get("SmsSid") or "",
            status=get("MessageStatus") or get("SmsStatus") or "",
            error_code=_int(get("ErrorCode")),
        )


@dataclass(frozen=True, slots=True)
class InboundSms:
    message_sid: str
    from_number: str
    to_number: str
    body: str

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> InboundSms:
        get = partial(form_value, payload)
        return cls(
            message_sid=get("MessageSid") or get("SmsSid") or "",
            from_number=(get("From") or "").strip(),
            to_number=(get("To") or "").strip(),
            body=get("Body") or "",
        )


def _natural_key(kind: EventKind, payload: dict[str, Any]) -> tuple[str, ...]:
    """The fields that name one event, all of them signed (the form, or the callback URL)."""

    def get(key: str) -> str:
        return form_value(payload, key) or ""

    def query(key: str) -> str:
        return query_value(payload, key) or ""

    if kind in (EventKind.CALL_STATUS, EventKind.LINE_STATUS):
        return (get("CallSid"), get("CallStatus"), get("SequenceNumber"))
    if kind is EventKind.CALL_GATHER:
        return (get("CallSid"), query("stage"), query("try"))
    if kind is EventKind.RECORDING:
        return (get("RecordingSid"), get("RecordingStatus"))
    if kind is EventKind.SMS_STATUS:
        return (get("MessageSid") or get("SmsSid"), get("MessageStatus") or get("SmsStatus"))
    if kind is EventKind.SMS_INBOUND:
        return (get("MessageSid") or get("SmsSid"),)
    return (get("CallSid"), query("attempt"))  # answer, amd, whisper: one per call leg


def dedupe_key(kind: EventKind, payload: dict[str, Any], idempotency_token: str | None) -> str:
    """The event's natural key, built from signed fields only.

    I-Twilio-Idempotency-Token is not signed: a captured request replayed with a new token
    must still be a duplicate, so the token never decides. It is used only when the request
    names no SID at all (nothing signed identifies it).
    """
    parts = _natural_key(kind, payload)
    if not parts[0] and idempotency_token:
        return f"{kind.value}:token:{idempotency_token.strip()}"
    return ":".join((kind.value, *parts))
