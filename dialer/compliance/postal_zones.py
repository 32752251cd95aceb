"""Where a US ZIP code is: its IANA zones and its state.

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
from collections.abc import Mapping
from functools import lru_cache

import tzfpy
import us
import zipcodes

from dialer.compliance.zone_names import ALIASES, canonical, zone_info

# Points this far from a ZIP code's coordinates are looked up too (a ZIP code is an area).
_RING_KM = 4.0
_RING_POINTS = 8
_KM_PER_DEGREE = 111.0


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
    return _map_zones(row) or tuple(canonical([str(row.get("timezone") or "")])[:1])


@lru_cache(maxsize=100_000)
def _zip_row(country: str, postal_code: str) -> Mapping[str, object] | None:
    if country != "US":
        return None
    return _zip_index().get(postal_code.strip()[:5])


@lru_cache(maxsize=1)
def _zip_index() -> dict[str, Mapping[str, object]]:
    return {str(row.get("zip_code")): row for row in zip_table()}


def coordinates(row: Mapping[str, object]) -> tuple[float, float] | None:
    try:
        lat, lon = float(str(row.get("lat"))), float(str(row.get("long")))
    except ValueError:
        return None
    if (lat, lon) == (0.0, 0.0) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None  # the table writes 0,0 where it has no coordinates
    return lat, lon


def _map_zones(row: Mapping[str, object]) -> tuple[str, ...]:
    """The zone at the ZIP's coordinates, then the US zones on the ring around them."""
    where = coordinates(row)
    centre = zone_at(*where) if where else None
    if where is None or centre is None:
        return ()
    lat, lon = where
    step = _RING_KM / _KM_PER_DEGREE
    step_lon = step / max(math.cos(math.radians(lat)), 0.01)
    zones = [centre]
    for k in range(_RING_POINTS):
        angle = 2 * math.pi * k / _RING_POINTS
        zone = zone_at(lat + step * math.sin(angle), lon + step_lon * math.cos(angle))
        if zone is not None and zone in us_zones():
            zones.append(zone)
    return tuple(dict.fromkeys(zones))


def zone_at(lat: float, lon: float) -> str | None:
    """The IANA zone at a point; None at sea (the boundary data's Etc/ zones)."""
    name = tzfpy.get_tz(lon, lat)
    if not name or name.startswith("Etc/") or zone_info(name) is None:
        return None
    return ALIASES.get(name, name)


@lru_cache(maxsize=1)
def zip_table() -> tuple[Mapping[str, object], ...]:
    """Every row of the ZIP table, read once (zipcodes.list_all() copies it on each call)."""
    return tuple(zipcodes.list_all())  # type: ignore[no-untyped-call]


@lru_cache(maxsize=1)
def us_zones() -> frozenset[str]:
    """The zones of US places: the `us` states' and the ZIP table's (excludes e.g. Mexico's)."""
    names = [z for s in us.STATES_AND_TERRITORIES for z in s.time_zones or ()]
    names += [str(row.get("timezone") or "") for row in zip_table()]
    return frozenset(canonical(names))
