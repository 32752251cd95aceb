"""The rules of a rule pack, parsed and checked one kind at a time (hours, caps, lockouts,
spacing, third parties, flags, consent, opt-outs, invalid numbers, holidays)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dialer.compliance.decision import ReasonCode
from dialer.compliance.parsing import (
    check_keys,
    fail,
    parse_bool,
    parse_clock,
    parse_date,
    parse_enum,
    parse_int,
    parse_list,
    parse_map,
    parse_str,
)
from dialer.compliance.rules import (
    CapRule,
    ConsentRule,
    FlagRule,
    HolidayRule,
    HoursRule,
    InvalidNumberRule,
    LockoutRule,
    OptOutRule,
    RecordingConsentRule,
    RecordingRetentionRule,
    Rule,
    SpacingRule,
    ThirdPartyRule,
)
from dialer.vocabulary import Channel, ConsumerFlag, ContactMode, PhoneType

SCOPES = frozenset({"debt", "person", "number"})
_COMMON = {"id", "kind", "citation", "states", "effective_from", "effective_to", "description"}


def parse_rule(data: dict[str, Any], pack_id: str, where: str) -> Rule:
    """One rule of a pack, by its kind; InputError naming where and what is wrong."""
    for key in ("id", "kind", "citation"):
        if key not in data:
            raise fail(where, f"missing field {key!r}")
    rule_id = parse_str(data["id"], f"{where}: id")
    where = f"{where} ({rule_id})"
    kind = str(data["kind"])
    parser = _PARSERS.get(kind)
    if parser is None:
        raise fail(where, f"unknown kind {kind!r}; one of {', '.join(sorted(_PARSERS))}")
    keys, build = parser
    check_keys(data, _COMMON | keys, where)
    states = data.get("states")
    common: dict[str, Any] = {
        "id": rule_id,
        "citation": parse_str(data["citation"], f"{where}: citation"),
        "pack_id": pack_id,
        "states": None
        if states is None
        else frozenset(
            parse_str(s, f"{where}: states").upper() for s in parse_list(states, f"{where}: states")
        ),
        "effective_from": parse_date(data.get("effective_from"), f"{where}: effective_from"),
        "effective_to": parse_date(data.get("effective_to"), f"{where}: effective_to"),
    }
    return build(data, common, where)


def _channels(data: dict[str, Any], where: str) -> frozenset[Channel]:
    raw = data.get("channels", ["call", "sms"])
    return frozenset(parse_enum(c, Channel, f"{where}: channels") for c in parse_list(raw, where))


def _phone_types(value: object, where: str) -> frozenset[PhoneType] | None:
    if value is None:
        return None
    return frozenset(parse_enum(t, PhoneType, where) for t in parse_list(value, where))


def _hours(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    start = parse_clock(data.get("start"), f"{where}: start")
    end = parse_clock(data.get("end"), f"{where}: end")
    if start >= end:
        raise fail(where, f"start {start} must be before end {end}")
    return HoursRule(**common, channels=_channels(data, where), start=start, end=end)


def _cap(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    counts = _counts(data, where)
    scope = _scope(data, where, SCOPES)
    return CapRule(
        **common,
        channels=_channels(data, where),
        counts=counts,
        scope=scope,
        phone_types=_phone_types(data.get("phone_types"), f"{where}: phone_types"),
        window_days=parse_int(data.get("window_days"), f"{where}: window_days", minimum=1),
        max=parse_int(data.get("max"), f"{where}: max"),
        label=str(data.get("label", "contacts")),
        consent_exempt_days=parse_int(data.get("consent_exempt_days", 0), f"{where}: consent"),
        modes=_modes(data.get("modes"), f"{where}: modes"),
        without_consent=parse_bool(data.get("without_consent", False), f"{where}: without_consent"),
    )


def _modes(value: object, where: str) -> frozenset[ContactMode] | None:
    if value is None:
        return None
    return frozenset(parse_enum(m, ContactMode, where) for m in parse_list(value, where))


def _lockout(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    trigger = frozenset(str(t) for t in parse_list(data.get("trigger"), f"{where}: trigger"))
    if not trigger:
        raise fail(where, "trigger needs at least one outcome")
    return LockoutRule(
        **common,
        channels=_channels(data, where),
        trigger=trigger,
        days=parse_int(data.get("days"), f"{where}: days", minimum=1),
        consent_exempt_days=parse_int(data.get("consent_exempt_days", 0), f"{where}: consent"),
        scope=_scope(data, where, {"debt", "person"}),
        modes=_modes(data.get("modes"), f"{where}: modes"),
    )


def _scope(data: dict[str, Any], where: str, allowed: frozenset[str] | set[str]) -> str:
    scope = str(data.get("scope", "debt"))
    if scope not in allowed:
        raise fail(where, f"scope {scope!r} is not one of {', '.join(sorted(allowed))}")
    return scope


def _counts(data: dict[str, Any], where: str) -> dict[Channel, frozenset[str]]:
    counts_raw = parse_map(data.get("counts"), f"{where}: counts")
    return {
        parse_enum(ch, Channel, f"{where}: counts"): frozenset(
            str(o) for o in parse_list(outs, f"{where}: counts.{ch}")
        )
        for ch, outs in counts_raw.items()
    }


def _spacing(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    modes = _modes(data.get("modes", ["automated"]), f"{where}: modes")
    return SpacingRule(
        **common,
        minutes=parse_int(data.get("minutes"), f"{where}: minutes", minimum=1),
        modes=modes or frozenset(),
        counts=_counts(data, where),
    )


def _third_party(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    raw = data.get("unreachable")
    attempts, days, outcomes = None, 0, frozenset[str]()
    if raw is not None:
        unreachable = parse_map(raw, f"{where}: unreachable")
        check_keys(unreachable, {"attempts", "within_days", "outcomes"}, f"{where}: unreachable")
        attempts = parse_int(
            unreachable.get("attempts"), f"{where}: unreachable.attempts", minimum=1
        )
        days = parse_int(
            unreachable.get("within_days"), f"{where}: unreachable.within_days", minimum=1
        )
        outcomes = frozenset(
            str(o)
            for o in parse_list(unreachable.get("outcomes"), f"{where}: unreachable.outcomes")
        )
        if not outcomes:
            raise fail(where, "unreachable.outcomes needs at least one call outcome")
    return ThirdPartyRule(
        **common,
        channels=_channels(data, where),
        unreachable_attempts=attempts,
        unreachable_days=days,
        unreachable_outcomes=outcomes,
        max_conversations=None
        if data.get("max_conversations") is None
        else parse_int(data["max_conversations"], f"{where}: max_conversations", minimum=1),
    )


def _flag(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    flag = parse_enum(data.get("flag"), ConsumerFlag, f"{where}: flag")
    reason = parse_enum(data.get("reason", flag.value), ReasonCode, f"{where}: reason")
    return FlagRule(
        **common,
        flag=flag,
        reason=reason,
        channels=_channels(data, where),
        phone_types=_phone_types(data.get("phone_types"), f"{where}: phone_types"),
    )


def _consent(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    modes = frozenset(
        parse_enum(m, ContactMode, f"{where}: modes")
        for m in parse_list(data.get("modes", ["automated"]), where)
    )
    types = _phone_types(data.get("phone_types", ["mobile"]), f"{where}: phone_types")
    return ConsentRule(
        **common, channels=_channels(data, where), modes=modes, phone_types=types or frozenset()
    )


def _opt_out(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    return OptOutRule(
        **common,
        channels=_channels(data, where),
        automated_revocation_citation=str(data.get("automated_revocation", "")),
    )


def _invalid(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    return InvalidNumberRule(**common)


def _holiday(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    return HolidayRule(**common, channels=_channels(data, where))


def _recording_consent(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    if common["states"] is None:
        raise fail(where, "a recording_consent rule names its states")
    parties = str(data.get("parties", ""))
    if parties not in {"all", "one"}:
        raise fail(where, f"parties {parties!r} is not one of all, one")
    return RecordingConsentRule(**common, parties=parties)


def _recording_retention(data: dict[str, Any], common: dict[str, Any], where: str) -> Rule:
    return RecordingRetentionRule(
        **common, days=parse_int(data.get("days"), f"{where}: days", minimum=1)
    )


_Builder = Callable[[dict[str, Any], dict[str, Any], str], Rule]
_PARSERS: dict[str, tuple[set[str], _Builder]] = {
    "hours": ({"channels", "start", "end"}, _hours),
    "cap": (
        {
            "channels",
            "counts",
            "scope",
            "phone_types",
            "window_days",
            "max",
            "label",
            "consent_exempt_days",
            "modes",
            "without_consent",
        },
        _cap,
    ),
    "lockout": (
        {"channels", "trigger", "days", "consent_exempt_days", "scope", "modes"},
        _lockout,
    ),
    "spacing": ({"minutes", "modes", "counts"}, _spacing),
    "third_party": ({"channels", "unreachable", "max_conversations"}, _third_party),
    "flag": ({"channels", "flag", "reason", "phone_types"}, _flag),
    "consent": ({"channels", "modes", "phone_types"}, _consent),
    "opt_out": ({"channels", "automated_revocation"}, _opt_out),
    "invalid_number": (set(), _invalid),
    "holiday": ({"channels"}, _holiday),
    "recording_consent": ({"parties"}, _recording_consent),
    "recording_retention": ({"days"}, _recording_retention),
}
