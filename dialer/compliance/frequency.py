"""Count-based rules: Reg F 7-in-7, the post-conversation lockouts, state, national, admin caps.

A cap scoped per debt is checked for each debt the contact is about (a contact about several
debts counts against each); a person-scoped rule counts every debt together.

What a rule derives from the history (its counted entries as sorted local days, per zone and
debt) is memoised on the `Past`, so each check is a couple of bisections; the rule objects'
identities key the memo (they live as long as the rule packs).

Consented callbacks (12 CFR 1006.14(b)(3)(i)) are left out of a rule's count and not blocked
by it: see `callback_consent`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import time
from functools import partial

from dialer.compliance.callback_consent import (
    callback_consented,
    callback_note,
    callback_opens,
    consent_windows,
    in_window,
    sooner,
)
from dialer.compliance.context import Block, Moment, day_label, local_start
from dialer.compliance.decision import Count, Reason, ReasonCode
from dialer.compliance.rules import CapRule, LockoutRule
from dialer.vocabulary import Channel, Direction, PhoneType

_MIDNIGHT = time(0, 0)
_OUTBOUND = Direction.OUTBOUND
_CALL = Channel.CALL


def _counted(rule: CapRule, moment: Moment, debt: str | None) -> list[int]:
    """Indices of the past entries `rule` counts; an attempt with no outcome yet counts."""
    entries = moment.past.entries
    counts = rule.counts
    found = [
        i
        for i, entry in enumerate(entries)
        if entry.direction is _OUTBOUND
        and entry.channel in counts
        and (entry.outcome is None or entry.outcome in counts[entry.channel])
    ]
    if rule.modes is not None:
        found = [i for i in found if entries[i].mode in rule.modes]
    if rule.scope == "debt":
        found = [i for i in found if debt in entries[i].debts]
    elif rule.scope == "number":
        found = [i for i in found if entries[i].to == moment.proposed.to]
    if rule.phone_types is not None:
        phone_type, types = moment.past.history.phone_type, rule.phone_types
        found = [i for i in found if phone_type(entries[i]) in types]
    return found


def _counted_days(moment: Moment, rule: CapRule, zone_index: int, debt: str | None) -> list[int]:
    """Sorted local days (in one zone) of the entries `rule` counts, consented callbacks out."""
    past = moment.past

    def build() -> list[int]:
        counted = past.memo(("cap", id(rule), debt), lambda: _counted(rule, moment, debt))
        days = past.history.local_days(zone_index, counted)
        windows = consent_windows(moment, zone_index, rule.consent_exempt_days)
        if windows:
            entries = past.entries
            days = [
                d
                for i, d in zip(counted, days, strict=True)
                if not (entries[i].callback and in_window(d, windows))
            ]
        return sorted(days)

    return past.memo(("cap", id(rule), zone_index, debt), build)


def _applies(rule: CapRule, moment: Moment, channel: Channel, phone_type: PhoneType) -> bool:
    return (
        channel in rule.channels
        and (rule.phone_types is None or phone_type in rule.phone_types)
        and (rule.modes is None or moment.proposed.mode in rule.modes)
        and not (rule.without_consent and moment.phone.consent)
    )


def _scopes(scope: str, moment: Moment) -> tuple[str | None, ...]:
    """The debts a rule is checked for: each proposed debt, or None (all debts together)."""
    return moment.proposed.debts if scope == "debt" else (None,)


def check_caps(
    moment: Moment, rules: tuple[CapRule, ...], *, with_counts: bool = True
) -> tuple[list[Block], list[Count]]:
    blocks: list[Block] = []
    counts: list[Count] = []
    channel, phone_type = moment.proposed.channel, moment.phone.type
    for rule in rules:
        if not _applies(rule, moment, channel, phone_type):
            continue
        for debt in _scopes(rule.scope, moment):
            worst = _check_cap(moment, rule, debt, blocks)
            if with_counts and worst[0] >= 0:
                description = f"{rule.label} {_scope(rule, moment, debt)} in the "
                description += _period(rule, worst[1])
                counts.append(Count(rule.id, description, worst[0], rule.max))
    return blocks, counts


def _check_cap(
    moment: Moment, rule: CapRule, debt: str | None, blocks: list[Block]
) -> tuple[int, int]:
    """Check one cap for one debt (or the person) in every zone; the worst (used, day)."""
    worst: tuple[int, int] = (-1, 0)
    callback = rule.consent_exempt_days if moment.proposed.callback else 0
    for zi, (zone, today) in enumerate(zip(moment.zones, moment.days, strict=True)):
        if callback and callback_consented(moment, zi, callback):
            continue
        days = _counted_days(moment, rule, zi, debt)
        end = bisect_right(days, today)
        used = end - bisect_left(days, today - rule.window_days + 1, 0, end)
        if used > worst[0]:
            worst = (used, today)
        if used >= rule.max:
            rolls_on = days[end - rule.max] + rule.window_days if rule.max > 0 else None
            until = None if rolls_on is None else local_start(rolls_on, _MIDNIGHT, zone)
            if rule.consent_exempt_days:
                until = sooner(until, callback_opens(moment, zi, rule.consent_exempt_days))
            explain = partial(_cap_reason, rule, moment, used, today, debt=debt, zone_index=zi)
            blocks.append(Block(until, explain))
    return worst


def _cap_reason(
    rule: CapRule, moment: Moment, used: int, today: int, *, debt: str | None, zone_index: int
) -> Reason:
    message = (
        f"{used} {rule.label} {_scope(rule, moment, debt)} in the "
        f"{_period(rule, today)}; the limit is {rule.max}"
    )
    message += callback_note(moment, zone_index, rule.consent_exempt_days)
    return Reason(ReasonCode.FREQUENCY_CAP, rule.id, rule.citation, message)


def _scope(rule: CapRule, moment: Moment, debt: str | None) -> str:
    if rule.scope == "debt":
        return f"for debt {debt}"
    if rule.scope == "number":
        return f"to {moment.proposed.to}"
    return "to this consumer"


def _period(rule: CapRule, today: int) -> str:
    if rule.window_days == 1:
        return f"day {day_label(today)}"
    return f"{rule.window_days} days ending {day_label(today)}"


def _trigger_days(
    moment: Moment, rule: LockoutRule, zone_index: int, debt: str | None
) -> list[int]:
    """Sorted local days (in one zone) of the conversations that start `rule`'s lockout
    (about `debt`, or about any debt when `debt` is None)."""
    past = moment.past

    def indices() -> list[int]:
        return [
            i
            for i, entry in enumerate(past.entries)
            if entry.channel is _CALL
            and entry.outcome in rule.trigger
            and (debt is None or debt in entry.debts)
        ]

    def build() -> list[int]:
        triggers = past.memo(("lockout", id(rule), debt), indices)
        return sorted(past.history.local_days(zone_index, triggers))

    return past.memo(("lockout", id(rule), zone_index, debt), build)


def check_lockouts(moment: Moment, rules: tuple[LockoutRule, ...]) -> list[Block]:
    blocks: list[Block] = []
    proposed = moment.proposed
    for rule in rules:
        if proposed.channel not in rule.channels:
            continue
        if rule.modes is not None and proposed.mode not in rule.modes:
            continue
        for debt in _scopes(rule.scope, moment):
            _check_lockout(moment, rule, debt, blocks)
    return blocks


def _check_lockout(
    moment: Moment, rule: LockoutRule, debt: str | None, blocks: list[Block]
) -> None:
    callback = rule.consent_exempt_days if moment.proposed.callback else 0
    for zi, (zone, today) in enumerate(zip(moment.zones, moment.days, strict=True)):
        started = _trigger_days(moment, rule, zi, debt)
        if not started:
            return  # no trigger in any zone
        if callback and callback_consented(moment, zi, callback):
            continue
        index = bisect_right(started, today)
        if index == 0 or today >= started[index - 1] + rule.days:
            continue
        last = started[index - 1]
        until = local_start(last + rule.days, _MIDNIGHT, zone)
        if rule.consent_exempt_days:
            until = sooner(until, callback_opens(moment, zi, rule.consent_exempt_days)) or until
        explain = partial(_lockout_reason, rule, moment, last, today, debt=debt, zone_index=zi)
        blocks.append(Block(until, explain))


def _lockout_reason(
    rule: LockoutRule,
    moment: Moment,
    last: int,
    today: int,
    *,
    debt: str | None,
    zone_index: int,
) -> Reason:
    about = f"debt {debt}" if debt is not None else "any of the consumer's debts"
    blocked = "calls" if rule.modes is None else f"{'/'.join(sorted(rule.modes))} calls"
    message = (
        f"a conversation about {about} on {day_label(last)} (day 1) blocks {blocked} "
        f"through {day_label(last + rule.days - 1)}; today is day {today - last + 1}"
    )
    message += callback_note(moment, zone_index, rule.consent_exempt_days)
    return Reason(ReasonCode.POST_CONVERSATION, rule.id, rule.citation, message)
