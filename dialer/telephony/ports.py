"""The Telephony port: what the dialer needs from a provider, in plain typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class ProviderCall:
    sid: str
    status: str  # queued, ringing, in-progress, completed, busy, failed, no-answer, canceled
    to: str
    from_: str
    created_at: datetime | None
    answered_by: str | None = None
    duration: int | None = None  # seconds, once ended
    error_code: int | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    parent_call_sid: str | None = None
    direction: str | None = None


@dataclass(frozen=True)
class ProviderMessage:
    sid: str
    status: str  # queued, sending, sent, delivered, undelivered, failed, received...
    to: str
    from_: str
    created_at: datetime | None
    body: str = ""
    error_code: int | None = None
    error_message: str | None = None
    sent_at: datetime | None = None
    direction: str | None = None


class Telephony(Protocol):
    """Place calls and send SMS; every method raises dialer.telephony.errors on failure."""

    def place_call(
        self,
        *,
        to: str,
        from_: str,
        answer_url: str,
        status_url: str,
        amd_url: str | None,
        timeout_seconds: int,
        machine_detection: bool,
    ) -> ProviderCall: ...

    def send_sms(
        self,
        *,
        to: str,
        from_: str,
        body: str,
        status_url: str,
        valid_for: timedelta | None = None,
    ) -> ProviderMessage:
        """Send a text; `valid_for`: Twilio drops it if still queued after that long
        (ValidityPeriod, whole seconds, 1 s to 10 h; None: Twilio's default of 10 h)."""
        ...

    def fetch_call(self, sid: str) -> ProviderCall: ...

    def fetch_message(self, sid: str) -> ProviderMessage: ...

    def cancel_call(self, sid: str) -> ProviderCall: ...

    def hang_up(self, sid: str) -> ProviderCall: ...

    def redirect_call(self, sid: str, *, url: str) -> ProviderCall: ...

    def find_calls(self, *, to: str, from_: str, created_after: datetime) -> list[ProviderCall]: ...

    def find_messages(
        self, *, to: str, from_: str, created_after: datetime
    ) -> list[ProviderMessage]: ...

    def call_log(self) -> list[ProviderCall]: ...

    def delete_recording(self, sid: str) -> None:
        """Delete a call recording (its audio and its record) at the provider; a recording
        that is already gone raises TelephonyError with code 20404 (HTTP 404)."""
        ...

    def recording_audio(self, sid: str) -> bytes:
        """The recording's audio (WAV), fetched with the account's credentials."""
        ...

    def message_log(self) -> list[ProviderMessage]: ...
