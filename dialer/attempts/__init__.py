"""Pure attempt logic: the monotonic status machine and outcome mapping."""

from __future__ import annotations

from dialer.attempts.machine import (
    MAY_START_DIALING,
    NOT_YET_PLACED,
    TWILIO_CALL_STATUSES,
    TWILIO_SMS_STATUSES,
    advance,
    apply_call_status,
    apply_sms_status,
    is_terminal,
    parse_call_status,
    parse_sms_status,
    provider_accepted,
    rank,
    refuse,
    release,
    revive,
    start_dialing,
)
from dialer.attempts.outcomes import call_outcome, is_machine, machine_not_abandoned, sms_outcome

__all__ = [
    "MAY_START_DIALING",
    "NOT_YET_PLACED",
    "TWILIO_CALL_STATUSES",
    "TWILIO_SMS_STATUSES",
    "advance",
    "apply_call_status",
    "apply_sms_status",
    "call_outcome",
    "is_machine",
    "is_terminal",
    "machine_not_abandoned",
    "parse_call_status",
    "parse_sms_status",
    "provider_accepted",
    "rank",
    "refuse",
    "release",
    "revive",
    "sms_outcome",
    "start_dialing",
]
