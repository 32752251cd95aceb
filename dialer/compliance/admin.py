"""Admin limits turned into ordinary rules, so the engine treats them like any other pack."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dialer.compliance.facts import AdminLimits, TimeRange
from dialer.compliance.rules import CapRule, HolidayRule, HoursRule, LockoutRule, Rule, SpacingRule
from dialer.vocabulary import Channel, ContactMode, Outcome

ADMIN_PACK = "admin"
ADMIN_CITATION = "admin limit (configured by a compliance officer; may only tighten the law)"
# Every placed attempt counts towards admin caps except ones never placed.
CALL_ATTEMPTS = frozenset(
    {
        Outcome.CONVERSATION,
        Outcome.WRONG_PARTY,
        Outcome.VOICEMAIL,
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.ABANDONED,
    }
)
SMS_ATTEMPTS = frozenset({Outcome.SENT, Outcome.DELIVERED, Outcome.UNDELIVERED})
PERSON_CITATION = (
    f"{ADMIN_CITATION}; person-level policy: the person is the unit, not the debt "
    "(15 U.S.C. 1692d(5): causing a telephone to ring repeatedly or continuously)"
)
_AUTOMATED = frozenset({ContactMode.AUTOMATED})


def _common(rule_id: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "citation": ADMIN_CITATION,
        "pack_id": ADMIN_PACK,
        "states": None,
        "effective_from": None,
        "effective_to": None,
    }


def _hours(rule_id: str, channel: Channel, hours: TimeRange) -> HoursRule:
    return HoursRule(
        **_common(rule_id),
        channels=frozenset({channel}),
        start=hours.start,
        end=hours.end,
    )


def _spacing(minutes: int) -> SpacingRule:
    return SpacingRule(
        **{**_common("admin.min_minutes_between_contacts"), "citation": PERSON_CITATION},
        minutes=minutes,
        modes=_AUTOMATED,
        counts={
            Channel.CALL: frozenset(o.value for o in CALL_ATTEMPTS),
            Channel.SMS: frozenset(o.value for o in SMS_ATTEMPTS),
        },
    )


def _person_lockout() -> LockoutRule:
    return LockoutRule(
        **{**_common("admin.person_lockout_after_conversation"), "citation": PERSON_CITATION},
        channels=frozenset({Channel.CALL}),
        trigger=frozenset({Outcome.CONVERSATION.value}),
        days=7,
        consent_exempt_days=7,
        scope="person",
        modes=_AUTOMATED,
    )


def _cap(rule_id: str, channel: Channel, days: int, limit: int) -> CapRule:
    outcomes = CALL_ATTEMPTS if channel is Channel.CALL else SMS_ATTEMPTS
    label = "calls" if channel is Channel.CALL else "texts"
    return CapRule(
        **_common(rule_id),
        channels=frozenset({channel}),
        counts={channel: frozenset(o.value for o in outcomes)},
        scope="person",
        phone_types=None,
        window_days=days,
        max=limit,
        label=label,
    )


@lru_cache(maxsize=1024)
def admin_rules(limits: AdminLimits | None) -> tuple[Rule, ...]:
    if limits is None:
        return ()
    rules: list[Rule] = []
    if limits.call_hours is not None:
        rules.append(_hours("admin.call_hours", Channel.CALL, limits.call_hours))
    if limits.sms_hours is not None:
        rules.append(_hours("admin.sms_hours", Channel.SMS, limits.sms_hours))
    caps = (
        ("admin.max_calls_per_day", Channel.CALL, 1, limits.max_calls_per_day),
        ("admin.max_calls_per_week", Channel.CALL, 7, limits.max_calls_per_week),
        ("admin.max_sms_per_day", Channel.SMS, 1, limits.max_sms_per_day),
        ("admin.max_sms_per_week", Channel.SMS, 7, limits.max_sms_per_week),
    )
    rules.extend(_cap(rid, ch, days, n) for rid, ch, days, n in caps if n is not None)
    if limits.min_minutes_between_contacts is not None:
        rules.append(_spacing(limits.min_minutes_between_contacts))
    if limits.person_lockout_after_conversation:
        rules.append(_person_lockout())
    if limits.no_contact_on_holidays:
        rules.append(
            HolidayRule(
                **_common("admin.no_contact_on_holidays"),
                channels=frozenset({Channel.CALL, Channel.SMS}),
            )
        )
    return tuple(rules)
