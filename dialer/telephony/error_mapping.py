"""Translate twilio-python and requests exceptions into the dialer's telephony errors."""

from __future__ import annotations

import json

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from dialer.telephony.errors import (
    INVALID_NUMBER_CODES,
    NOT_SMS_CAPABLE_CODE,
    OPTED_OUT_CODE,
    SMS_USE_CASE_REFUSED,
    TOO_MANY_REQUESTS_CODE,
    AmbiguousCreateError,
    InvalidNumberError,
    NotSmsCapableError,
    OptedOutError,
    RetryableTelephonyError,
    SmsUseCaseRefusedError,
    TelephonyError,
)

_BY_CODE: dict[int, type[TelephonyError]] = {
    **dict.fromkeys(INVALID_NUMBER_CODES, InvalidNumberError),
    OPTED_OUT_CODE: OptedOutError,
    NOT_SMS_CAPABLE_CODE: NotSmsCapableError,
}


def from_status(
    code: int | None, status: int | None, message: str, *, creating: bool
) -> TelephonyError:
    """The error for a provider answer with an HTTP status and a Twilio code."""
    if code == TOO_MANY_REQUESTS_CODE or status == 429:
        return RetryableTelephonyError(code, status, message)
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code](code, status, message)
    if code in SMS_USE_CASE_REFUSED:
        return SmsUseCaseRefusedError(code, status, f"{SMS_USE_CASE_REFUSED[code]}: {message}")
    if status is not None and status >= 500:
        # a read can be repeated; a create may have been processed before the failure
        kind = AmbiguousCreateError if creating else RetryableTelephonyError
        return kind(code, status, message)
    return TelephonyError(code, status, message)


def _never_sent(exc: BaseException) -> bool:
    """True when the failure happened while connecting, before any byte of the request left."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectTimeoutError, requests.ConnectTimeout)):
            return True
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        stack.append(getattr(current, "reason", None))
        stack.extend([current.__cause__, current.__context__])
    return False


def map_exception(exc: Exception, *, creating: bool) -> TelephonyError:
    """Map any exception raised by a twilio client call."""
    if isinstance(exc, TwilioRestException):
        return from_status(exc.code, exc.status, str(exc.msg), creating=creating)
    if isinstance(exc, TwilioException):
        # list/page errors carry the raw response as the second argument
        response = exc.args[1] if len(exc.args) > 1 else None
        status = getattr(response, "status_code", None)
        code: int | None = None
        message = str(exc.args[0]) if exc.args else "Twilio error"
        try:
            payload = json.loads(getattr(response, "text", "") or "{}")
            code = int(payload["code"]) if "code" in payload else None
            message = f"{message}: {payload.get('message', '')}".rstrip(": ")
        except (ValueError, TypeError):
            pass
        return from_status(code, status, message, creating=creating)
    if isinstance(exc, requests.RequestException):
        if _never_sent(exc):
            return RetryableTelephonyError(None, None, f"could not connect: {exc}")
        if creating:
            return AmbiguousCreateError(None, None, f"no answer to a create: {exc}")
        return RetryableTelephonyError(None, None, f"request failed: {exc}")
    return TelephonyError(None, None, f"unexpected telephony failure: {exc!r}")
