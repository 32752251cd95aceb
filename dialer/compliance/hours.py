"""Time-of-day rules: the legal calling window, consumer-stated inconvenient times, holidays."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial
from zoneinfo import ZoneInfo

from dialer.compliance.calendars import holiday_name
from dialer.compliance.context import Block, Moment, fixed, local_start
from dialer.compliance.decision import Reason, ReasonCode
from dialer.compliance.facts import InconvenientTime
from dialer.compliance.rules import HolidayRule, HoursRule
from dialer.compliance.zones import consumer_states

_MIDNIGHT = time(0, 0)
CONSUMER_DESIGNATED = "12 CFR 1006.6(b)(1)(i); comment 6(b)(1)-1 (consumer-designated times)"


def check_hours(moment: Moment, rules: tuple[HoursRule, ...]) -> list[Block]:
    blocks: list[Block] = []
    channel = moment.proposed.channel
    for rule in rules:
        if channel not in rule.channels:
            continue
        for zone, local, day in zip(moment.zones, moment.local, moment.days, strict=True):
            clock = local.time()
            if rule.start <= clock < rule.end:
                continue
            opens_on = day if clock < rule.start else day + 1
            blocks.append(
                Block(
                    local_start(opens_on, rule.start, zone),
                    partial(_outside_hours, rule, zone, local),
                )
            )
    return blocks


def _outside_hours(rule: HoursRule, zone: ZoneInfo, local: datetime) -> Reason:
    clock = f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"  # faster than strftime
    message = f"{clock} in {zone.key} is outside {_hh_mm(rule.start)}-{_hh_mm(rule.end)}"
    return Reason(ReasonCode.OUTSIDE_HOURS, rule.id, rule.citation, message)


def _hh_mm(clock: time) -> str:
    return f"{clock.hour:02d}:{clock.minute:02d}"


def check_inconvenient(moment: Moment) -> list[Block]:
    blocks: list[Block] = []
    for stated in moment.consumer.inconvenient_times:
        for zone, local, day in zip(moment.zones, moment.local, moment.days, strict=True):
            ends_on = _inside(stated.start, stated.end, stated.days, local, day)
            if ends_on is None:
                continue
            blocks.append(
                Block(
                    local_start(ends_on, stated.end, zone),
                    partial(_inconvenient, stated, zone, local),
                )
            )
    return blocks


def _inconvenient(stated: InconvenientTime, zone: ZoneInfo, local: datetime) -> Reason:
    message = (
        f"{local:%a %H:%M} in {zone.key} is inside the consumer's inconvenient time "
        f"{stated.start:%H:%M}-{stated.end:%H:%M}"
    )
    return Reason(
        ReasonCode.INCONVENIENT_TIME, "consumer.inconvenient_time", CONSUMER_DESIGNATED, message
    )


def _inside(
    start: time, end: time, days: frozenset[int] | None, local: datetime, day: int
) -> int | None:
    """The local day on which the range ends, if `local` is inside it; else None."""
    clock = local.time()
    weekday = local.weekday()
    if start < end:
        inside = start <= clock < end and (days is None or weekday in days)
        return day if inside else None
    if clock >= start and (days is None or weekday in days):
        return day + 1
    if clock < end and (days is None or (weekday - 1) % 7 in days):
        return day
    return None


def check_holidays(moment: Moment, rules: tuple[HolidayRule, ...]) -> list[Block]:
    """A holiday where the consumer may be (any candidate zone's date, any of their states)."""
    blocks: list[Block] = []
    consumer = moment.consumer
    states = consumer_states(consumer.country, consumer.state, consumer.postal_code)
    for rule in rules:
        if moment.proposed.channel not in rule.channels:
            continue
        for zone, day in zip(moment.zones, moment.days, strict=True):
            name = holiday_name(consumer.country, states, day)
            if name is None:
                continue
            after = day + 1
            while holiday_name(consumer.country, states, after) is not None:
                after += 1
            message = f"{date.fromordinal(day).isoformat()} is a holiday ({name}) in {zone.key}"
            reason = Reason(ReasonCode.HOLIDAY, rule.id, rule.citation, message)
            blocks.append(Block(local_start(after, _MIDNIGHT, zone), fixed(reason)))
    return blocks
