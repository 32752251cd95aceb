"""Error mapping from twilio-python / requests exceptions to the gateway's errors."""

from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.response import Response
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from dialer.errors import DialerError
from dialer.telephony.error_mapping import map_exception
from dialer.telephony.errors import (
    AmbiguousCreateError,
    InvalidNumberError,
    NotSmsCapableError,
    OptedOutError,
    RetryableTelephonyError,
    SmsUseCaseRefusedError,
    TelephonyError,
)


def rest(status: int, code: int) -> TwilioRestException:
    return TwilioRestException(status, "/Accounts/AC/Calls.json", "Unable to create record", code)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, 20429, RetryableTelephonyError),
        (400, 21211, InvalidNumberError),
        (400, 21214, InvalidNumberError),
        (400, 21217, InvalidNumberError),
        (400, 21610, OptedOutError),
        (400, 21614, NotSmsCapableError),
        (401, 20003, TelephonyError),
        (404, 20404, TelephonyError),
    ],
)
def test_rest_codes(status, code, expected):
    error = map_exception(rest(status, code), creating=True)
    assert type(error) is expected
    assert (error.code, error.http_status) == (code, status)
    assert isinstance(error, DialerError)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (30943, "A2P 10DLC campaign: third-party debt collection is a prohibited use case"),
        (30863, "verification: third-party debt collection is a forbidden messaging category"),
        (30460, "toll-free number's verification: third-party debt collection"),
    ],
)
def test_third_party_debt_collection_refusals_say_why(code, says):
    error = map_exception(rest(400, code), creating=True)
    assert type(error) is SmsUseCaseRefusedError
    assert not isinstance(error, RetryableTelephonyError)
    assert says in str(error)
    assert f"error {code}" in str(error)
    assert "Unable to create record" in str(error)  # Twilio's own words are kept


def test_5xx_is_retryable_on_reads_but_ambiguous_on_creates():
    assert type(map_exception(rest(503, 503), creating=False)) is RetryableTelephonyError
    assert type(map_exception(rest(500, 20500), creating=True)) is AmbiguousCreateError


def test_page_errors_read_the_body():
    response = Response(429, '{"code": 20429, "message": "Too Many Requests", "status": 429}')
    error = map_exception(TwilioException("Unable to fetch page", response), creating=False)
    assert type(error) is RetryableTelephonyError
    assert error.code == 20429


def test_connection_refused_is_retryable_even_for_creates():
    refused = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    exc = requests.ConnectionError(MaxRetryError(None, "/x", refused))  # type: ignore[arg-type]
    assert type(map_exception(exc, creating=True)) is RetryableTelephonyError
    assert type(map_exception(requests.ConnectTimeout("slow"), creating=True)) is (
        RetryableTelephonyError
    )


def test_lost_answers_are_ambiguous_for_creates_only():
    aborted = requests.ConnectionError(ProtocolError("Connection aborted.", OSError()))
    assert type(map_exception(aborted, creating=True)) is AmbiguousCreateError
    assert type(map_exception(aborted, creating=False)) is RetryableTelephonyError
    timeout = requests.ReadTimeout("read timed out")
    assert type(map_exception(timeout, creating=True)) is AmbiguousCreateError


def test_anything_else_is_a_plain_telephony_error():
    error = map_exception(ValueError("boom"), creating=False)
    assert type(error) is TelephonyError
    assert "boom" in str(error)
