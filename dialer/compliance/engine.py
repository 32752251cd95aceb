"""evaluate(): facts in, decision out. Pure: no clock, no database, no network."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dialer.compliance.consent import (
    check_consent,
    check_flags,
    check_invalid_number,
    check_opt_outs,
)
from dialer.compliance.context import Block, Moment, PreparedEntry, prepare_history
from dialer.compliance.decision import Count, Decision
from dialer.compliance.facts import (
    AdminLimits,
    ConsumerFacts,
    HistoryEntry,
    PhoneFacts,
    ProposedContact,
)
from dialer.compliance.frequency import check_caps, check_lockouts
from dialer.compliance.hours import check_holidays, check_hours, check_inconvenient
from dialer.compliance.packs import RulePacks
from dialer.compliance.zones import candidate_zones, consumer_states, evaluation_zones
from dialer.errors import InputError
from dialer.vocabulary import PhoneType

HORIZON = timedelta(days=400)
MAX_STEPS = 3000


def evaluate(
    consumer: ConsumerFacts,
    history: Sequence[HistoryEntry],
    proposed: ProposedContact,
    *,
    limits: AdminLimits | None = None,
    packs: RulePacks,
) -> Decision:
    """Is `proposed` lawful at `proposed.at`? If not, why, and when is it next?"""
    if proposed.at.tzinfo is None:
        raise InputError("proposed.at must be timezone-aware (UTC)")
    at = proposed.at.astimezone(UTC)
    numbers = tuple(p.number for p in consumer.phones)
    if proposed.to not in numbers:
        numbers = (*numbers, proposed.to)
    candidates = candidate_zones(
        consumer.country, consumer.state, consumer.postal_code, consumer.timezone, numbers
    )
    zones = evaluation_zones(candidates)
    phone = consumer.phone(proposed.to) or PhoneFacts(proposed.to, PhoneType.UNKNOWN, False)
    prepared = prepare_history(tuple(history), zones, consumer)
    states = consumer_states(consumer.country, consumer.state, consumer.postal_code)
    evaluator = _Evaluator(
        consumer=consumer,
        proposed=proposed,
        phone=phone,
        zones=zones,
        prepared=prepared,
        states=states,
        limits=limits,
        packs=packs,
    )
    blocks, counts, versions = evaluator.check(at, with_counts=True)
    common = {
        "candidate_zones": candidates,
        "counts": tuple(counts),
        "pack_versions": dict(versions),
        "evaluated_at": at,
    }
    if not blocks:
        return Decision(allowed=True, **common)  # type: ignore[arg-type]
    return Decision(
        allowed=False,
        reasons=tuple(b.reason for b in blocks),
        next_allowed_at=evaluator.next_allowed(at, blocks),
        **common,  # type: ignore[arg-type]
    )


class _Evaluator:
    __slots__ = ("consumer", "limits", "packs", "phone", "prepared", "proposed", "states", "zones")

    def __init__(
        self,
        *,
        consumer: ConsumerFacts,
        proposed: ProposedContact,
        phone: PhoneFacts,
        zones: tuple[ZoneInfo, ...],
        prepared: tuple[PreparedEntry, ...],
        states: frozenset[str],
        limits: AdminLimits | None,
        packs: RulePacks,
    ) -> None:
        self.consumer = consumer
        self.proposed = proposed
        self.phone = phone
        self.zones = zones
        self.prepared = prepared
        self.states = states
        self.limits = limits
        self.packs = packs

    def check(
        self, at: datetime, *, with_counts: bool = False
    ) -> tuple[list[Block], list[Count], tuple[tuple[str, str], ...]]:
        rules = self.packs.ruleset(self.consumer.country, self.states, at.date(), self.limits)
        moment = Moment.of(
            consumer=self.consumer,
            proposed=self.proposed,
            phone=self.phone,
            at=at,
            zones=self.zones,
            history=self.prepared,
        )
        blocks = check_flags(moment, rules.flags)
        blocks += check_invalid_number(moment, rules.invalid_numbers)
        blocks += check_opt_outs(moment, rules.opt_outs, rules.consents)
        blocks += check_consent(moment, rules.consents)
        if blocks and not with_counts and any(b.until is None for b in blocks):
            return blocks, [], rules.pack_versions
        blocks += check_hours(moment, rules.hours)
        blocks += check_inconvenient(moment)
        blocks += check_holidays(moment, rules.holidays)
        blocks += check_lockouts(moment, rules.lockouts)
        cap_blocks, counts = check_caps(moment, rules.caps)
        blocks += cap_blocks
        return blocks, counts, rules.pack_versions

    def next_allowed(self, at: datetime, blocks: list[Block]) -> datetime | None:
        """The earliest instant >= `at` when the same contact is allowed; None if never."""
        horizon = at + HORIZON
        t = at
        for _ in range(MAX_STEPS):
            untils = [b.until for b in blocks]
            if not untils or any(u is None for u in untils):
                return None if untils else t
            t = max(*(u for u in untils if u is not None), t + timedelta(microseconds=1))
            if t > horizon:
                return None
            blocks = self.check(t)[0]
            if not blocks:
                return t
        return None
