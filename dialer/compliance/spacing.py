"""The person-level gap: any two automated contacts with a person at least N minutes apart.

Every debt, channel and number counts together; the next allowed instant is the last counted
contact plus the gap.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta
from functools import partial

from dialer.compliance.context import Block, Moment
from dialer.compliance.decision import Reason, ReasonCode
from dialer.compliance.rules import SpacingRule
from dialer.vocabulary import Direction

_OUTBOUND = Direction.OUTBOUND


def _counted(rule: SpacingRule, moment: Moment) -> list[datetime]:
    """The UTC instants of the past contacts `rule` counts (an attempt with no outcome counts)."""
    past = moment.past
    moments = past.history.moments
    counts = rule.counts
    return [
        moments[i]
        for i, entry in enumerate(past.entries)
        if entry.direction is _OUTBOUND
        and entry.mode in rule.modes
        and entry.channel in counts
        and (entry.outcome is None or entry.outcome in counts[entry.channel])
    ]


def check_spacing(moment: Moment, rules: tuple[SpacingRule, ...]) -> list[Block]:
    blocks: list[Block] = []
    for rule in rules:
        if moment.proposed.mode not in rule.modes:
            continue
        instants = moment.past.memo(("spacing", id(rule)), partial(_counted, rule, moment))
        index = bisect_right(instants, moment.at)
        if index == 0:
            continue
        last = instants[index - 1]
        until = last + timedelta(minutes=rule.minutes)
        if moment.at < until:
            blocks.append(Block(until, partial(_reason, rule, last, moment.at)))
    return blocks


def _reason(rule: SpacingRule, last: datetime, at: datetime) -> Reason:
    minutes = (at - last).total_seconds() / 60
    message = (
        f"the last automated contact with this person (any debt, channel or number) was at "
        f"{last:%Y-%m-%d %H:%M}Z, {minutes:.0f} minute(s) ago; contacts must be at least "
        f"{rule.minutes} minutes apart"
    )
    return Reason(ReasonCode.CONTACT_SPACING, rule.id, rule.citation, message)
