"""The emulator's knobs: pacing, time scale, outcome mix, fault injection and number scripts."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    D = TypeVar("D", bound=DataclassInstance)

CALL_OUTCOMES = frozenset(
    {"human", "machine", "fax", "unknown", "busy", "no-answer", "failed", "invalid", "unreachable"}
)
SMS_OUTCOMES = frozenset({"delivered", "undelivered", "failed", "sent"})
LOSE_MODES = frozenset({"delay", "drop"})


def _apply(obj: D, data: dict[str, Any], *, nested: dict[str, type] | None = None) -> D:
    """A copy of the dataclass `obj` with the keys of `data` replaced; unknown keys raise."""
    known = {f.name for f in fields(obj)}
    unknown = set(data) - known
    if unknown:
        msg = f"unknown setting(s) for {type(obj).__name__}: {', '.join(sorted(unknown))}"
        raise ValueError(msg)
    changes: dict[str, Any] = {}
    for key, value in data.items():
        current = getattr(obj, key)
        if nested and key in nested:
            changes[key] = _apply(current, dict(value))
        elif isinstance(current, tuple):
            changes[key] = tuple(value)
        elif isinstance(current, bool):
            changes[key] = bool(value)
        elif isinstance(current, float):
            changes[key] = float(value)
        elif isinstance(current, int) and not isinstance(value, bool) and value is not None:
            changes[key] = int(value)
        else:
            changes[key] = value
    return replace(obj, **changes)


@dataclass(frozen=True)
class Mix:
    """Outcome probabilities for numbers that have no script (drawn with the seeded RNG)."""

    answer_rate: float = 0.6
    machine_share: float = 0.3  # of answered calls
    busy_rate: float = 0.1
    failed_rate: float = 0.03  # the rest of the unanswered calls are no-answer
    ring_seconds_min: float = 2.0
    ring_seconds_max: float = 8.0
    talk_seconds: float = 8.0
    digits: tuple[str, ...] = ()  # digits pressed at successive Gathers
    agent_answer_rate: float = 0.9
    sms_delivered_rate: float = 0.95
    sms_failed_rate: float = 0.01


@dataclass(frozen=True)
class Faults:
    """Fault injection on the REST API and on callbacks."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    latency_ms: int = 0
    duplicate_callback_rate: float = 0.0
    reorder_callback_rate: float = 0.0
    reorder_delay_seconds: float = 0.3
    lose_responses: int = 0  # the next N creates are accepted but their response is lost
    lose_mode: str = "delay"  # delay: answer after lose_delay_seconds; drop: close the socket
    lose_delay_seconds: float = 3.0


@dataclass(frozen=True)
class EmulatorConfig:
    cps: float = 1.0
    strict: bool = False  # 429/20429 when call creates exceed cps in any 1-second window
    # Message segments each sender sends per second (a US long code: 1); texts created faster
    # wait in the sender's queue, and one still queued after its ValidityPeriod fails (30036).
    # 0: no queue, every text leaves at once.
    sms_mps: float = 0.0
    speed: float = 1.0  # emulated seconds per real second for rings, Pause, talk time
    seed: int = 0
    inbound_sms_url: str | None = None
    max_twiml_steps: int = 100
    mix: Mix = field(default_factory=Mix)
    faults: Faults = field(default_factory=Faults)

    def updated(self, data: dict[str, Any]) -> EmulatorConfig:
        new: EmulatorConfig = _apply(self, data, nested={"mix": Mix, "faults": Faults})
        if new.cps <= 0 or new.speed <= 0:
            msg = "cps and speed must be positive"
            raise ValueError(msg)
        if new.sms_mps < 0:
            msg = "sms_mps must be 0 (no queue) or positive"
            raise ValueError(msg)
        if new.faults.lose_mode not in LOSE_MODES:
            msg = f"lose_mode must be one of {sorted(LOSE_MODES)}"
            raise ValueError(msg)
        return new


@dataclass(frozen=True)
class NumberScript:
    """What happens when this number is called or texted (or dialed as an agent)."""

    call: str = "human"  # one of CALL_OUTCOMES
    answered_by: str | None = None  # override AnsweredBy (e.g. machine_end_silence)
    ring_seconds: float = 3.0
    talk_seconds: float = 8.0  # bridged time on a <Dial>, or how long an agent leg lasts
    digits: tuple[str | None, ...] = ()  # at each Gather: digits, or None for no input
    agent_answers: bool | None = None  # force the agent leg of a <Dial> from this call
    record_seconds: float = 4.0
    sms: str = "delivered"  # one of SMS_OUTCOMES
    sms_error_code: int | None = None
    sms_capable: bool = True  # False: 21614 (landline) on SMS create
    opted_out: bool = False  # True: 21610 on SMS create

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NumberScript:
        script: NumberScript = _apply(cls(), data)
        if script.call not in CALL_OUTCOMES:
            msg = f"call must be one of {sorted(CALL_OUTCOMES)}"
            raise ValueError(msg)
        if script.sms not in SMS_OUTCOMES:
            msg = f"sms must be one of {sorted(SMS_OUTCOMES)}"
            raise ValueError(msg)
        return script
