"""A campaign definition: audience, staged strategy, retry rules, caller IDs and hours.

Pure pydantic models: validation gives each error as (field, reason); the loader adds the file.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from dialer.campaigns.options import (
    ApprovedSender,
    BusinessHours,
    Predictive,
    Recording,
    Window,
)
from dialer.campaigns.options import Strict as _Strict
from dialer.clients.codes import client_code
from dialer.compliance.zones import state_code
from dialer.predictive.pacing import PacingOptions
from dialer.vocabulary import Channel, DebtStage, Language

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@lru_cache(maxsize=256)
def parse_duration(text: str) -> timedelta:
    """'30m', '4h', '2d', '45s' -> timedelta; anything else raises ValueError."""
    match = _DURATION.match(text)
    if match is None:
        msg = f"{text!r} is not a duration like 30m, 4h or 2d"
        raise ValueError(msg)
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


class StepKind(StrEnum):
    SMS = "sms"  # a templated SMS (e.g. reminder_friendly)
    IVR = "ivr"  # an automated voice reminder with a keypad menu (reminder_ivr)
    AGENT = "agent"  # a call bridged to a live agent (agent_bridge)
    ESCALATE = "escalate"  # hand over to an agency or legal: automated contact stops


RetryOutcome = Literal[
    "no_answer",
    "busy",
    "voicemail",
    "failed",
    "canceled",
    "undelivered",
    "wrong_party",
    "abandoned",
]
ADVANCE = "advance"


class Range(_Strict):
    min: Decimal | None = None
    max: Decimal | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            msg = "min is greater than max"
            raise ValueError(msg)
        return self


class Audience(_Strict):
    stages: tuple[DebtStage, ...] = (DebtStage.NEW, DebtStage.REMINDER)
    days_past_due: Range = Range()
    balance: Range = Range()
    countries: tuple[Literal["US", "CN"], ...] = ()
    states: tuple[str, ...] = ()  # US states or CN provinces ("MA", "ZJ"); empty: all
    languages: tuple[Language, ...] = ()
    clients: tuple[str, ...] = ()  # client codes (creditor records); empty: every client

    @field_validator("states")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Codes, upper-case; a US state's full name ("Massachusetts") is read as its code."""
        return tuple(state_code("US", s) or "" for s in value)

    @field_validator("clients")
    @classmethod
    def _client_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(client_code(code) for code in value)


class Hours(_Strict):
    """The campaign's own hours (local to the consumer); they can only narrow the legal ones."""

    call: Window | None = None
    sms: Window | None = None


