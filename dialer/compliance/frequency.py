"""Count-based rules: Reg F 7-in-7, the post-conversation lockout, state, national, admin caps."""

from __future__ import annotations

from datetime import time

from dialer.compliance.context import Block, Moment, PreparedEntry, day_label, local_start
from dialer.compliance.decision import Count, Reason, ReasonCode
from dialer.compliance.rules import CapRule, LockoutRule
from dialer.vocabulary import Channel, Direction

_MIDNIGHT = time(0, 0)


def consent_windows(moment: Moment, zone_index: int, days: int) -> list[tuple[int, int]]:
    """Local-day ranges [first, last] covered by the consumer's direct consent to be called."""
    if days <= 0:
        return []
    debt = moment.proposed.debt
    return [
        (h.days[zone_index], h.days[zone_index] + days - 1)
        for h in moment.history
        if h.entry.callback_requested and h.entry.debt == debt
    ]


def _exempt(day: int, windows: list[tuple[int, int]]) -> bool:
    return any(first <= day <= last for first, last in windows)


def _counted(rule: CapRule, moment: Moment, h: PreparedEntry) -> bool:
    entry = h.entry
    if entry.direction is not Direction.OUTBOUND:
        return False
    outcomes = rule.counts.get(entry.channel)
    if outcomes is None or (entry.outcome is not None and entry.outcome not in outcomes):
        return False  # an attempt with no outcome yet (reserved, in flight) counts
    if rule.scope == "debt" and entry.debt != moment.proposed.debt:
        return False
    if rule.scope == "number" and entry.to != moment.proposed.to:
        return False
    return rule.phone_types is None or h.phone_type in rule.phone_types


def check_caps(moment: Moment, rules: tuple[CapRule, ...]) -> tuple[list[Block], list[Count]]:
    blocks: list[Block] = []
    counts: list[Count] = []
    for rule in rules:
        if moment.proposed.channel not in rule.channels:
            continue
        if rule.phone_types is not None and moment.phone.type not in rule.phone_types:
            continue
        relevant = [h for h in moment.history if _counted(rule, moment, h)]
        worst: tuple[int, int] = (-1, 0)
        for zi, (zone, today) in enumerate(zip(moment.zones, moment.days, strict=True)):
            windows = consent_windows(moment, zi, rule.consent_exempt_days)
            if windows and _exempt(today, windows):
                continue
            first = today - rule.window_days + 1
            days = sorted(
                (
                    h.days[zi]
                    for h in relevant
                    if first <= h.days[zi] <= today and not _exempt(h.days[zi], windows)
                ),
                reverse=True,
            )
            if len(days) > worst[0]:
                worst = (len(days), today)
            if len(days) >= rule.max:
                rolls_on = days[rule.max - 1] + rule.window_days if rule.max > 0 else None
                until = None if rolls_on is None else local_start(rolls_on, _MIDNIGHT, zone)
                message = (
                    f"{len(days)} {rule.label} {_scope(rule, moment)} in the "
                    f"{_period(rule, today)}; the limit is {rule.max}"
                )
                blocks.append(
                    Block(Reason(ReasonCode.FREQUENCY_CAP, rule.id, rule.citation, message), until)
                )
        if worst[0] >= 0:
            counts.append(
                Count(
                    rule.id,
                    f"{rule.label} {_scope(rule, moment)} in the {_period(rule, worst[1])}",
                    worst[0],
                    rule.max,
                )
            )
    return blocks, counts


def _scope(rule: CapRule, moment: Moment) -> str:
    if rule.scope == "debt":
        return f"for debt {moment.proposed.debt}"
    if rule.scope == "number":
        return f"to {moment.proposed.to}"
    return "to this consumer"


def _period(rule: CapRule, today: int) -> str:
    if rule.window_days == 1:
        return f"day {day_label(today)}"
    return f"{rule.window_days} days ending {day_label(today)}"


def check_lockouts(moment: Moment, rules: tuple[LockoutRule, ...]) -> list[Block]:
    blocks: list[Block] = []
    proposed = moment.proposed
    for rule in rules:
        if proposed.channel not in rule.channels:
            continue
        triggers = [
            h
            for h in moment.history
            if h.entry.channel is Channel.CALL
            and h.entry.outcome in rule.trigger
            and h.entry.debt == proposed.debt
        ]
        if not triggers:
            continue
        for zi, (zone, today) in enumerate(zip(moment.zones, moment.days, strict=True)):
            windows = consent_windows(moment, zi, rule.consent_exempt_days)
            if windows and _exempt(today, windows):
                continue
            started = [h.days[zi] for h in triggers if h.days[zi] <= today < h.days[zi] + rule.days]
            if not started:
                continue
            last = max(started)
            message = (
                f"a conversation about debt {proposed.debt} on {day_label(last)} (day 1) blocks "
                f"calls through {day_label(last + rule.days - 1)}; today is day {today - last + 1}"
            )
            blocks.append(
                Block(
                    Reason(ReasonCode.POST_CONVERSATION, rule.id, rule.citation, message),
                    local_start(last + rule.days, _MIDNIGHT, zone),
                )
            )
    return blocks
