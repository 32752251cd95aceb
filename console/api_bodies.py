"""The JSON API's request bodies, parsed: malformed JSON is a 400, anything else wrong a 422
naming the field (never a 500 further down)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest

from dialer.cases.dispositions import DispositionCode, DispositionInput
from dialer.db.ids import MAX_INTEGER, parse_record_id
from dialer.errors import InputError

MAX_AMOUNT = Decimal(10) ** 12


def json_object() -> dict[str, Any]:
    """The request's JSON object; malformed JSON is a 400 and anything else a 422, each with
    the reason (never a 500 further down)."""
    if not request.is_json:
        raise InputError("send a JSON object with Content-Type: application/json")
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise InputError(f"the body must be a JSON object, not {type(body).__name__}")
    return body


def optional_id(body: dict[str, Any], key: str) -> int | None:
    """A record id in the body, if given; a clear 422 for anything else."""
    value = body.get(key)
    if value is None:
        return None
    found = parse_record_id(value)
    if found is None:
        raise InputError(f"{key} must be a record id (1 to {MAX_INTEGER}), got {value!r}"[:200])
    return found


def optional_text(body: dict[str, Any], key: str) -> str | None:
    """Text in the body, if given."""
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{key} must be text")
    return value


def limits_body() -> tuple[str, str, dict[str, Any], str | None]:
    """(scope, scope key, limits, reason) of a limits request; checked by the one validator."""
    body = json_object()
    if not isinstance(body.get("limits"), dict):
        raise InputError('send {"scope": ..., "scope_key": ..., "limits": {...}, "reason": ...}')
    return (
        str(body.get("scope", "global")),
        str(body.get("scope_key", "")).upper(),
        body["limits"],
        optional_text(body, "reason"),
    )


def disposition_input(body: dict[str, Any]) -> DispositionInput:
    """An agent's disposition as the API sends it; a clear 422 for a malformed field."""
    try:
        code = DispositionCode(str(body.get("code")))
        amount = Decimal(str(body["amount"])) if body.get("amount") is not None else None
        promised = date.fromisoformat(body["promised_date"]) if body.get("promised_date") else None
        callback = (
            datetime.fromisoformat(body["callback_local"]) if body.get("callback_local") else None
        )
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise InputError(f"bad disposition: {exc}") from None
    if amount is not None and (not amount.is_finite() or abs(amount) >= MAX_AMOUNT):
        raise InputError(f"amount must be a number below {MAX_AMOUNT}")
    if callback is not None and callback.tzinfo is not None:
        raise InputError("callback_local is the consumer's local wall-clock time, no offset")
    notes = body.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise InputError("notes must be text")
    return DispositionInput(
        code=code,
        notes=notes,
        amount=amount,
        promised_date=promised,
        callback_local=callback,
    )
