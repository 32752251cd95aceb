"""Where the consumer might be: candidate IANA zones from every piece of location evidence.

Policy: a confirmed zone, the postal code's zone (or, when no postal code resolves, every zone
of the state), and every zone of every phone's area code. Nothing known: every zone of the
country. Lookups are cached; they are on the hot path.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import us
import zipcodes
from phonenumbers import timezone as phone_timezone

from dialer.compliance.decision import CandidateZone

US_DEFAULT_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)
COUNTRY_ZONES = {"US": US_DEFAULT_ZONES, "CN": ("Asia/Shanghai",)}
_ALIASES = {
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Knox_IN": "America/Indiana/Knox",
    "America/Fort_Wayne": "America/Indiana/Indianapolis",
    "America/Louisville": "America/Kentucky/Louisville",
    "US/Eastern": "America/New_York",
    "PRC": "Asia/Shanghai",
}
# An area code's zone counts when at least this many of its ZIP codes, and this share, use it.
_MIN_ZIPS = 3
_MIN_SHARE = 0.05
_GENERIC_PHONE_ZONES = 6  # more zones than this means "non-geographic" (toll-free etc.)


@lru_cache(maxsize=512)
def zone_info(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(_ALIASES.get(name, name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _canonical(names: list[str]) -> list[str]:
    return [_ALIASES.get(n, n) for n in names if zone_info(n) is not None]


@lru_cache(maxsize=100_000)
def postal_lookup(country: str, postal_code: str) -> tuple[str | None, str | None]:
    """(zone, state) of a US ZIP code, or (None, None)."""
    if country != "US":
        return None, None
    try:
        found = zipcodes.matching(postal_code.strip()[:5])  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return None, None
    for row in found:
        zones = _canonical([row.get("timezone") or ""])
        if zones:
            return zones[0], row.get("state")
    return None, None


@lru_cache(maxsize=256)
def state_zones(country: str, state: str) -> tuple[str, ...]:
    if country == "CN":
        return COUNTRY_ZONES["CN"]
    found = us.states.lookup(state)
    if found is None or not found.time_zones:
        return ()
    return tuple(dict.fromkeys(_canonical(list(found.time_zones))))


@lru_cache(maxsize=1)
def _area_code_index() -> dict[str, tuple[str, ...]]:
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        zone = row.get("timezone")
        if zone and zone_info(zone) is not None:
            for code in row.get("area_codes") or ():
                counts[code][_ALIASES.get(zone, zone)] += 1
    index: dict[str, tuple[str, ...]] = {}
    for code, per_zone in counts.items():
        total = sum(per_zone.values())
        index[code] = tuple(
            z for z, n in per_zone.most_common() if n >= _MIN_ZIPS and n / total >= _MIN_SHARE
        )
    return index


@lru_cache(maxsize=100_000)
def phone_zones(number: str) -> tuple[str, ...]:
    """Zones of a phone's area code: phonenumbers' zones plus the ZIP data's split codes."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = list(phone_timezone.time_zones_for_number(parsed))
    if len(zones) > _GENERIC_PHONE_ZONES or "Etc/Unknown" in zones:
        zones = []
    if parsed.country_code == 1:
        area = str(parsed.national_number)[:3]
        zones.extend(_area_code_index().get(area, ()) if zones else ())
    return tuple(dict.fromkeys(_canonical(zones)))


def candidate_zones(
    country: str,
    state: str | None,
    postal_code: str | None,
    confirmed: str | None,
    numbers: tuple[str, ...],
) -> tuple[CandidateZone, ...]:
    return _candidates(country, state, postal_code, confirmed, numbers)


@lru_cache(maxsize=100_000)
def _candidates(
    country: str,
    state: str | None,
    postal_code: str | None,
    confirmed: str | None,
    numbers: tuple[str, ...],
) -> tuple[CandidateZone, ...]:
    found: list[CandidateZone] = []
    if confirmed and zone_info(confirmed) is not None:
        found.append(CandidateZone(_ALIASES.get(confirmed, confirmed), "confirmed"))
    postal_zone = postal_lookup(country, postal_code)[0] if postal_code else None
    if postal_zone is not None:
        found.append(CandidateZone(postal_zone, f"postal_code:{postal_code}"))
    elif state:
        found.extend(CandidateZone(z, f"state:{state}") for z in state_zones(country, state))
    if country == "CN":
        found.append(CandidateZone("Asia/Shanghai", "country:CN"))
    for number in numbers:
        found.extend(CandidateZone(z, f"phone:{number}") for z in phone_zones(number))
    if not found:
        found = [CandidateZone(z, f"default:{country}") for z in COUNTRY_ZONES.get(country, ())]
    return tuple(found)


@lru_cache(maxsize=100_000)
def located(
    country: str,
    state: str | None,
    postal_code: str | None,
    confirmed: str | None,
    numbers: tuple[str, ...],
) -> tuple[tuple[CandidateZone, ...], tuple[ZoneInfo, ...]]:
    """The candidate zones and the distinct zones to evaluate in, in one cached lookup."""
    candidates = _candidates(country, state, postal_code, confirmed, numbers)
    return candidates, evaluation_zones(candidates)


@lru_cache(maxsize=100_000)
def evaluation_zones(candidates: tuple[CandidateZone, ...]) -> tuple[ZoneInfo, ...]:
    """The distinct zones to check, with zones whose clocks always agree merged into one."""
    chosen: dict[int, ZoneInfo] = {}
    for candidate in candidates:
        info = zone_info(candidate.zone)
        if info is not None:
            chosen.setdefault(_clock_class(candidate.zone), info)
    return tuple(chosen.values())


_CLOCK_CLASSES: dict[tuple[int, ...], int] = {}


@lru_cache(maxsize=512)
def _clock_class(name: str) -> int:
    """A small number shared by the zones whose clocks agree (hashing a signature is costly)."""
    return _CLOCK_CLASSES.setdefault(_signature(name), len(_CLOCK_CLASSES))


@lru_cache(maxsize=512)
def _signature(name: str) -> tuple[int, ...]:
    """UTC offsets at noon UTC every day of 2015-2040 (zones equal here behave equally)."""
    info = zone_info(name)
    assert info is not None
    start = datetime(2015, 1, 1, 12, tzinfo=UTC)
    return tuple(
        int(
            (off.total_seconds())
            if (off := (start + timedelta(days=d)).astimezone(info).utcoffset())
            else 0
        )
        for d in range(26 * 366)
    )


@lru_cache(maxsize=100_000)
def consumer_states(country: str, state: str | None, postal_code: str | None) -> frozenset[str]:
    """The states whose overlays apply: the stated state and the postal code's state."""
    states = {state.upper()} if state else set()
    if postal_code:
        postal_state = postal_lookup(country, postal_code)[1]
        if postal_state:
            states.add(postal_state.upper())
    return frozenset(states)
