"""Follows the TwiML a call's Url returns: Say, Play, Pause, Gather, Dial, Record, Redirect..."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from twilio_emulator import call_recording
from twilio_emulator.conferences import run_conference
from twilio_emulator.shapes import new_sid
from twilio_emulator.state import CallPlan, CallRecord

if TYPE_CHECKING:
    from twilio_emulator.callbacks import Params
    from twilio_emulator.calls import CallFlow

HANGUP = "hangup"
CONTINUE = "continue"


@dataclass
class Document:
    verbs: list[ET.Element]
    url: str  # base for relative action URLs


def parse(text: str | None, url: str) -> Document | None:
    if text is None:
        return None
    try:
        # TwiML comes from the application under test, which the emulator trusts
        root = ET.fromstring(text.strip() or "<Response/>")  # noqa: S314
    except ET.ParseError:
        return None
    if root.tag != "Response":
        return None
    return Document(list(root), url)


def _float(element: ET.Element, name: str, default: float) -> float:
    try:
        return float(element.get(name, default))
    except ValueError:
        return default


class TwimlRunner:
    def __init__(self, flow: CallFlow, call: CallRecord, extra: Params) -> None:
        self.flow = flow
        self.call = call
        self.extra = extra
        self.engine = flow.engine

    def run(self) -> None:
        call = self.call
        doc = self.load(call.url, call.method, self.extra) if call.url else parse(call.twiml, "")
        index = 0
        for _ in range(self.flow.config().max_twiml_steps):
            if doc is None or call.hangup_requested:
                return
            with self.flow.store.lock:
                redirect, call.redirect = call.redirect, None
            if redirect is not None:
                call.interrupt.clear()
                doc, index = self.load(redirect[0], redirect[1], []), 0
                continue
            if index >= len(doc.verbs):
                return
            verb = doc.verbs[index]
            index += 1
            result = self.execute(verb, doc)
            if result == HANGUP:
                return
            if isinstance(result, Document):
                doc, index = result, 0

    def params(self, extra: Params | None = None) -> Params:
        return self.flow.voice_params(self.call, "in-progress") + list(extra or [])

    def load(self, url: str, method: str, extra: Params) -> Document | None:
        text = self.flow.dispatcher.fetch(url, self.params(extra), kind="twiml", method=method)
        return parse(text, url)

    def follow(self, element: ET.Element, doc: Document, extra: Params) -> Document | str:
        action = element.get("action")
        if not action:
            return CONTINUE
        loaded = self.load(urljoin(doc.url, action), element.get("method", "POST"), extra)
        return HANGUP if loaded is None else loaded

    def hear(self, verb: ET.Element, call: CallRecord | None = None) -> None:
        """Note what the party on this call (or `call`, a leg it dialled) hears now (emulated
        seconds since that call's answer)."""
        call = call or self.call
        if call.answered_at is None:
            return
        offset = (time.monotonic() - call.answered_at) * self.engine.speed
        text = (verb.text or verb.get("url") or "").strip()
        with self.flow.store.lock:
            call.heard.append((round(offset, 3), verb.tag, text))

    def wait(self, emulated_seconds: float) -> bool:
        """Sleep in emulated time; True when the call was hung up or redirected meanwhile."""
        return self.engine.sleep(emulated_seconds, self.call.interrupt)

    def log(self, call: CallRecord, entry: dict[str, object]) -> None:
        with self.flow.store.lock:
            call.executed.append(entry)

    def log_verb(self, call: CallRecord, verb: ET.Element, parent: str | None = None) -> None:
        entry: dict[str, object] = {
            "verb": verb.tag,
            "attributes": dict(verb.attrib),
            "text": (verb.text or "").strip(),
        }
        if parent:
            entry["parent"] = parent
        self.log(call, entry)

    def execute(self, verb: ET.Element, doc: Document) -> Document | str:
        self.log_verb(self.call, verb)
        handlers = {
            "Gather": self.gather,
            "Dial": self.dial,
            "Record": self.record,
            "Redirect": self.redirect,
        }
        if verb.tag in handlers:
            return handlers[verb.tag](verb, doc)
        if verb.tag in {"Say", "Play", "Pause"}:
            self.hear(verb)
            self.wait(self.media_seconds(verb))
        elif verb.tag in {"Hangup", "Reject"}:
            return HANGUP
        elif verb.tag == "Start":
            call_recording.start(self.flow, self.call, verb, doc.url)
        return CONTINUE  # Sms, Stop and other verbs are accepted and ignored

    def redirect(self, verb: ET.Element, doc: Document) -> Document | str:
        target = urljoin(doc.url, (verb.text or "").strip())
        loaded = self.load(target, verb.get("method", "POST"), [])
        return HANGUP if loaded is None else loaded

    @staticmethod
    def media_seconds(verb: ET.Element) -> float:
        loops = max(int(_float(verb, "loop", 1)), 1)
        if verb.tag == "Pause":
            return _float(verb, "length", 1.0)
        if verb.tag == "Play":
            return 5.0 * loops
        words = len((verb.text or "").split())
        return max(words / 2.5, 1.0) * loops

    def gather(self, verb: ET.Element, doc: Document) -> Document | str:
        for child in verb:
            if child.tag in {"Say", "Play", "Pause"}:
                self.log_verb(self.call, child, parent="Gather")
                self.hear(child)
                if self.wait(self.media_seconds(child)):
                    return CONTINUE
        plan: CallPlan = self.call.plan
        digits = plan.digits.popleft() if plan.digits else None
        timeout = _float(verb, "timeout", 5.0)
        target = verb.get("action") or doc.url
        method = verb.get("method", "POST")
        if not digits:
            if self.wait(timeout):
                return CONTINUE
            if verb.get("actionOnEmptyResult") == "true":
                loaded = self.load(urljoin(doc.url, target), method, [("Digits", "")])
                return HANGUP if loaded is None else loaded
            return CONTINUE
        num = verb.get("numDigits")
        finish = verb.get("finishOnKey", "#")
        finished_on = ""
        if finish and finish in digits:
            digits, finished_on = digits.split(finish, 1)[0], finish
        if num and num.isdigit():
            digits = digits[: int(num)]
        if self.wait(0.3 * max(len(digits), 1)):
            return CONTINUE
        extra = [("Digits", digits), ("FinishedOnKey", finished_on)]
        loaded = self.load(urljoin(doc.url, target), method, extra)
        return HANGUP if loaded is None else loaded

    def dial(self, verb: ET.Element, doc: Document) -> Document | str:
        if (room := verb.find("Conference")) is not None:
            return run_conference(self, verb, room, doc)
        number_el = verb.find("Number")
        number = ((number_el.text if number_el is not None else verb.text) or "").strip()
        timeout = _float(verb, "timeout", 30.0)
        status, ring, talk = self.flow.scenarios.plan_agent(number, self.call.plan.agent_answers)
        child = self.child_leg(number, verb.get("callerId") or self.call.to)
        self.hear(verb)  # the dialled party's ring, from this moment
        duration = 0
        if self.wait(min(ring, timeout)):
            return CONTINUE
        if status == "answered" and ring < timeout:
            with self.flow.store.lock:
                child.status = "in-progress"
                child.start_time = self.flow.store.now()
                child.answered_at = time.monotonic()
            whisper = number_el.get("url") if number_el is not None else None
            method = number_el.get("method", "POST") if number_el is not None else "POST"
            if whisper and not self.whisper(child, urljoin(doc.url, whisper), method):
                status = "no-answer"
            else:
                status = "completed"
                self.start_dial_recording(verb)
                if self.wait(talk):
                    talk = max(talk / 2, 1.0)
                duration = round(talk)
                self.finish_dial_recording(verb, doc, duration)
        elif status == "answered":
            status = "no-answer"
        with self.flow.store.lock:
            child.status = "completed" if status == "completed" else status
            child.end_time = child.date_updated = self.flow.store.now()
            child.duration = duration
        call_recording.finish(self.flow, child)
        extra = [
            ("DialCallStatus", status),
            ("DialCallSid", child.sid),
            ("DialCallDuration", str(duration)),
            ("DialBridged", "true" if status == "completed" else "false"),
        ]
        return self.follow(verb, doc, extra)

    def start_dial_recording(self, verb: ET.Element) -> None:
        """<Dial record="record-from-answer[-dual]">: recording starts at the bridge."""
        if (verb.get("record") or "").startswith("record-from-"):
            entry: dict[str, object] = {"event": "recording-started", "source": "DialVerb"}
            entry["at"] = call_recording.offset(self.flow, self.call)
            self.log(self.call, entry)

    def finish_dial_recording(self, verb: ET.Element, doc: Document, duration: int) -> None:
        mode = verb.get("record") or ""
        if not mode.startswith("record-from-") or duration <= 0:
            return
        dual = mode.endswith("-dual")
        recording = self.flow.keep_recording(
            self.call, duration, "DialVerb", channels=2 if dual else 1
        )
        self.log(self.call, {"event": "recording-completed", "recording_sid": recording.sid})
        callback = verb.get("recordingStatusCallback")
        url = urljoin(doc.url, callback) if callback else None
        self.flow.send_recording(self.call, url, duration, "DialVerb", recording=recording)

    def child_leg(self, number: str, caller: str) -> CallRecord:
        parent = self.call
        moment = self.flow.store.now()
        child = CallRecord(
            sid=new_sid("CA"),
            account_sid=parent.account_sid,
            to=number,
            from_=caller,
            date_created=moment,
            date_updated=moment,
            plan=parent.plan,
            status="ringing",
            direction="outbound-dial",
            parent_call_sid=parent.sid,
        )
        with self.flow.store.lock:
            self.flow.store.calls[child.sid] = child
        return child

    def whisper(self, child: CallRecord, url: str, method: str) -> bool:
        """Fetch the agent leg's whisper URL; False when it hangs up (agent declined)."""
        params = self.flow.voice_params(child, "in-progress")
        text = self.flow.dispatcher.fetch(url, params, kind="whisper", method=method)
        doc = parse(text, url)
        if doc is None:
            return False
        for verb in doc.verbs:
            self.log_verb(child, verb)
            if verb.tag in {"Say", "Play", "Pause"}:
                self.hear(verb, child)
                self.wait(self.media_seconds(verb))
            elif verb.tag == "Start":
                call_recording.start(self.flow, child, verb, url)
            elif verb.tag in {"Hangup", "Reject"}:
                return False
        return True

    def record(self, verb: ET.Element, doc: Document) -> Document | str:
        seconds = min(self.call.plan.record_seconds, _float(verb, "maxLength", 3600.0))
        self.wait(seconds)
        callback = verb.get("recordingStatusCallback")
        target = urljoin(doc.url, callback) if callback else None
        url = self.flow.send_recording(self.call, target, seconds, "RecordVerb")
        extra = [
            ("RecordingUrl", url),
            ("RecordingDuration", str(round(seconds))),
            ("Digits", "hangup"),
        ]
        return self.follow(verb, doc, extra)
