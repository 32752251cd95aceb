"""<Start><Recording>: a recording of the call the TwiML runs on, from that moment to the
call's end (as on Twilio: it runs on through a <Dial>'s bridge, both parties), kept in the
Recordings list and announced to its status callback once completed.

Each start is also written to the call's executed log, `at` in emulated seconds after that
call's answer, so a test can compare it with what the party heard (`heard`)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from twilio_emulator.state import CallRecord

if TYPE_CHECKING:
    from twilio_emulator.calls import CallFlow

SOURCE = "StartCallRecordingTwiML"


@dataclass(frozen=True, slots=True)
class Running:
    started: float  # monotonic
    callback: str | None
    channels: int


def offset(flow: CallFlow, call: CallRecord) -> float:
    """Emulated seconds since `call` was answered (0 before)."""
    if call.answered_at is None:
        return 0.0
    return round((time.monotonic() - call.answered_at) * flow.engine.speed, 3)


def start(flow: CallFlow, call: CallRecord, verb: ET.Element, doc_url: str) -> None:
    """<Start> with a <Recording> noun: recording of `call` starts now."""
    noun = verb.find("Recording")
    if noun is None:
        return
    callback = noun.get("recordingStatusCallback")
    running = Running(
        started=time.monotonic(),
        callback=urljoin(doc_url, callback) if callback else None,
        channels=2 if noun.get("channels", "mono") == "dual" else 1,
    )
    entry = {"event": "recording-started", "source": SOURCE, "at": offset(flow, call)}
    with flow.store.lock:
        call.recordings_running.append(running)
        call.executed.append(entry)


def finish(flow: CallFlow, call: CallRecord) -> None:
    """The call ended: its running recordings are completed, kept and called back."""
    with flow.store.lock:
        running, call.recordings_running = call.recordings_running, []
    for item in running:
        seconds = max((time.monotonic() - item.started) * flow.engine.speed, 1.0)
        recording = flow.keep_recording(
            call, seconds, SOURCE, channels=item.channels, call_sid=call.sid
        )
        with flow.store.lock:
            call.executed.append({"event": "recording-completed", "recording_sid": recording.sid})
        flow.send_recording(call, item.callback, seconds, SOURCE, recording=recording)
