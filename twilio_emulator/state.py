"""The emulator's in-memory records and the lock that guards them."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from twilio_emulator.config import NumberScript


@dataclass
class CallPlan:
    """What will happen to one call, decided (with the seeded RNG) when it is created."""

    outcome: str  # human, machine, fax, unknown, busy, no-answer, failed
    answered_by: str | None
    ring_seconds: float
    talk_seconds: float
    digits: deque[str | None]
    agent_answers: bool | None
    record_seconds: float


@dataclass
class CallRecord:
    sid: str
    account_sid: str
    to: str
    from_: str
    date_created: datetime
    date_updated: datetime
    plan: CallPlan
    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    events: frozenset[str] = frozenset({"completed"})
    timeout: int = 60
    machine_detection: str | None = None
    async_amd: bool = False
    amd_callback: str | None = None
    amd_callback_method: str = "POST"
    record: bool = False
    recording_status_callback: str | None = None
    status: str = "queued"
    direction: str = "outbound-api"
    parent_call_sid: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration: int | None = None
    answered_by: str | None = None
    queue_time_ms: int = 0
    sequence: int = 0
    callbacks_started: bool = False  # initiated has happened (cancel then sends a callback)
    answered_at: float | None = None  # monotonic
    hangup_requested: bool = False
    redirect: tuple[str, str] | None = None
    interrupt: threading.Event = field(default_factory=threading.Event)
    # What the called party heard, in order: (emulated seconds after the answer, verb, text).
    heard: list[tuple[float, str, str]] = field(default_factory=list)
    # The TwiML this call executed, in order: {"verb", "attributes", "text"} per verb, and
    # {"event": "recording-started", "recording_sid"} when a recording began (for audits).
    executed: list[dict[str, Any]] = field(default_factory=list)
    # Recordings <Start><Recording> began on this call, completed when it ends.
    recordings_running: list[Any] = field(default_factory=list)

    @property
    def terminal(self) -> bool:
        return self.status in {"completed", "busy", "no-answer", "failed", "canceled"}


@dataclass
class MessageRecord:
    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    date_created: datetime
    date_updated: datetime
    status: str = "queued"
    direction: str = "outbound-api"
    status_callback: str | None = None
    date_sent: datetime | None = None
    error_code: int | None = None
    num_segments: int = 1
    validity_period: int | None = None  # seconds it may wait in the sender's queue
    outcome: str = "delivered"
    planned_error: int | None = None


@dataclass
class RecordingRecord:
    """A call recording, as Twilio keeps it until it is deleted."""

    sid: str
    account_sid: str
    call_sid: str
    date_created: datetime
    start_time: datetime
    duration: int
    source: str  # DialVerb, RecordVerb, OutboundAPI
    channels: int = 1
    status: str = "completed"


@dataclass
class ParticipantRecord:
    """One call's stay in a conference room (kept after it leaves, for audits)."""

    call_sid: str
    joined_at: datetime
    start_on_enter: bool
    end_on_exit: bool
    bridged_at: datetime | None = None  # the room had started (someone else to talk to)
    left_at: datetime | None = None


@dataclass
class ConferenceRecord:
    """A conference room: created by its first participant, in-progress once a participant
    with startConferenceOnEnter is in it, completed when one with endConferenceOnExit leaves
    or the last one does (a later join by the same name opens a new conference)."""

    sid: str
    account_sid: str
    friendly_name: str
    date_created: datetime
    date_updated: datetime
    status: str = "init"
    participants: list[ParticipantRecord] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)


@dataclass
class CallbackLogEntry:
    url: str
    kind: str
    params: dict[str, list[str]]
    status: int | None
    attempt: int
    token: str
    at: float


class Clock(Protocol):
    """What time it is for the emulator (timezone-aware UTC); `dialer.clock` fits."""

    def now(self) -> datetime: ...


class WallClock:
    """The real time (the emulator's default, as on Twilio)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Store:
    """Calls, messages, opt-outs, scripts and statistics; every access holds `lock`.

    `clock` stamps everything the emulator records and reports (date_created, start_time,
    date_sent, callback times): a rehearsal clock makes the emulator live at that time.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or WallClock()
        self.lock = threading.RLock()
        self.calls: dict[str, CallRecord] = {}
        self.messages: dict[str, MessageRecord] = {}
        self.recordings: dict[str, RecordingRecord] = {}
        self.conferences: dict[str, ConferenceRecord] = {}
        self.scripts: dict[str, NumberScript] = {}
        self.opted_out: set[str] = set()
        self.call_creates: list[float] = []  # epoch seconds (on `clock`) of accepted call creates
        self.message_creates: list[float] = []
        self.sms_queue_free_at: dict[str, float] = {}  # sender -> monotonic time its queue empties
        self.rejected_429 = 0
        self.callback_log: deque[CallbackLogEntry] = deque(maxlen=10000)

    def reset(self) -> None:
        with self.lock:
            for call in self.calls.values():
                call.hangup_requested = True
                call.interrupt.set()
            self.calls.clear()
            self.messages.clear()
            self.recordings.clear()
            for room in self.conferences.values():
                room.ended.set()
            self.conferences.clear()
            self.scripts.clear()
            self.opted_out.clear()
            self.call_creates.clear()
            self.message_creates.clear()
            self.sms_queue_free_at.clear()
            self.rejected_429 = 0
            self.callback_log.clear()

    def now(self) -> datetime:
        return self.clock.now()

    def log_callback(self, entry: CallbackLogEntry) -> None:
        with self.lock:
            self.callback_log.append(entry)

    def callbacks(self) -> list[dict[str, Any]]:
        with self.lock:
            return [
                {
                    "url": e.url,
                    "kind": e.kind,
                    "params": e.params,
                    "status": e.status,
                    "attempt": e.attempt,
                    "idempotency_token": e.token,
                    "at": e.at,
                }
                for e in self.callback_log
            ]
