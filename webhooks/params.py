"""A Twilio request as stored in the ledger: form and query verbatim, dedupe key, SID."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from werkzeug.datastructures import MultiDict

from dialer.callbacks import EventKind, dedupe_key, payload_of
from dialer.callbacks.events import attempt_of
from dialer.ledger import IncomingEvent

IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
_SID_FIELDS = ("CallSid", "MessageSid", "SmsSid")


def _storable(text: str) -> str:
    """NUL bytes removed: PostgreSQL stores no NUL in text or JSON (the signature was already
    checked over the request as sent)."""
    return text.replace("\x00", "") if "\x00" in text else text


def _verbatim(data: MultiDict[str, str]) -> dict[str, Any]:
    """Every key, a repeated key as a list (to_dict() would drop the repeats)."""
    result: dict[str, Any] = {}
    for key in data:
        values = [_storable(value) for value in data.getlist(key)]
        result[_storable(key)] = values[0] if len(values) == 1 else values
    return result


@dataclass(frozen=True, slots=True)
class TwilioRequest:
    form: dict[str, Any]
    query: dict[str, Any]
    idempotency_token: str | None

    @classmethod
    def from_flask(cls) -> TwilioRequest:
        return cls(
            form=_verbatim(request.form),
            query=_verbatim(request.args),
            idempotency_token=request.headers.get(IDEMPOTENCY_HEADER) or None,
        )

    @property
    def payload(self) -> dict[str, Any]:
        return payload_of(self.form, self.query)

    def event(self, kind: EventKind) -> IncomingEvent:
        payload = self.payload
        sid = next((str(self.form[f]) for f in _SID_FIELDS if self.form.get(f)), None)
        return IncomingEvent(
            kind=kind.value,
            dedupe_key=dedupe_key(kind, payload, self.idempotency_token),
            payload=payload,
            provider_sid=sid[:34] if sid else None,
            attempt_id=attempt_of(payload),
        )
