"""Scripted and random outcomes per destination number, and Twilio's magic test numbers."""

from __future__ import annotations

import random
import re
import threading
from collections import deque
from collections.abc import Callable

from twilio_emulator.config import EmulatorConfig, NumberScript
from twilio_emulator.state import CallPlan, Store

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CALL_MAGIC_TO = {"+15005550001": 21217, "+15005550002": 21214, "+15005550003": 21215}
CALL_MAGIC_TO["+15005550004"] = 21216
SMS_MAGIC_TO = {
    "+15005550001": 21211,
    "+15005550002": 21612,
    "+15005550003": 21408,
    "+15005550004": 21610,
    "+15005550009": 21614,
}
SMS_MAGIC_FROM = {"+15005550001": 21212, "+15005550007": 21606, "+15005550008": 21611}
MACHINE_VALUES = ("machine_end_beep", "machine_end_silence", "machine_end_other")
SMS_UNDELIVERED_CODES = (30003, 30005, 30006, 30007)
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})


def is_address(number: str) -> bool:
    return bool(E164.match(number)) or number.startswith(("client:", "sip:", "sim:"))


class Scenarios:
    def __init__(self, store: Store, config: Callable[[], EmulatorConfig], seed: int) -> None:
        self._store = store
        self._config = config
        self._lock = threading.Lock()
        self.rng = random.Random(seed)

    def reseed(self, seed: int) -> None:
        with self._lock:
            self.rng = random.Random(seed)

    def script(self, number: str) -> NumberScript | None:
        with self._store.lock:
            return self._store.scripts.get(number)

    def call_create_error(self, to: str) -> int | None:
        if to in CALL_MAGIC_TO:
            return CALL_MAGIC_TO[to]
        if not is_address(to):
            return 21211
        script = self.script(to)
        if script is not None and script.call == "invalid":
            return 21211
        if script is not None and script.call == "unreachable":
            return 21214
        return None

    def sms_create_error(self, to: str, from_: str) -> int | None:
        magic = SMS_MAGIC_FROM.get(from_) or SMS_MAGIC_TO.get(to)
        if magic is not None:
            return magic
        if not E164.match(to):
            return 21211
        script = self.script(to) or NumberScript()
        with self._store.lock:
            opted_out = to in self._store.opted_out
        checks = (
            (opted_out or script.opted_out, 21610),
            (script.call == "invalid", 21211),
            (not script.sms_capable, 21614),
        )
        return next((code for failed, code in checks if failed), None)

    def plan_call(self, to: str, machine_detection: str | None) -> CallPlan:
        script = self.script(to)
        mix = self._config().mix
        with self._lock:
            rng = self.rng
            if script is not None:
                outcome = script.call
                ring = script.ring_seconds
                talk = script.talk_seconds
                digits: deque[str | None] = deque(script.digits)
                agent = script.agent_answers
                record = script.record_seconds
                forced = script.answered_by
            else:
                roll = rng.random()
                if roll < mix.answer_rate:
                    outcome = "machine" if rng.random() < mix.machine_share else "human"
                elif roll < mix.answer_rate + mix.busy_rate:
                    outcome = "busy"
                elif roll < mix.answer_rate + mix.busy_rate + mix.failed_rate:
                    outcome = "failed"
                else:
                    outcome = "no-answer"
                ring = rng.uniform(mix.ring_seconds_min, mix.ring_seconds_max)
                talk = mix.talk_seconds
                digits = deque(mix.digits)
                agent, record, forced = None, 4.0, None
            machine_value = rng.choice(MACHINE_VALUES[:2])
        answered_by = forced or _answered_by(outcome, machine_detection, machine_value)
        return CallPlan(
            outcome=outcome,
            answered_by=answered_by,
            ring_seconds=ring,
            talk_seconds=talk,
            digits=digits,
            agent_answers=agent,
            record_seconds=record,
        )

    def plan_agent(self, number: str, forced: bool | None) -> tuple[str, float, float]:
        """(DialCallStatus once it ends ringing: answered/busy/no-answer/failed, ring, talk)."""
        script = self.script(number)
        mix = self._config().mix
        if forced is not None:
            ring = script.ring_seconds if script else 2.0
            talk = script.talk_seconds if script else mix.talk_seconds
            return ("answered" if forced else "no-answer"), ring, talk
        if script is not None:
            status = {"busy": "busy", "no-answer": "no-answer", "failed": "failed"}.get(
                script.call, "answered"
            )
            return status, script.ring_seconds, script.talk_seconds
        with self._lock:
            answered = self.rng.random() < mix.agent_answer_rate
        return ("answered" if answered else "no-answer"), 2.0, mix.talk_seconds

    def plan_sms(self, to: str) -> tuple[str, int | None]:
        script = self.script(to)
        if script is not None:
            code = script.sms_error_code
            if script.sms in {"undelivered", "failed"} and code is None:
                code = 30003 if script.sms == "undelivered" else 30008
            return script.sms, code
        mix = self._config().mix
        with self._lock:
            roll = self.rng.random()
            if roll < mix.sms_delivered_rate:
                return "delivered", None
            if roll < mix.sms_delivered_rate + mix.sms_failed_rate:
                return "failed", 30008
            return "undelivered", self.rng.choice(SMS_UNDELIVERED_CODES)


def _answered_by(outcome: str, machine_detection: str | None, machine_value: str) -> str | None:
    if not machine_detection:
        return None
    if outcome == "human":
        return "human"
    if outcome == "machine":
        return "machine_start" if machine_detection.lower() == "enable" else machine_value
    if outcome in {"fax", "unknown"}:
        return outcome
    return None
