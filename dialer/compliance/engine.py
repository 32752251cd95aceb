"""evaluate(): facts in, decision out. Pure: no clock, no database, no network."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dialer.compliance.consent import (
    check_consent,
    check_flags,
    check_invalid_number,
    check_opt_outs,
)
from dialer.compliance.context import Block, History, Moment, Past
from dialer.compliance.decision import CandidateZone, Count, Decision
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
from dialer.compliance.rules import RuleSet
from dialer.compliance.spacing import check_spacing
from dialer.compliance.third_party import check_third_party
from dialer.compliance.zones import consumer_states, located
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
    return evaluate_through(consumer, history, proposed, (), limits=limits, packs=packs)


def evaluate_through(
    consumer: ConsumerFacts,
    history: Sequence[HistoryEntry],
    proposed: ProposedContact,
    later: Sequence[datetime],
    *,
    limits: AdminLimits | None = None,
    packs: RulePacks,
) -> Decision:
    """`evaluate` at `proposed.at` and, while it allows, at each of the `later` instants (the
    same contact still on its way to the consumer): the decision at the first instant that
    blocks, else the one at `proposed.at`. The time zones, the history and the rule sets are
    derived once for all the instants."""
    if proposed.at.tzinfo is None:
        raise InputError("proposed.at must be timezone-aware (UTC)")
    if any(instant.tzinfo is None for instant in later):
        raise InputError("the later instants must be timezone-aware (UTC)")
    at = proposed.at.astimezone(UTC)
    numbers = tuple([p.number for p in consumer.phones])
    if proposed.to not in numbers:
        numbers = (*numbers, proposed.to)
    candidates, zones = located(
        consumer.country, consumer.state, consumer.postal_code, consumer.timezone, numbers
    )
    evaluator = _Evaluator(
        consumer=consumer,
        proposed=proposed,
        phone=consumer.phone(proposed.to) or PhoneFacts(proposed.to, PhoneType.UNKNOWN, False),
        zones=zones,
        history=History(history, zones, consumer),
        states=consumer_states(consumer.country, consumer.state, consumer.postal_code),
        limits=limits,
        packs=packs,
    )
    decision = evaluator.decide(at, candidates)
    for instant in later if decision.allowed else ():
        moment = instant.astimezone(UTC)
        if evaluator.check(moment)[0]:  # blocked then: the whole decision, with its counts
            return evaluator.decide(moment, candidates)
    return decision


class _Evaluator:
    """One proposed contact checked at one or more instants; what it derives is reused."""

    __slots__ = (
        "_pasts",
        "_rulesets",
        "consumer",
        "history",
        "limits",
        "packs",
        "phone",
        "proposed",
        "states",
        "zones",
    )

    def __init__(
        self,
        *,
        consumer: ConsumerFacts,
        proposed: ProposedContact,
        phone: PhoneFacts,
        zones: tuple[ZoneInfo, ...],
        history: History,
        states: frozenset[str],
        limits: AdminLimits | None,
        packs: RulePacks,
    ) -> None:
        self.consumer = consumer
        self.proposed = proposed
        self.phone = phone
        self.zones = zones
        self.history = history
        self.states = states
        self.limits = limits
        self.packs = packs
        self._rulesets: dict[date, RuleSet] = {}
        self._pasts: dict[int, Past] = {}

    def decide(self, at: datetime, candidates: tuple[CandidateZone, ...]) -> Decision:
        blocks, counts, versions = self.check(at, with_counts=True)
        return Decision(
            allowed=not blocks,
            reasons=tuple([b.reason for b in blocks]),
            candidate_zones=candidates,
            counts=tuple(counts),
            next_allowed_at=self.next_allowed(at, blocks) if blocks else None,
            pack_versions=dict(versions),
            evaluated_at=at,
        )

    def check(
        self, at: datetime, *, with_counts: bool = False
    ) -> tuple[list[Block], list[Count], tuple[tuple[str, str], ...]]:
        rules = self._ruleset(at.date())
        past = self._past(at)
        moment = Moment(
            consumer=self.consumer,
            proposed=self.proposed,
            phone=self.phone,
            at=at,
            zones=self.zones,
            past=past,
        )
        blocks = list(past.memo(("hard", id(rules)), lambda: _hard_blocks(moment, rules)))
        blocks += check_third_party(moment, rules.third_parties)
        if blocks and not with_counts:  # hard blocks never lift
            return blocks, [], rules.pack_versions
        blocks += check_hours(moment, rules.hours)
        blocks += check_inconvenient(moment)
        blocks += check_holidays(moment, rules.holidays)
        blocks += check_lockouts(moment, rules.lockouts)
        blocks += check_spacing(moment, rules.spacings)
        cap_blocks, counts = check_caps(moment, rules.caps, with_counts=with_counts)
        blocks += cap_blocks
        return blocks, counts, rules.pack_versions

    def _ruleset(self, day: date) -> RuleSet:
        found = self._rulesets.get(day)
        if found is None:
            found = self.packs.ruleset(self.consumer.country, self.states, day, self.limits)
            self._rulesets[day] = found
        return found

    def _past(self, at: datetime) -> Past:
        count = self.history.until(at)
        found = self._pasts.get(count)
        if found is None:
            found = self._pasts[count] = Past(self.history, count)
        return found

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


def _hard_blocks(moment: Moment, rules: RuleSet) -> tuple[Block, ...]:
    """Blocks no waiting lifts; they depend on the history, never on the instant."""
    blocks = check_flags(moment, rules.flags)
    blocks += check_invalid_number(moment, rules.invalid_numbers)
    blocks += check_opt_outs(moment, rules.opt_outs, rules.consents)
    blocks += check_consent(moment, rules.consents)
    return tuple(blocks)
