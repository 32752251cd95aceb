"""validate_limits(): admin limits may only tighten the rule packs."""

from __future__ import annotations

from datetime import time

from dialer.compliance.facts import AdminLimits, TimeRange
from dialer.compliance.packs import RulePacks
from dialer.compliance.rules import CapRule, HoursRule, Rule
from dialer.errors import InputError, LimitTooLooseError
from dialer.vocabulary import Channel


def validate_limits(
    limits: AdminLimits, *, country: str, state: str | None = None, packs: RulePacks
) -> None:
    """Raise LimitTooLooseError naming the rule and value when a limit is looser than the law.

    Without a state, the limit is global and is checked against every pack of the country.
    """
    rules = _candidate_rules(packs, country, state)
    for name, channel, hours in (
        ("call_hours", Channel.CALL, limits.call_hours),
        ("sms_hours", Channel.SMS, limits.sms_hours),
    ):
        if hours is not None:
            _check_hours(name, channel, hours, rules)
    for name, channel, days, value in (
        ("max_calls_per_day", Channel.CALL, 1, limits.max_calls_per_day),
        ("max_calls_per_week", Channel.CALL, 7, limits.max_calls_per_week),
        ("max_sms_per_day", Channel.SMS, 1, limits.max_sms_per_day),
        ("max_sms_per_week", Channel.SMS, 7, limits.max_sms_per_week),
    ):
        if value is not None:
            _check_cap(name, channel, days, value, rules)
    gap = limits.min_minutes_between_contacts
    if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int) or gap < 1):
        raise InputError(
            f"min_minutes_between_contacts must be a whole number of minutes >= 1, got {gap!r} "
            "(leave it unset for no person-level gap)"
        )


def _candidate_rules(packs: RulePacks, country: str, state: str | None) -> list[Rule]:
    wanted = state.upper() if state else None
    return [
        r
        for r in packs.all_rules(country.upper())
        if r.states is None or wanted is None or wanted in r.states
    ]


def _clock(value: time) -> str:
    return value.strftime("%H:%M") if value.second == 0 else value.strftime("%H:%M:%S")


def _check_hours(name: str, channel: Channel, hours: TimeRange, rules: list[Rule]) -> None:
    if hours.start >= hours.end:
        raise InputError(
            f"{name} start {_clock(hours.start)} must be before end {_clock(hours.end)}"
        )
    for rule in rules:
        if not isinstance(rule, HoursRule) or channel not in rule.channels:
            continue
        if hours.start < rule.start:
            raise LimitTooLooseError(
                f"{name} start {_clock(hours.start)} is earlier than {_clock(rule.start)} "
                f"required by {rule.citation} (rule {rule.id})"
            )
        if hours.end > rule.end:
            raise LimitTooLooseError(
                f"{name} end {_clock(hours.end)} is later than {_clock(rule.end)} "
                f"required by {rule.citation} (rule {rule.id})"
            )


def _check_cap(name: str, channel: Channel, days: int, value: int, rules: list[Rule]) -> None:
    if value < 0:
        raise InputError(f"{name} must be 0 or more, got {value}")
    for rule in rules:
        comparable = (
            isinstance(rule, CapRule)
            and channel in rule.channels
            and channel in rule.counts
            and rule.window_days == days
            and rule.phone_types is None
            and "no_answer" in rule.counts.get(Channel.CALL, frozenset({"no_answer"}))
        )
        if comparable and isinstance(rule, CapRule) and value > rule.max:
            raise LimitTooLooseError(
                f"{name} {value} is higher than {rule.max} allowed by {rule.citation} "
                f"(rule {rule.id})"
            )
