"""The plain facts the engine decides on: consumer, phones, history, limits, proposal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from dialer.vocabulary import (
    Channel,
    ConsumerFlag,
    ContactMode,
    Direction,
    PhoneRelationship,
    PhoneStatus,
    PhoneType,
)

DEFAULT_DEBT = "D1"


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A local time-of-day range [start, end); it wraps past midnight when start > end."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True, slots=True)
class InconvenientTime:
    """A consumer-stated inconvenient time, local; days 0=Monday..6=Sunday, None = every day."""

    start: time
    end: time
    days: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    number: str
    type: PhoneType
    consent: bool
    status: PhoneStatus = PhoneStatus.VALID
    sms_opted_out: bool = False
    call_opted_out: bool = False
    relationship: PhoneRelationship = PhoneRelationship.SELF


@dataclass(frozen=True, slots=True)
class ConsumerFacts:
    country: str  # "US" or "CN"
    phones: tuple[PhoneFacts, ...] = ()
    state: str | None = None
    postal_code: str | None = None
    timezone: str | None = None  # a location the consumer confirmed
    flags: frozenset[ConsumerFlag] = frozenset()
    inconvenient_times: tuple[InconvenientTime, ...] = ()
    # Flags that apply to one debt only: (debt key, flag). `flags` is the whole consumer.
    debt_flags: frozenset[tuple[str, ConsumerFlag]] = frozenset()

    def phone(self, number: str) -> PhoneFacts | None:
        for phone in self.phones:
            if phone.number == number:
                return phone
        return None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One past contact; `at` is timezone-aware UTC. `to` is the consumer's number for outbound.

    `debts`: every debt the contact was about (it counts against each). `mode`: automated
    (dialer-placed, artificial or prerecorded voice) or agent. `callback_requested`: the consumer
    asked to be called back, at `callback_at` when they said when. `callback`: this call is the
    one the consumer asked for (placed as that callback); only it is left out of the 7-in-7
    count and the post-conversation lockout (12 CFR 1006.14(b)(3)(i)).
    """

    at: datetime
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    to: str | None = None
    from_: str | None = None
    outcome: str | None = None
    debts: tuple[str, ...] = (DEFAULT_DEBT,)
    callback_requested: bool = False
    body: str | None = None
    mode: ContactMode = ContactMode.AUTOMATED
    callback_at: datetime | None = None
    callback: bool = False

    @property
    def consumer_number(self) -> str | None:
        return self.to if self.direction is Direction.OUTBOUND else self.from_


@dataclass(frozen=True, slots=True)
class AdminLimits:
    """Limits an admin configured; they can only tighten the law."""

    call_hours: TimeRange | None = None
    sms_hours: TimeRange | None = None
    max_calls_per_day: int | None = None
    max_calls_per_week: int | None = None
    max_sms_per_day: int | None = None
    max_sms_per_week: int | None = None
    no_contact_on_holidays: bool = False
    # Person level: any two automated contacts with the person at least this many minutes apart.
    min_minutes_between_contacts: int | None = None
    # A conversation about any debt locks automated calls about all the person's debts.
    person_lockout_after_conversation: bool = False


@dataclass(frozen=True, slots=True)
class ProposedContact:
    at: datetime
    channel: Channel
    to: str
    mode: ContactMode = ContactMode.AUTOMATED
    # Every debt the contact is about; allowed only if allowed for each one.
    debts: tuple[str, ...] = (DEFAULT_DEBT,)
    # This is the call the consumer asked for (their consented callback).
    callback: bool = False
