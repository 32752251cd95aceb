"""The parts of a campaign definition that stand alone: the campaign's hours windows, the
company's business hours for inbound calls, the approved SMS sender, call recording and a
predictive step's pacing. Pure pydantic models, re-exported by `definition`."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dialer.predictive.pacing import PacingOptions

_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_US_TOLL_FREE = re.compile(r"^\+18(00|33|44|55|66|77|88)\d{7}$")
_SHORT_CODE = re.compile(r"^\d{5,6}$")
_REGISTRATION_ID = re.compile(r"^[A-Za-z0-9_-]{5,64}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(Strict):
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            msg = f"{value!r} is not a local time like 09:00"
            raise ValueError(msg)
        return value


DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES: tuple[DayName, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BusinessHours(Strict):
    """When agents take inbound calls, in the company's zone (not the caller's): outside them
    (and on the holidays, dates in that zone) a caller leaves a message, which is their
    callback request."""

    zone: str
    days: tuple[DayName, ...] = DAY_NAMES[:5]
    start: str = "08:00"
    end: str = "20:00"
    holidays: tuple[date, ...] = ()

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            msg = f"{value!r} is not a time zone name like America/New_York"
            raise ValueError(msg) from exc
        return value

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        return Window._clock(value)

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.start >= self.end:
            msg = f"start {self.start} is not before end {self.end}"
            raise ValueError(msg)
        if not self.days:
            msg = "days is empty: name the days agents take calls (mon ... sun)"
            raise ValueError(msg)
        return self

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(ZoneInfo(self.zone))
        if DAY_NAMES[local.weekday()] not in self.days or local.date() in self.holidays:
            return False
        return self.start <= local.strftime("%H:%M") < self.end


class SenderKind(StrEnum):
    """How a US SMS sender was approved for this traffic."""

    A2P_10DLC = "a2p_10dlc"  # a registered A2P 10DLC campaign (Twilio QE... SID or TCR id)
    TOLL_FREE_VERIFIED = "toll_free_verified"  # a toll-free number that passed verification
    SHORT_CODE = "short_code"  # a short code whose program the carriers approved


class ApprovedSender(Strict):
    """The sender an admin records as approved for this campaign's US text messages."""

    kind: SenderKind
    id: str = Field(description="the 10DLC campaign id, the toll-free number or the short code")
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _id_shape(self) -> ApprovedSender:
        shapes = {
            SenderKind.A2P_10DLC: (_REGISTRATION_ID, "a 10DLC campaign id like QE2c6890da..."),
            SenderKind.TOLL_FREE_VERIFIED: (_US_TOLL_FREE, "a US toll-free number (+18885550100)"),
            SenderKind.SHORT_CODE: (_SHORT_CODE, "a 5- or 6-digit short code"),
        }
        pattern, expected = shapes[self.kind]
        if not pattern.match(self.id):
            msg = f"id {self.id!r} is not {expected}"
            raise ValueError(msg)
        return self


class Recording(Strict):
    """Record the campaign's calls: automated ones from their first words, calls bridged to an
    agent, manual calls and callbacks (dialer/recordings/consent.py). Where every party must
    consent (the rule packs' recording_consent rules), `all_party_consent` says what happens:
    `announce` (the consumer hears that the call is recorded before recording starts) or
    `skip` (that call is not recorded). A consumer whose state no rule covers is never
    recorded; a campaign whose audience names such a state is refused."""

    enabled: bool = False
    all_party_consent: Literal["announce", "skip"] = "announce"


LEGAL_ABANDONMENT_CAP = Decimal("0.03")  # 16 CFR 310.4(b)(4)(i): 3 % of live-answered calls


class Predictive(Strict):
    """A predictive agent step's pacing: calls in flight = free agents x ratio, the ratio from
    the campaign's recent live-answer rate, slowed down to stay under the abandonment limit."""

    max_ratio: float = Field(default=2.0, ge=1.0, le=5.0)
    abandonment_limit: Decimal = Field(default=LEGAL_ABANDONMENT_CAP, gt=0)
    min_sample: int = Field(default=20, ge=1, le=10_000)

    @field_validator("abandonment_limit")
    @classmethod
    def _within_the_cap(cls, value: Decimal) -> Decimal:
        if value > LEGAL_ABANDONMENT_CAP:
            msg = (
                f"{value} is above 0.03: at most 3 % of live-answered calls may be abandoned "
                "per campaign over 30 days (16 CFR 310.4(b)(4)(i))"
            )
            raise ValueError(msg)
        return value

    def options(self) -> PacingOptions:
        return PacingOptions(
            max_ratio=self.max_ratio,
            abandonment_limit=Fraction(self.abandonment_limit),
            min_sample=self.min_sample,
        )
