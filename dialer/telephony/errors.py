"""What can go wrong talking to the telephony provider, in the dialer's own words."""

from __future__ import annotations

from dialer.errors import DialerError

INVALID_NUMBER_CODES = frozenset({21211, 21214, 21217})
OPTED_OUT_CODE = 21610
NOT_SMS_CAPABLE_CODE = 21614
TOO_MANY_REQUESTS_CODE = 20429
# Twilio refuses US/Canada SMS for third-party debt collection; what each code says.
SMS_USE_CASE_REFUSED = {
    30943: "Twilio rejected the A2P 10DLC campaign: third-party debt collection is a prohibited "
    "use case for US SMS and the campaign cannot be resubmitted (error 30943)",
    30863: "Twilio refused the sender's verification: third-party debt collection is a "
    "forbidden messaging category for US and Canadian SMS (error 30863)",
    30460: "Twilio refused the toll-free number's verification: third-party debt collection is "
    "a forbidden messaging category for US and Canadian SMS (error 30460)",
}


class TelephonyError(DialerError):
    """The provider refused or failed a request. `code` is Twilio's error code when known."""

    def __init__(self, code: int | None, http_status: int | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} (code {self.code}, HTTP {self.http_status})"


class RetryableTelephonyError(TelephonyError):
    """Not processed by the provider (429/20429, 5xx on a read, refused connection): retry later."""


class InvalidNumberError(TelephonyError):
    """21211/21214/21217: the number is not valid or cannot be reached; mark it invalid."""


class OptedOutError(TelephonyError):
    """21610: the recipient replied STOP; record an SMS opt-out."""


class NotSmsCapableError(TelephonyError):
    """21614: not a mobile number (landline); it cannot receive SMS."""


class SmsUseCaseRefusedError(TelephonyError):
    """30943/30863/30460: Twilio does not carry this sender's SMS for third-party debt
    collection. Not the number's fault and not retryable: the sender or the campaign must change
    (a first-party sender, or no US SMS); see DIALER_COLLECTOR_TYPE in the README."""


class AmbiguousCreateError(TelephonyError):
    """A create whose request was sent but whose answer was lost (timeout, dropped connection,
    5xx). The call or message may exist: look it up before any retry (see recovery.py)."""
