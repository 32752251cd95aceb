"""IANA zone names as the dialer reads them: old aliases mapped to their canonical names."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ALIASES = {
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Knox_IN": "America/Indiana/Knox",
    "America/Fort_Wayne": "America/Indiana/Indianapolis",
    "America/Louisville": "America/Kentucky/Louisville",
    "US/Eastern": "America/New_York",
    "PRC": "Asia/Shanghai",
}


@lru_cache(maxsize=512)
def zone_info(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(ALIASES.get(name, name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def canonical(names: list[str]) -> list[str]:
    return [ALIASES.get(n, n) for n in names if zone_info(n) is not None]
