"""Call recordings the TwiML asks for: <Dial record="record-from-answer[-dual]"> (the bridged
talk, source DialVerb), and <Start><Recording> (the call's own leg from that moment to the
call's end, the TwiML going on at once; source StartCallRecordingAPI)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

if TYPE_CHECKING:
    from twilio_emulator.twiml_runner import Document, TwimlRunner

SOURCE = "StartCallRecordingAPI"


@dataclass(frozen=True)
class StartedRecording:
    started: float  # monotonic
    callback: str | None
    channels: int


def start_recordings(runner: TwimlRunner, verb: ET.Element, doc: Document) -> str:
    """<Start> with <Recording> children: each starts now (other <Start> nouns are ignored);
    the TwiML continues at once."""
    from twilio_emulator.twiml_runner import CONTINUE

    for noun in verb:
        if noun.tag != "Recording":
            continue
        runner.log_verb(runner.call, noun, parent="Start")
        callback = noun.get("recordingStatusCallback")
        runner.started_recordings.append(
            StartedRecording(
                started=time.monotonic(),
                callback=urljoin(doc.url, callback) if callback else None,
                channels=2 if noun.get("channels") == "dual" else 1,
            )
        )
        runner.log(runner.call, {"event": "recording-started", "source": SOURCE})
    return CONTINUE


def finish_recordings(runner: TwimlRunner) -> None:
    """The call's TwiML is over (it hung up or ended): each started recording is complete."""
    for started in runner.started_recordings:
        seconds = (time.monotonic() - started.started) * runner.engine.speed
        if seconds < 1:
            continue
        flow, call = runner.flow, runner.call
        recording = flow.keep_recording(call, seconds, SOURCE, channels=started.channels)
        runner.log(call, {"event": "recording-completed", "recording_sid": recording.sid})
        flow.send_recording(call, started.callback, seconds, SOURCE, recording=recording)
    runner.started_recordings.clear()


def start_dial_recording(runner: TwimlRunner, verb: ET.Element) -> None:
    """<Dial record="record-from-answer[-dual]">: recording starts at the bridge."""
    if (verb.get("record") or "").startswith("record-from-"):
        runner.log(runner.call, {"event": "recording-started", "source": "DialVerb"})


def finish_dial_recording(
    runner: TwimlRunner, verb: ET.Element, doc: Document, duration: int
) -> None:
    mode = verb.get("record") or ""
    if not mode.startswith("record-from-") or duration <= 0:
        return
    dual = mode.endswith("-dual")
    recording = runner.flow.keep_recording(
        runner.call, duration, "DialVerb", channels=2 if dual else 1
    )
    runner.log(runner.call, {"event": "recording-completed", "recording_sid": recording.sid})
    callback = verb.get("recordingStatusCallback")
    url = urljoin(doc.url, callback) if callback else None
    runner.flow.send_recording(runner.call, url, duration, "DialVerb", recording=recording)
