"""Rule packs: YAML files under config/rules/, loaded and validated once into rule tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dialer.compliance.admin import ADMIN_PACK, admin_rules
from dialer.compliance.decision import ReasonCode
from dialer.compliance.facts import AdminLimits
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
    RECORDING_RULES,
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
    RuleSet,
    SpacingRule,
    ThirdPartyRule,
)
from dialer.errors import InputError
from dialer.vocabulary import Channel, ConsumerFlag, ContactMode, PhoneType

COUNTRIES = frozenset({"US", "CN"})
SCOPES = frozenset({"debt", "person", "number"})
_COMMON = {"id", "kind", "citation", "states", "effective_from", "effective_to", "description"}


def default_rules_dir() -> Path:
    """config/rules beside the package, found without importing `config`."""
    return Path(__file__).resolve().parents[2] / "config" / "rules"


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    version: str
    country: str
    title: str
    effective_from: date | None
    effective_to: date | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class RulePacks:
    packs: tuple[RulePack, ...]
    _cache: dict[tuple[str, frozenset[str], date, AdminLimits | None], RuleSet] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def ruleset(
        self, country: str, states: frozenset[str], day: date, limits: AdminLimits | None = None
    ) -> RuleSet:
        """The rules in force for a consumer of `country` in any of `states` on `day` (cached)."""
        key = (country, states, day, limits)
        found = self._cache.get(key)
        if found is None:
            found = self._build(country, states, day, limits)
            if len(self._cache) > 20_000:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _build(
        self, country: str, states: frozenset[str], day: date, limits: AdminLimits | None
    ) -> RuleSet:
        rules: list[Rule] = []
        versions: list[tuple[str, str]] = []
        for pack in self.packs:
            if pack.country != country or not _pack_in_force(pack, day):
                continue
            chosen = [
                r
                for r in pack.rules
                if r.in_force(day)
                and (r.states is None or r.states & states)
                and not isinstance(r, RECORDING_RULES)
            ]
            if chosen:
                rules.extend(chosen)
                versions.append((pack.id, pack.version))
        extra = admin_rules(limits)
        if extra:
            rules.extend(extra)
            versions.append((ADMIN_PACK, "configured"))
        return RuleSet.of(rules, tuple(versions))

    def all_rules(self, country: str) -> list[Rule]:
        return [r for p in self.packs if p.country == country for r in p.rules]


def _pack_in_force(pack: RulePack, day: date) -> bool:
    if pack.effective_from is not None and day < pack.effective_from:
        return False
    return pack.effective_to is None or day < pack.effective_to


def load_rule_packs(directory: Path | None = None) -> RulePacks:
    """Read and validate every *.yaml in `directory`; errors name the file and rule."""
    folder = directory if directory is not None else default_rules_dir()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError(f"{folder}: no rule packs (*.yaml) found")
    packs = tuple(_load_file(path) for path in files)
    seen: set[str] = set()
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise InputError(f"rule id {rule.id!r} appears twice (pack {pack.id})")
            seen.add(rule.id)
    return RulePacks(packs)


def _load_file(path: Path) -> RulePack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_pack(data, path.name)


def parse_pack(data: object, where: str) -> RulePack:
    pack = parse_map(data, where)
    check_keys(
        pack,
        {"id", "version", "country", "title", "effective_from", "effective_to", "rules"},
        where,
    )
    for key in ("id", "version", "country", "rules"):
        if key not in pack:
            raise fail(where, f"missing field {key!r}")
    pack_id = parse_str(pack["id"], f"{where}: id")
    country = parse_str(pack["country"], f"{where}: country").upper()
    if country not in COUNTRIES:
        raise fail(where, f"country {country!r} is not one of US, CN")
    rules = tuple(
        _parse_rule(parse_map(item, f"{where}: rules[{i}]"), pack_id, f"{where}: rules[{i}]")
        for i, item in enumerate(parse_list(pack["rules"], f"{where}: rules"))
    )
    return RulePack(
        id=pack_id,
        version=parse_str(pack["version"], f"{where}: version"),
        country=country,
        title=str(pack.get("title", pack_id)),
        effective_from=parse_date(pack.get("effective_from"), f"{where}: effective_from"),
        effective_to=parse_date(pack.get("effective_to"), f"{where}: effective_to"),
        rules=rules,
    )


def _parse_rule(data: dict[str, Any], pack_id: str, where: str) -> Rule:
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
