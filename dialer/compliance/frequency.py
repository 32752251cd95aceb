"""Count-based rules: Reg F 7-in-7, the post-conversation lockout, state, national, admin caps.

What a rule derives from the history (its counted entries as sorted local days, per zone) is
memoised on the `Past`, so each check is a couple of bisections; the rule objects' identities
key the memo (they live as long as the rule packs).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import time
from functools import partial

from dialer.compliance.context import Block, Moment, day_label, local_start
from dialer.compliance.decision import Count, Reason, ReasonCode
from dialer.compliance.rules import CapRule, LockoutRule
from dialer.vocabulary import Channel, Direction, PhoneType

_MIDNIGHT = time(0, 0)
_OUTBOUND = Direction.OUTBOUND
_CALL = Channel.CALL
_Windows = list[tuple[int, int]]


def consent_windows(moment: Moment, zone_index: int, days: int) -> _Windows:
    """Local-day ranges [first, last] covered by the consumer's direct consent to be called."""
    if days <= 0:
        return []
    past = moment.past
    debt = moment.proposed.debts[0]
    consents = past.memo(
        "consent",
        lambda: [i for i, e in enumerate(past.entries) if e.callback_requested and debt in e.debts],
    )
    if not consents:
        return []

    def build() -> _Windows:
        return [(day, day + days - 1) for day in past.history.local_days(zone_index, consents)]

    return past.memo(("consent", zone_index, days), build)


def _exempt(day: int, windows: _Windows) -> bool:
    return any(first <= day <= last for first, last in windows)


def _counted(rule: CapRule, moment: Moment) -> list[int]:
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
    proposed = moment.proposed
    if rule.scope == "debt":
        found = [i for i in found if proposed.debts[0] in entries[i].debts]
    elif rule.scope == "number":
        found = [i for i in found if entries[i].to == proposed.to]
    if rule.phone_types is not None:
        phone_type, types = moment.past.history.phone_type, rule.phone_types
        found = [i for i in found if phone_type(entries[i]) in types]
    return found


def _counted_days(moment: Moment, rule: CapRule, zone_index: int, windows: _Windows) -> list[int]:
    """Sorted local days (in one zone) of the entries `rule` counts, outside consent windows."""
    past = moment.past

    def build() -> list[int]:
        counted = past.memo(("cap", id(rule)), lambda: _counted(rule, moment))
        days = past.history.local_days(zone_index, counted)
        return sorted(d for d in days if not _exempt(d, windows)) if windows else sorted(days)

    return past.memo(("cap", id(rule), zone_index), build)


def _applies(rule: CapRule, channel: Channel, phone_type: PhoneType) -> bool:
    return channel in rule.channels and (rule.phone_types is None or phone_type in rule.phone_types)


def check_caps(
    moment: Moment, rules: tuple[CapRule, ...], *, with_counts: bool = True
) -> tuple[list[Block], list[Count]]:
    blocks: list[Block] = []
    counts: list[Count] = []
    channel, phone_type = moment.proposed.channel, moment.phone.type
    for rule in rules:
        if not _applies(rule, channel, phone_type):
            continue
        worst: tuple[int, int] = (-1, 0)
        for zi, (zone, today) in enumerate(zip(moment.zones, moment.days, strict=True)):
            windows = consent_windows(moment, zi, rule.consent_exempt_days)
            if windows and _exempt(today, windows):
                continue
            days = _counted_days(moment, rule, zi, windows)
            end = bisect_right(days, today)
            used = end - bisect_left(days, today - rule.window_days + 1, 0, end)
            if used > worst[0]:
                worst = (used, today)
            if used >= rule.max:
                rolls_on = days[end - rule.max] + rule.window_days if rule.max > 0 else None
                until = None if rolls_on is None else local_start(rolls_on, _MIDNIGHT, zone)
                blocks.append(Block(until, partial(_cap_reason, rule, moment, used, today)))
        if with_counts and worst[0] >= 0:
            description = f"{rule.label} {_scope(rule, moment)} in the {_period(rule, worst[1])}"
            counts.append(Count(rule.id, description, worst[0], rule.max))
    return blocks, counts


def _cap_reason(rule: CapRule, moment: Moment, used: int, today: int) -> Reason:
    message = (
        f"{used} {rule.label} {_scope(rule, moment)} in the "
        f"{_period(rule, today)}; the limit is {rule.max}"
    )
    return Reason(ReasonCode.FREQUENCY_CAP, rule.id, rule.citation, message)


def _scope(rule: CapRule, moment: Moment) -> str:
    if rule.scope == "debt":
        return f"for debt {moment.proposed.debts[0]}"
    if rule.scope == "number":
        return f"to {moment.proposed.to}"
    return "to this consumer"


def _period(rule: CapRule, today: int) -> str:
    if rule.window_days == 1:
        return f"day {day_label(today)}"
    return f"{rule.window_days} days ending {day_label(today)}"


def _trigger_days(moment: Moment, rule: LockoutRule, zone_index: int) -> list[int]:
    """Sorted local days (in one zone) of the conversations that start `rule`'s lockout."""
    past = moment.past
    debt = moment.proposed.debts[0]

    def indices() -> list[int]:
        return [
            i
            for i, entry in enumerate(past.entries)
            if entry.channel is _CALL and entry.outcome in rule.trigger and debt in entry.debts
        ]

    def build() -> list[int]:
        triggers = past.memo(("lockout", id(rule)), indices)
        return sorted(past.history.local_days(zone_index, triggers))

    return past.memo(("lockout", id(rule), zone_index), build)


def check_lockouts(moment: Moment, rules: tuple[LockoutRule, ...]) -> list[Block]:
    blocks: list[Block] = []
    for rule in rules:
        if moment.proposed.channel not in rule.channels:
            continue
        for zi, (zone, today) in enumerate(zip(moment.zones, moment.days, strict=True)):
            started = _trigger_days(moment, rule, zi)
            if not started:
                break  # no trigger in any zone
            windows = consent_windows(moment, zi, rule.consent_exempt_days)
            if windows and _exempt(today, windows):
                continue
            index = bisect_right(started, today)
            if index == 0 or today >= started[index - 1] + rule.days:
                continue
            last = started[index - 1]
            blocks.append(
                Block(
                    local_start(last + rule.days, _MIDNIGHT, zone),
                    partial(_lockout_reason, rule, moment, last, today),
                )
            )
    return blocks


def _lockout_reason(rule: LockoutRule, moment: Moment, last: int, today: int) -> Reason:
    message = (
        f"a conversation about debt {moment.proposed.debts[0]} on {day_label(last)} (day 1) blocks "
        f"calls through {day_label(last + rule.days - 1)}; today is day {today - last + 1}"
    )
    return Reason(ReasonCode.POST_CONVERSATION, rule.id, rule.citation, message)
