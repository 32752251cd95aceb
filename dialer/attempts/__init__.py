"""Pure attempt logic: the monotonic status machine and outcome mapping."""

from __future__ import annotations

from dialer.attempts.machine import (
    TWILIO_CALL_STATUSES,
    TWILIO_SMS_STATUSES,
    advance,
    apply_call_status,
    apply_sms_status,
    is_terminal,
    parse_call_status,
    parse_sms_status,
    rank,
)
from dialer.attempts.outcomes import call_outcome, is_machine, sms_outcome

__all__ = [
    "TWILIO_CALL_STATUSES",
    "TWILIO_SMS_STATUSES",
    "advance",
    "apply_call_status",
    "apply_sms_status",
    "call_outcome",
    "is_machine",
    "is_terminal",
    "parse_call_status",
    "parse_sms_status",
    "rank",
    "sms_outcome",
]
