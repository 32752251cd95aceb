"""The `consumer` of a compliance scenario file, parsed into the engine's ConsumerFacts."""

from __future__ import annotations

from typing import Any

from dialer.compliance.facts import ConsumerFacts, InconvenientTime, PhoneFacts
from dialer.compliance.parsing import (
    check_keys,
    fail,
    parse_bool,
    parse_clock,
    parse_days,
    parse_enum,
    parse_list,
    parse_map,
    parse_optional_str,
    parse_str,
)
from dialer.compliance.zones import state_code
from dialer.vocabulary import (
    ConsumerFlag,
    PhoneRelationship,
    PhoneStatus,
    PhoneType,
)


def parse_consumer(raw: dict[str, Any], where: str) -> ConsumerFacts:
    """A scenario's `consumer`: where they are, their phones, flags and inconvenient times."""
    check_keys(
        raw,
        {"country", "state", "postal_code", "timezone", "phones", "flags", "inconvenient_times"},
        where,
    )
    country = parse_str(raw.get("country"), f"{where}.country").upper()
    if country not in {"US", "CN"}:
        raise fail(f"{where}.country", f"{country!r} is not one of US, CN")
    flags = [
        _flag(f, f"{where}.flags[{i}]")
        for i, f in enumerate(parse_list(raw.get("flags"), f"{where}.flags"))
    ]
    phones = tuple(
        _phone(parse_map(p, f"{where}.phones[{i}]"), f"{where}.phones[{i}]")
        for i, p in enumerate(parse_list(raw.get("phones"), f"{where}.phones"))
    )
    times = tuple(
        _inconvenient(
            parse_map(t, f"{where}.inconvenient_times[{i}]"), f"{where}.inconvenient_times[{i}]"
        )
        for i, t in enumerate(
            parse_list(raw.get("inconvenient_times"), f"{where}.inconvenient_times")
        )
    )
    return ConsumerFacts(
        country=country,
        phones=phones,
        state=state_code(country, parse_optional_str(raw.get("state"), f"{where}.state")),
        postal_code=parse_optional_str(raw.get("postal_code"), f"{where}.postal_code"),
        timezone=parse_optional_str(raw.get("timezone"), f"{where}.timezone"),
        flags=frozenset(f for f in flags if isinstance(f, ConsumerFlag)),
        inconvenient_times=times,
        debt_flags=frozenset(f for f in flags if isinstance(f, tuple)),
    )


def _flag(value: object, where: str) -> ConsumerFlag | tuple[str, ConsumerFlag]:
    """`bankruptcy` (the whole consumer) or `{flag: dispute_pending, debt: D2}` (one debt)."""
    if not isinstance(value, dict):
        return parse_enum(value, ConsumerFlag, where)
    check_keys(value, {"flag", "debt"}, where)
    if "flag" not in value or "debt" not in value:
        raise fail(where, "a flag for one debt needs both 'flag' and 'debt'")
    debt = parse_str(value["debt"], f"{where}.debt")
    return (debt, parse_enum(value["flag"], ConsumerFlag, f"{where}.flag"))


def _phone(raw: dict[str, Any], where: str) -> PhoneFacts:
    check_keys(
        raw,
        {"number", "type", "consent", "status", "sms_opted_out", "call_opted_out", "relationship"},
        where,
    )
    return PhoneFacts(
        number=parse_str(raw.get("number"), f"{where}.number"),
        type=parse_enum(raw.get("type", "unknown"), PhoneType, f"{where}.type"),
        consent=parse_bool(raw.get("consent", False), f"{where}.consent"),
        status=parse_enum(raw.get("status", "valid"), PhoneStatus, f"{where}.status"),
        sms_opted_out=parse_bool(raw.get("sms_opted_out", False), f"{where}.sms_opted_out"),
        call_opted_out=parse_bool(raw.get("call_opted_out", False), f"{where}.call_opted_out"),
        relationship=parse_enum(
            raw.get("relationship", "self"), PhoneRelationship, f"{where}.relationship"
        ),
    )


def _inconvenient(raw: dict[str, Any], where: str) -> InconvenientTime:
    check_keys(raw, {"start", "end", "days"}, where)
    return InconvenientTime(
        start=parse_clock(raw.get("start"), f"{where}.start"),
        end=parse_clock(raw.get("end"), f"{where}.end"),
        days=parse_days(raw.get("days"), f"{where}.days"),
    )
