"""Where the consumer might be: candidate IANA zones from every piece of location evidence.

Policy: a confirmed zone, the postal code's zones (or, when no postal code resolves, every zone
of the state), and every zone of every phone's area code. Nothing known: every zone of the
country. Lookups are cached; they are on the hot path.

A US ZIP code's zones come from map data: the ZIP's coordinates (shipped in the `zipcodes`
package) looked up in the IANA zone boundaries (shipped in `tzfpy`, built from
timezone-boundary-builder), at the coordinates and on a ring of points `_RING_KM` around them,
so a ZIP code near a zone line yields both zones (the strict reading). This gets the
exceptions a per-ZIP table gets wrong: the Navajo Nation in Arizona keeps daylight time (Tuba
City 86045 is America/Denver) while the Hopi reservation inside it does not. The `zipcodes`
table's own zone is the fallback where the map gives nothing (no coordinates, e.g. military
ZIP codes). Nothing is downloaded at run time.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import tzfpy
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
# Points this far from a ZIP code's coordinates are looked up too (a ZIP code is an area).
_RING_KM = 4.0
_RING_POINTS = 8
_KM_PER_DEGREE = 111.0


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
    """(zone, state) of a US ZIP code, or (None, None); the zone at the ZIP's coordinates."""
    row = _zip_row(country, postal_code)
    if row is None:
        return None, None
    zones = postal_zones(country, postal_code)
    state = row.get("state")
    return (zones[0] if zones else None), (str(state) if state else None)


@lru_cache(maxsize=100_000)
def postal_zones(country: str, postal_code: str) -> tuple[str, ...]:
    """Every zone a US ZIP code's area may be in: the map's zones, else the table's zone."""
    row = _zip_row(country, postal_code)
    if row is None:
        return ()
    return _map_zones(row) or tuple(_canonical([str(row.get("timezone") or "")])[:1])


@lru_cache(maxsize=100_000)
def _zip_row(country: str, postal_code: str) -> Mapping[str, object] | None:
    if country != "US":
        return None
    return _zip_index().get(postal_code.strip()[:5])


@lru_cache(maxsize=1)
def _zip_index() -> dict[str, Mapping[str, object]]:
    return {str(row.get("zip_code")): row for row in _zip_table()}


def _coordinates(row: Mapping[str, object]) -> tuple[float, float] | None:
    try:
        lat, lon = float(str(row.get("lat"))), float(str(row.get("long")))
    except ValueError:
        return None
    if (lat, lon) == (0.0, 0.0) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None  # the table writes 0,0 where it has no coordinates
    return lat, lon


def _map_zones(row: Mapping[str, object]) -> tuple[str, ...]:
    """The zone at the ZIP's coordinates, then the US zones on the ring around them."""
    where = _coordinates(row)
    centre = _zone_at(*where) if where else None
    if where is None or centre is None:
        return ()
    lat, lon = where
    step = _RING_KM / _KM_PER_DEGREE
    step_lon = step / max(math.cos(math.radians(lat)), 0.01)
    zones = [centre]
    for k in range(_RING_POINTS):
        angle = 2 * math.pi * k / _RING_POINTS
        zone = _zone_at(lat + step * math.sin(angle), lon + step_lon * math.cos(angle))
        if zone is not None and zone in _us_zones():
            zones.append(zone)
    return tuple(dict.fromkeys(zones))


def _zone_at(lat: float, lon: float) -> str | None:
    """The IANA zone at a point; None at sea (the boundary data's Etc/ zones)."""
    name = tzfpy.get_tz(lon, lat)
    if not name or name.startswith("Etc/") or zone_info(name) is None:
        return None
    return _ALIASES.get(name, name)


@lru_cache(maxsize=1)
def _zip_table() -> tuple[Mapping[str, object], ...]:
    """Every row of the ZIP table, read once (zipcodes.list_all() copies it on each call)."""
    return tuple(zipcodes.list_all())  # type: ignore[no-untyped-call]


@lru_cache(maxsize=1)
def _us_zones() -> frozenset[str]:
    """The zones of US places: the `us` states' and the ZIP table's (excludes e.g. Mexico's)."""
    names = [z for s in us.STATES_AND_TERRITORIES for z in s.time_zones or ()]
    names += [str(row.get("timezone") or "") for row in _zip_table()]
    return frozenset(_canonical(names))


@lru_cache(maxsize=256)
def state_zones(country: str, state: str) -> tuple[str, ...]:
    if country == "CN":
        return COUNTRY_ZONES["CN"]
    code = state_code(country, state)
    found = us.states.lookup(code) if code and len(code) == 2 else None
    if found is None or not found.time_zones:
        return ()
    return tuple(dict.fromkeys(_canonical(list(found.time_zones))))


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
    for row in _zip_table():
        for code in row.get("area_codes") or ():  # type: ignore[attr-defined]
            rows[code].append(row)
    return {code: tuple(found) for code, found in rows.items()}


@lru_cache(maxsize=1024)
def _area_code_zones(area: str) -> tuple[str, ...]:
    """The zones of an area code's ZIP codes (each at its coordinates, else the table's)."""
    per_zone: Counter[str] = Counter()
    for row in _area_code_rows().get(area, ()):
        where = _coordinates(row)
        zone = (_zone_at(*where) if where else None) or str(row.get("timezone") or "")
        if zone and zone_info(zone) is not None:
            per_zone[_ALIASES.get(zone, zone)] += 1
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
