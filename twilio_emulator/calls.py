"""The life of an outbound call: queue, dial, ring, answer (with AMD), TwiML, hang up."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from twilio_emulator import call_recording
from twilio_emulator.callbacks import Dispatcher, Params
from twilio_emulator.config import EmulatorConfig
from twilio_emulator.engine import Engine
from twilio_emulator.pacing import Pacer
from twilio_emulator.scenarios import Scenarios
from twilio_emulator.shapes import API_VERSION, new_sid, rfc2822
from twilio_emulator.state import CallRecord, RecordingRecord, Store

SIP_CODES = {"completed": "200", "busy": "486", "no-answer": "487", "failed": "404"}
SIP_CODES["canceled"] = "487"
AMD_SECONDS = {"human": 2.5, "fax": 3.0, "unknown": 30.0}


class CallFlow:
    def __init__(
        self,
        *,
        store: Store,
        engine: Engine,
        dispatcher: Dispatcher,
        scenarios: Scenarios,
        pacer: Pacer,
        config: Callable[[], EmulatorConfig],
    ) -> None:
        self.store = store
        self.engine = engine
        self.dispatcher = dispatcher
        self.scenarios = scenarios
        self.pacer = pacer
        self.config = config

    # --- API entry points -------------------------------------------------------------

    def start(self, call: CallRecord) -> None:
        """Queue the call; it leaves the queue at the CPS rate (real seconds)."""
        wait = self.pacer.slot()
        call.queue_time_ms = int(wait * 1000)
        self.engine.after_real(wait, lambda: self._dequeue(call))

    def inbound(
        self, *, account_sid: str, from_: str, to: str, url: str, status_url: str | None
    ) -> CallRecord:
        """A consumer calls one of our numbers: the call is answered at once and the voice URL
        is fetched (signed) as Twilio does for an incoming call; the caller's script (keyed by
        their number) says which keys they press."""
        moment = self.store.now()
        call = CallRecord(
            sid=new_sid("CA"),
            account_sid=account_sid,
            to=to,
            from_=from_,
            date_created=moment,
            date_updated=moment,
            plan=self.scenarios.plan_call(from_, None),
            url=url,
            status_callback=status_url,
            events=frozenset({"completed"}),
            direction="inbound",
            status="ringing",
            callbacks_started=True,
        )
        with self.store.lock:
            self.store.calls[call.sid] = call
        self.engine.after(0.5, lambda: self._answer(call))
        return call

    def cancel(self, call: CallRecord) -> bool:
        with self.store.lock:
            if call.status not in {"queued", "ringing"}:
                return False
            started = call.callbacks_started
            self._finish_locked(call, "canceled")
        call.interrupt.set()
        if started:
            self._status_event(call, "completed", "canceled")
        return True

    def hang_up(self, call: CallRecord) -> bool:
        with self.store.lock:
            if call.status in {"queued", "ringing"}:
                return self.cancel(call)
            if call.status != "in-progress":
                return False
            call.hangup_requested = True
        call.interrupt.set()
        return True

    def redirect(self, call: CallRecord, url: str, method: str) -> bool:
        with self.store.lock:
            if call.status != "in-progress":
                return False
            call.redirect = (url, method)
        call.interrupt.set()
        return True

    # --- lifecycle ----------------------------------------------------------------------

    def _dequeue(self, call: CallRecord) -> None:
        with self.store.lock:
            if call.status != "queued":
                return
            call.callbacks_started = True
            call.date_updated = self.store.now()
        self._status_event(call, "initiated", "initiated")
        if call.plan.outcome == "failed":
            self.engine.after(1.0, lambda: self._end(call, "failed"))
        else:
            self.engine.after(1.0, lambda: self._ring(call))

    def _ring(self, call: CallRecord) -> None:
        with self.store.lock:
            if call.status != "queued":
                return
            call.status = "ringing"
            call.date_updated = self.store.now()
        self._status_event(call, "ringing", "ringing")
        outcome = call.plan.outcome
        if outcome == "busy":
            self.engine.after(min(2.0, call.timeout), lambda: self._end(call, "busy"))
        elif outcome == "no-answer" or call.plan.ring_seconds >= call.timeout:
            self.engine.after(call.timeout, lambda: self._end(call, "no-answer"))
        else:
            self.engine.after(call.plan.ring_seconds, lambda: self._answer(call))

    def _answer(self, call: CallRecord) -> None:
        with self.store.lock:
            if call.status != "ringing":
                return
            call.status = "in-progress"
            call.start_time = call.date_updated = self.store.now()
            call.answered_at = time.monotonic()
        self._status_event(call, "answered", "in-progress")
        self.engine.submit(lambda: self._spawn_runner(call))

    def _spawn_runner(self, call: CallRecord) -> None:
        # a dedicated thread per live call, so long TwiML never starves the timer pool
        done = threading.Event()
        self.engine.submit(lambda: self._wait_for(done))
        threading.Thread(
            target=self._run_answered, args=(call, done), name=f"call-{call.sid[-6:]}", daemon=True
        ).start()

    @staticmethod
    def _wait_for(done: threading.Event) -> None:
        done.wait()

    def _run_answered(self, call: CallRecord, done: threading.Event) -> None:
        from twilio_emulator.twiml_runner import TwimlRunner

        try:
            extra: Params = []
            answered_by = call.plan.answered_by
            if call.machine_detection and answered_by:
                detect = AMD_SECONDS.get(answered_by, 4.0)
                millis = str(int(detect * 1000))
                if call.async_amd:
                    self.engine.after(detect, lambda: self._amd_result(call, answered_by, millis))
                else:
                    self.engine.sleep(detect, call.interrupt)
                    with self.store.lock:
                        call.answered_by = answered_by
                    extra = [("AnsweredBy", answered_by), ("MachineDetectionDuration", millis)]
            if not call.hangup_requested:
                TwimlRunner(self, call, extra).run()
        finally:
            self._end(call, "completed")
            done.set()

    def _amd_result(self, call: CallRecord, answered_by: str, millis: str) -> None:
        with self.store.lock:
            if call.answered_at is None or (call.hangup_requested and call.status != "completed"):
                return
            call.answered_by = answered_by
        params = [
            ("CallSid", call.sid),
            ("AccountSid", call.account_sid),
            ("AnsweredBy", answered_by),
            ("MachineDetectionDuration", millis),
        ]
        self.dispatcher.send(call.amd_callback, params, kind="amd", method=call.amd_callback_method)

    def _end(self, call: CallRecord, status: str) -> None:
        with self.store.lock:
            if call.terminal:
                return
            self._finish_locked(call, status)
        call.interrupt.set()
        call_recording.finish(self, call)
        if call.record and call.duration:
            self.send_recording(call, call.recording_status_callback, call.duration, "OutboundAPI")
        self._status_event(call, "completed", status)

    def _finish_locked(self, call: CallRecord, status: str) -> None:
        call.status = status
        call.end_time = call.date_updated = self.store.now()
        if call.answered_at is not None:
            elapsed = (time.monotonic() - call.answered_at) * self.engine.speed
            call.duration = max(round(elapsed), 1)
        else:
            call.duration = 0

    # --- callbacks ----------------------------------------------------------------------

    def voice_params(self, call: CallRecord, status: str) -> Params:
        params = [
            ("CallSid", call.sid),
            ("AccountSid", call.account_sid),
            ("From", call.from_),
            ("To", call.to),
            ("Caller", call.from_),
            ("Called", call.to),
            ("CallStatus", status),
            ("Direction", call.direction),
            ("ApiVersion", API_VERSION),
        ]
        if call.parent_call_sid:
            params.append(("ParentCallSid", call.parent_call_sid))
        return params

    def _status_event(self, call: CallRecord, event: str, status: str) -> None:
        if not call.status_callback or event not in call.events:
            return
        with self.store.lock:
            sequence = call.sequence
            call.sequence += 1
            answered_by = call.answered_by
            duration = call.duration
        params = self.voice_params(call, status)
        params += [
            ("SequenceNumber", str(sequence)),
            ("Timestamp", rfc2822(self.store.now()) or ""),
            ("CallbackSource", "call-progress-events"),
        ]
        if event == "completed":
            params += [
                ("CallDuration", str(duration or 0)),
                ("Duration", str(math.ceil((duration or 0) / 60))),
                ("SipResponseCode", SIP_CODES.get(status, "200")),
            ]
        if answered_by:
            params.append(("AnsweredBy", answered_by))
        self.dispatcher.send(
            call.status_callback, params, kind=f"call-{event}", method=call.status_callback_method
        )

    def keep_recording(
        self,
        call: CallRecord,
        seconds: float,
        source: str,
        *,
        channels: int = 1,
        call_sid: str | None = None,
    ) -> RecordingRecord:
        """Store a finished recording of `call` (listed, fetched and deleted through the
        Recordings endpoints, as on Twilio)."""
        moment = self.store.now()
        recording = RecordingRecord(
            sid=new_sid("RE"),
            account_sid=call.account_sid,
            call_sid=call_sid or call.parent_call_sid or call.sid,
            date_created=moment,
            start_time=moment,
            duration=round(seconds),
            source=source,
            channels=channels,
        )
        with self.store.lock:
            self.store.recordings[recording.sid] = recording
        return recording

    def send_recording(
        self,
        call: CallRecord,
        url: str | None,
        seconds: float,
        source: str,
        *,
        recording: RecordingRecord | None = None,
    ) -> str:
        recording = recording or self.keep_recording(call, seconds, source)
        recording_url = (
            f"https://api.twilio.com/{API_VERSION}/Accounts/{call.account_sid}"
            f"/Recordings/{recording.sid}"
        )
        if not url:
            return recording_url
        params = [
            ("AccountSid", call.account_sid),
            ("CallSid", recording.call_sid),
            ("RecordingSid", recording.sid),
            ("RecordingUrl", recording_url),
            ("RecordingStatus", "completed"),
            ("RecordingDuration", str(recording.duration)),
            ("RecordingChannels", str(recording.channels)),
            ("RecordingSource", source),
            ("RecordingStartTime", rfc2822(recording.start_time) or ""),
        ]
        self.dispatcher.send(url, params, kind="recording")
        return recording_url