class CallerIds(_Strict):
    numbers: tuple[str, ...] = Field(min_length=1)
    local_presence: bool = False  # prefer a number with the consumer's area code

    @field_validator("numbers")
    @classmethod
    def _e164(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for number in value:
            if not _E164.match(number):
                msg = f"{number!r} is not an E.164 number like +15005550006"
                raise ValueError(msg)
        return value


Delay = Annotated[str, Field(description="a duration like 30m, 4h, 2d, or 'advance'")]


class Step(_Strict):
    kind: StepKind
    template: str | None = None  # SMS template key
    script: str | None = None  # voice script key (reminder_ivr, agent_bridge)
    max_attempts: int = Field(default=1, ge=1, le=20)
    retry: dict[RetryOutcome, Delay] = Field(default_factory=dict)
    next_step_after: str = "1d"  # wait after this step before the next one starts
    escalate_to: Literal["agency", "legal"] | None = None
    # agent steps: progressive (a call only for a free agent, bridged when the consumer
    # answers), preview (the case waits on a free agent's desk; the agent dials) or predictive
    # (free agents x a ratio from the answer rate; an agent is found when a person answers)
    dialing: Literal["progressive", "preview", "predictive"] = "progressive"
    predictive: Predictive | None = None  # options of dialing: predictive (defaults if absent)

    @field_validator("retry")
    @classmethod
    def _retry_values(cls, value: dict[str, str]) -> dict[str, str]:
        for delay in value.values():
            if delay != ADVANCE:
                parse_duration(delay)
        return value

    @field_validator("next_step_after")
    @classmethod
    def _wait(cls, value: str) -> str:
        parse_duration(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Step:
        if self.kind is StepKind.SMS and not self.template:
            msg = "an sms step needs a template (e.g. reminder_friendly)"
            raise ValueError(msg)
        if self.kind in (StepKind.IVR, StepKind.AGENT) and not self.script:
            msg = f"an {self.kind.value} step needs a script (e.g. reminder_ivr, agent_bridge)"
            raise ValueError(msg)
        if self.dialing != "progressive" and self.kind is not StepKind.AGENT:
            msg = f"dialing: {self.dialing} is for agent steps only"
            raise ValueError(msg)
        if self.predictive is not None and self.dialing != "predictive":
            msg = "predictive options need dialing: predictive"
            raise ValueError(msg)
        if self.kind is StepKind.ESCALATE and self.escalate_to is None:
            msg = "an escalate step needs escalate_to: agency or legal"
            raise ValueError(msg)
        return self

    @property
    def pacing(self) -> PacingOptions | None:
        """A predictive step's pacing options; None for any other step."""
        if self.dialing != "predictive":
            return None
        return (self.predictive or Predictive()).options()

    @property
    def channel(self) -> Channel | None:
        if self.kind is StepKind.SMS:
            return Channel.SMS
        if self.kind in (StepKind.IVR, StepKind.AGENT):
            return Channel.CALL
        return None

    def retry_delay(self, outcome: str) -> timedelta | None:
        """How long to wait before retrying after `outcome`; None means advance."""
        delay = self.retry.get(outcome)  # type: ignore[call-overload]
        if delay is None or delay == ADVANCE:
            return None
        return parse_duration(delay)

    @property
    def wait_before_next(self) -> timedelta:
        return parse_duration(self.next_step_after)


class CampaignDefinition(_Strict):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    company: str = "Account Services"  # named in messages and voice prompts
    audience: Audience = Audience()
    steps: tuple[Step, ...] = Field(min_length=1)
    caller_ids: CallerIds
    hours: Hours = Hours()
    sms_sender: ApprovedSender | None = None  # required for US SMS by a third-party collector
    business_hours: BusinessHours | None = None  # inbound calls: absent, agents' presence decides
    recording: Recording = Recording()
    # A promise to pay pauses automated contact about the debt until the day after the
    # promised date plus this grace; a promise still open then is broken: the strategy resumes.
    promise_grace: str = "2d"

    @field_validator("promise_grace")
    @classmethod
    def _grace(cls, value: str) -> str:
        parse_duration(value)
        return value

    # What a voicemail and an abandoned call say (Reg F 1006.2(j) limited-content message):
    # the caller's name, a business name that does not reveal a debt, the number to call back,
    # and an optional recorded message (https URL) played instead of the spoken one.
    caller_name: str | None = Field(default=None, min_length=1, max_length=40)
    voicemail_business: str | None = Field(default=None, min_length=1, max_length=60)
    callback_number: str | None = None
    voicemail_audio_url: str | None = Field(default=None, pattern=r"^https://\S+$")

    @field_validator("callback_number")
    @classmethod
    def _callback_e164(cls, value: str | None) -> str | None:
        if value is not None and not _E164.match(value):
            msg = f"{value!r} is not an E.164 number like +18005550100"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _escalation_last(self) -> CampaignDefinition:
        for index, step in enumerate(self.steps[:-1]):
            if step.kind is StepKind.ESCALATE:
                msg = f"steps.{index}: escalation ends the strategy and must be the last step"
                raise ValueError(msg)
        return self

    def step(self, index: int) -> Step | None:
        return self.steps[index] if 0 <= index < len(self.steps) else None

    def callback_step(self, index: int) -> Step:
        """The step a callback the consumer asked for is placed on: the campaign's agent step
        (an agent takes the call), else the current call step, else an automated call."""
        for step in self.steps:
            if step.kind is StepKind.AGENT:
                return step
        current = self.step(index)
        if current is not None and current.channel is Channel.CALL:
            return current
        for step in self.steps:
            if step.kind is StepKind.IVR:
                return step
        return Step(kind=StepKind.IVR, script="reminder_ivr")
