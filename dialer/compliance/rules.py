"""Rule types, as read from the rule packs; the engine's checks read only these tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import TypeVar

from dialer.compliance.decision import ReasonCode
from dialer.vocabulary import Channel, ConsumerFlag, ContactMode, PhoneType


@dataclass(frozen=True, slots=True)
class RuleBase:
    id: str
    citation: str
    pack_id: str
    states: frozenset[str] | None  # None: the whole country
    effective_from: date | None
    effective_to: date | None  # exclusive

    def in_force(self, day: date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day < self.effective_to


@dataclass(frozen=True, slots=True)
class HoursRule(RuleBase):
    channels: frozenset[Channel]
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class CapRule(RuleBase):
    """At most `max` counted contacts in `window_days` local calendar days."""

    channels: frozenset[Channel]
    counts: dict[Channel, frozenset[str]] = field(hash=False)
    scope: str  # debt | person | number
    phone_types: frozenset[PhoneType] | None
    window_days: int
    max: int
    label: str
    # The consented callback (a call placed as the one the consumer asked for, within this
    # many days of the request) is not counted, and a proposed one is not blocked.
    consent_exempt_days: int = 0
    # Only contacts in these modes are counted and checked (None: every mode).
    modes: frozenset[ContactMode] | None = None
    # The cap applies only to numbers without the consumer's prior express consent.
    without_consent: bool = False


@dataclass(frozen=True, slots=True)
class LockoutRule(RuleBase):
    """No contact on the channels for `days` local days after a trigger (its date is day 1)."""

    channels: frozenset[Channel]
    trigger: frozenset[str]
    days: int
    consent_exempt_days: int = 0
    scope: str = "debt"  # debt: a conversation about the debt; person: about any debt
    modes: frozenset[ContactMode] | None = None  # the contacts it blocks (None: every mode)


@dataclass(frozen=True, slots=True)
class SpacingRule(RuleBase):
    """Any two contacts in `modes` with the person at least `minutes` apart."""

    minutes: int
    modes: frozenset[ContactMode]
    counts: dict[Channel, frozenset[str]] = field(hash=False)


@dataclass(frozen=True, slots=True)
class ThirdPartyRule(RuleBase):
    """Numbers that are not the debtor's own (relationship other than self).

    Automated contacts (which name the debt) are never allowed; an agent may call only
    once the debtor is unreachable (`unreachable_attempts` None: no such condition): every
    own number is invalid, or the last `unreachable_attempts` calls to the debtor's own
    numbers, all within `unreachable_days` days, failed to reach them.
    """

    channels: frozenset[Channel]
    unreachable_attempts: int | None
    unreachable_days: int
    unreachable_outcomes: frozenset[str]
    # At most this many conversations with one third-party number (None: no limit).
    max_conversations: int | None = None


@dataclass(frozen=True, slots=True)
class FlagRule(RuleBase):
    flag: ConsumerFlag
    reason: ReasonCode
    channels: frozenset[Channel]
    # The flag blocks only contacts to numbers of these types (None: every number).
    phone_types: frozenset[PhoneType] | None = None


@dataclass(frozen=True, slots=True)
class ConsentRule(RuleBase):
    channels: frozenset[Channel]
    modes: frozenset[ContactMode]
    phone_types: frozenset[PhoneType]


@dataclass(frozen=True, slots=True)
class OptOutRule(RuleBase):
    channels: frozenset[Channel]
    automated_revocation_citation: str = ""


@dataclass(frozen=True, slots=True)
class InvalidNumberRule(RuleBase):
    pass


@dataclass(frozen=True, slots=True)
class HolidayRule(RuleBase):
    channels: frozenset[Channel]


@dataclass(frozen=True, slots=True)
class RecordingConsentRule(RuleBase):
    """Whose consent recording a call needs in `states`: `all` parties (announce before
    recording, or do not record) or `one` (a party to the call, i.e. us, suffices)."""

    parties: str  # all | one


@dataclass(frozen=True, slots=True)
class RecordingRetentionRule(RuleBase):
    """Keep each call recording `days` days after the call, then delete it."""

    days: int


# Rules about recordings, not about whether a contact may be made: the engine never reads them.
RECORDING_RULES = (RecordingConsentRule, RecordingRetentionRule)

Rule = (
    HoursRule
    | CapRule
    | LockoutRule
    | SpacingRule
    | ThirdPartyRule
    | FlagRule
    | ConsentRule
    | OptOutRule
    | InvalidNumberRule
    | HolidayRule
    | RecordingConsentRule
    | RecordingRetentionRule
)

_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules that apply to one consumer on one day, grouped by kind for the hot path."""

    hours: tuple[HoursRule, ...] = ()
    caps: tuple[CapRule, ...] = ()
    lockouts: tuple[LockoutRule, ...] = ()
    spacings: tuple[SpacingRule, ...] = ()
    third_parties: tuple[ThirdPartyRule, ...] = ()
    flags: tuple[FlagRule, ...] = ()
    consents: tuple[ConsentRule, ...] = ()
    opt_outs: tuple[OptOutRule, ...] = ()
    invalid_numbers: tuple[InvalidNumberRule, ...] = ()
    holidays: tuple[HolidayRule, ...] = ()
    pack_versions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, rules: list[Rule], pack_versions: tuple[tuple[str, str], ...]) -> RuleSet:
        def pick(kind: type[_R]) -> tuple[_R, ...]:
            return tuple(r for r in rules if isinstance(r, kind))

        return cls(
            hours=pick(HoursRule),
            caps=pick(CapRule),
            lockouts=pick(LockoutRule),
            spacings=pick(SpacingRule),
            third_parties=pick(ThirdPartyRule),
            flags=pick(FlagRule),
            consents=pick(ConsentRule),
            opt_outs=pick(OptOutRule),
            invalid_numbers=pick(InvalidNumberRule),
            holidays=pick(HolidayRule),
            pack_versions=pack_versions,
        )

    def merged(self, extra: RuleSet) -> RuleSet:
        return RuleSet(
            hours=self.hours + extra.hours,
            caps=self.caps + extra.caps,
            lockouts=self.lockouts + extra.lockouts,
            spacings=self.spacings + extra.spacings,
            third_parties=self.third_parties + extra.third_parties,
            flags=self.flags + extra.flags,
            consents=self.consents + extra.consents,
            opt_outs=self.opt_outs + extra.opt_outs,
            invalid_numbers=self.invalid_numbers + extra.invalid_numbers,
            holidays=self.holidays + extra.holidays,
            pack_versions=self.pack_versions,
        )
