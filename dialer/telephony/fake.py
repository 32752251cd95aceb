"""FakeTelephony: an in-memory Telephony for unit tests of the dialer's other modules."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from dialer.clock import Clock, SystemClock
from dialer.telephony.errors import (
    AmbiguousCreateError,
    OptedOutError,
    TelephonyError,
)
from dialer.telephony.ports import ProviderCall, ProviderMessage

CANCELABLE = frozenset({"queued", "ringing"})


@dataclass(frozen=True)
class PlacedCall:
    """Everything place_call was asked, kept for assertions."""

    call: ProviderCall
    answer_url: str
    status_url: str
    amd_url: str | None
    timeout_seconds: int
    machine_detection: bool


@dataclass(frozen=True)
class SentMessage:
    message: ProviderMessage
    status_url: str
    valid_for: timedelta | None = None


@dataclass
class FakeTelephony:
    """Records calls and messages; errors can be scripted per operation or per number.

    fake.fail_next("place_call", RetryableTelephonyError(20429, 429, "slow down"))
    fake.fail_number("+15550001111", InvalidNumberError(21211, 400, "bad"))
    fake.fail_next("place_call", fake.ambiguous(record=True))  # call exists, answer lost
    """

    clock: Clock = field(default_factory=SystemClock)
    calls: dict[str, ProviderCall] = field(default_factory=dict)
    messages: dict[str, ProviderMessage] = field(default_factory=dict)
    placed: list[PlacedCall] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    opted_out: set[str] = field(default_factory=set)
    _next_errors: dict[str, list[Exception]] = field(default_factory=dict)
    _number_errors: dict[str, Exception] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _record_ambiguous: set[int] = field(default_factory=set)
    recordings: dict[str, bytes] = field(default_factory=dict)  # sid -> audio
    deleted_recordings: list[str] = field(default_factory=list)

    # --- scripting ----------------------------------------------------------------------

    def fail_next(self, operation: str, error: Exception) -> None:
        self._next_errors.setdefault(operation, []).append(error)

    def fail_number(self, number: str, error: Exception) -> None:
        self._number_errors[number] = error

    def ambiguous(self, *, record: bool) -> AmbiguousCreateError:
        """An ambiguous-create error; with record=True the call is stored before it is raised."""
        error = AmbiguousCreateError(None, None, "the answer to the create was lost")
        if record:
            self._record_ambiguous.add(id(error))
        return error

    def set_call_status(self, sid: str, status: str, **changes: object) -> ProviderCall:
        updated = replace(self.calls[sid], status=status, **changes)  # type: ignore[arg-type]
        self.calls[sid] = updated
        return updated

    def set_message_status(self, sid: str, status: str, **changes: object) -> ProviderMessage:
        updated = replace(self.messages[sid], status=status, **changes)  # type: ignore[arg-type]
        self.messages[sid] = updated
        return updated

    # --- Telephony ----------------------------------------------------------------------

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
    ) -> ProviderCall:
        error = self._take("place_call") or self._number_errors.get(to)
        if error is not None and id(error) not in self._record_ambiguous:
            raise error
        call = ProviderCall(
            sid=self._sid("CA"),
            status="queued",
            to=to,
            from_=from_,
            created_at=self._now(),
            direction="outbound-api",
        )
        self.calls[call.sid] = call
        self.placed.append(
            PlacedCall(call, answer_url, status_url, amd_url, timeout_seconds, machine_detection)
        )
        if error is not None:
            raise error
        return call

    def send_sms(
        self,
        *,
        to: str,
        from_: str,
        body: str,
        status_url: str,
        valid_for: timedelta | None = None,
    ) -> ProviderMessage:
        error = self._take("send_sms") or self._number_errors.get(to)
        if error is None and to in self.opted_out:
            error = OptedOutError(21610, 400, "Attempt to send to unsubscribed recipient")
        if error is not None and id(error) not in self._record_ambiguous:
            raise error
        msg = ProviderMessage(
            sid=self._sid("SM"),
            status="queued",
            to=to,
            from_=from_,
            created_at=self._now(),
            body=body,
            direction="outbound-api",
        )
        self.messages[msg.sid] = msg
        self.sent.append(SentMessage(msg, status_url, valid_for))
        if error is not None:
            raise error
        return msg

    def fetch_call(self, sid: str) -> ProviderCall:
        self._raise_next("fetch_call")
        return self._call(sid)

    def fetch_message(self, sid: str) -> ProviderMessage:
        self._raise_next("fetch_message")
        if sid not in self.messages:
            raise TelephonyError(20404, 404, f"message {sid} not found")
        return self.messages[sid]

    def cancel_call(self, sid: str) -> ProviderCall:
        self._raise_next("cancel_call")
        call = self._call(sid)
        return self.set_call_status(sid, "canceled") if call.status in CANCELABLE else call

    def hang_up(self, sid: str) -> ProviderCall:
        self._raise_next("hang_up")
        call = self._call(sid)
        if call.status in CANCELABLE:
            return self.set_call_status(sid, "canceled")
        if call.status == "in-progress":
            return self.set_call_status(sid, "completed")
        return call

    def redirect_call(self, sid: str, *, url: str) -> ProviderCall:
        self._raise_next("redirect_call")
        call = self._call(sid)
        if call.status != "in-progress":
            raise TelephonyError(21220, 400, "Call is not in-progress. Cannot redirect.")
        return call

    def call_log(self) -> list[ProviderCall]:
        return list(self.calls.values())

    def delete_recording(self, sid: str) -> None:
        self._raise_next("delete_recording")
        if self.recordings.pop(sid, None) is None:
            raise TelephonyError(20404, 404, f"recording {sid} not found")
        self.deleted_recordings.append(sid)

    def recording_audio(self, sid: str) -> bytes:
        self._raise_next("recording_audio")
        if sid not in self.recordings:
            raise TelephonyError(20404, 404, f"recording {sid} not found")
        return self.recordings[sid]

    def message_log(self) -> list[ProviderMessage]:
        return list(self.messages.values())

    def find_calls(self, *, to: str, from_: str, created_after: datetime) -> list[ProviderCall]:
        self._raise_next("find_calls")
        floor = created_after.replace(microsecond=0)
        return [
            c
            for c in self.calls.values()
            if c.to == to and c.from_ == from_ and (c.created_at is None or c.created_at >= floor)
        ]

    def find_messages(
        self, *, to: str, from_: str, created_after: datetime
    ) -> list[ProviderMessage]:
        self._raise_next("find_messages")
        floor = created_after.replace(microsecond=0)
        return [
            m
            for m in self.messages.values()
            if m.to == to and m.from_ == from_ and (m.created_at is None or m.created_at >= floor)
        ]

    # --- helpers ------------------------------------------------------------------------

    def _take(self, operation: str) -> Exception | None:
        queue = self._next_errors.get(operation)
        return queue.pop(0) if queue else None

    def _raise_next(self, operation: str) -> None:
        error = self._take(operation)
        if error is not None:
            raise error

    def _call(self, sid: str) -> ProviderCall:
        if sid not in self.calls:
            raise TelephonyError(20404, 404, f"call {sid} not found")
        return self.calls[sid]

    def _sid(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):032x}"

    def _now(self) -> datetime:
        return self.clock.now().astimezone(UTC).replace(microsecond=0)
