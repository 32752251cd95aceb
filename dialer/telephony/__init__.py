"""The telephony gateway: the Telephony port, its Twilio adapter, a fake, and its errors."""

from __future__ import annotations

from dialer.telephony.errors import (
    AmbiguousCreateError,
    InvalidNumberError,
    NotSmsCapableError,
    OptedOutError,
    RetryableTelephonyError,
    SmsUseCaseRefusedError,
    TelephonyError,
)
from dialer.telephony.ports import ProviderCall, ProviderMessage, Telephony
from dialer.telephony.recovery import (
    place_call_safely,
    recover_ambiguous_call,
    recover_ambiguous_message,
    send_sms_safely,
)

__all__ = [
    "AmbiguousCreateError",
    "InvalidNumberError",
    "NotSmsCapableError",
    "OptedOutError",
    "ProviderCall",
    "ProviderMessage",
    "RetryableTelephonyError",
    "SmsUseCaseRefusedError",
    "Telephony",
    "TelephonyError",
    "place_call_safely",
    "recover_ambiguous_call",
    "recover_ambiguous_message",
    "send_sms_safely",
]
