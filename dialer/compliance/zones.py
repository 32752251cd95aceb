"""Where the consumer might be: candidate IANA zones from every piece of location evidence.

Policy: a confirmed zone, the postal code's zones (or, when no postal code resolves, every zone
of the state), and every zone of every phone's area code. Nothing known: every zone of the
country. Lookups are cached; they are on the hot path.
A US ZIP code's zones come from map data: see `postal_zones`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
import us
from phonenumbers import timezone as phone_timezone

from dialer.compliance.decision import CandidateZone
from dialer.compliance.postal_zones import (
    coordinates,
    postal_lookup,
    postal_zones,
    zip_table,
    zone_at,
)
from dialer.compliance.zone_names import ALIASES, canonical, zone_info

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
# An area code's zone counts when at least this many of its ZIP codes, and this share, use it.
_MIN_ZIPS = 3
_MIN_SHARE = 0.05
_GENERIC_PHONE_ZONES = 6  # more zones than this means "non-geographic" (toll-free etc.)


@lru_cache(maxsize=256)
def state_zones(country: str, state: str) -> tuple[str, ...]:
    if country == "CN":
        return COUNTRY_ZONES["CN"]
    code = state_code(country, state)
    found = us.states.lookup(code) if code and len(code) == 2 else None
    if found is None or not found.time_zones:
        return ()
    return tuple(dict.fromkeys(canonical(list(found.time_zones))))


@lru_cache(maxsize=1)
def _us_state_names() -> dict[str, str]:
    """'massachusetts' -> 'MA' for every US state and territory, and DC."""
    names = {s.name.casefold(): s.abbr for s in us.STATES_AND_TERRITORIES}
    names.update({"district of columbia": "DC", "washington dc": "DC", "washington d.c.": "DC"})
    return names


@lru_cache(maxsize=1024)
def state_code(country: str, state: str | None) -> str | None:
    """A state as its code: 'MA', 'ma', 'Massachusetts' and 'MASSACHUSETTS' all read 'MA'.

    A full US state name is matched exactly (any case, spaces collapsed), never guessed; any
    other text is returned upper-cased, so it is kept (and matches no state's rules).
    """
    if state is None or not state.strip():
        return None
    text = " ".join(state.split())
    if country == "US":
        return _us_state_names().get(text.casefold(), text.upper())
    return text.upper()


@lru_cache(maxsize=1)
def _area_code_rows() -> dict[str, tuple[Mapping[str, object], ...]]:
    """Area code -> the ZIP table's rows that list it (zones are looked up per area code)."""
    rows: defaultdict[str, list[Mapping[str, object]]] = defaultdict(list)
    for row in zip_table():
        for code in row.get("area_codes") or ():  # type: ignore[attr-defined]
            rows[code].append(row)
    return {code: tuple(found) for code, found in rows.items()}


@lru_cache(maxsize=1024)
def _area_code_zones(area: str) -> tuple[str, ...]:
    """The zones of an area code's ZIP codes (each at its coordinates, else the table's)."""
    per_zone: Counter[str] = Counter()
    for row in _area_code_rows().get(area, ()):
        where = coordinates(row)
        zone = (zone_at(*where) if where else None) or str(row.get("timezone") or "")
        if zone and zone_info(zone) is not None:
            per_zone[ALIASES.get(zone, zone)] += 1
    total = sum(per_zone.values())
    return tuple(z for z, n in per_zone.most_common() if n >= _MIN_ZIPS and n / total >= _MIN_SHARE)


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
        zones.extend(_area_code_zones(area) if zones else ())
    return tuple(dict.fromkeys(canonical(zones)))


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
        found.append(CandidateZone(ALIASES.get(confirmed, confirmed), "confirmed"))
    postal = postal_zones(country, postal_code) if postal_code else ()
    if postal:
        found.extend(CandidateZone(z, f"postal_code:{postal_code}") for z in postal)
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
    code = state_code(country, state)
    states = {code} if code else set()
    if postal_code:
        postal_state = postal_lookup(country, postal_code)[1]
        if postal_state:
            states.add(postal_state.upper())
    return frozenset(states)
