"""Rule packs: YAML files under config/rules/, loaded and validated once into rule tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from dialer.compliance.admin import ADMIN_PACK, admin_rules
from dialer.compliance.facts import AdminLimits
from dialer.compliance.pack_rules import parse_rule
from dialer.compliance.parsing import (
    check_keys,
    fail,
    parse_date,
    parse_list,
    parse_map,
    parse_str,
)
from dialer.compliance.rules import RECORDING_RULES, Rule, RuleSet
from dialer.errors import InputError

COUNTRIES = frozenset({"US", "CN"})


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
        parse_rule(parse_map(item, f"{where}: rules[{i}]"), pack_id, f"{where}: rules[{i}]")
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
