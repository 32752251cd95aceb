"""The per-zone offset tables give the same local dates as zoneinfo, around every change."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialer.compliance.offsets import offset_table

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Adak",
    "Pacific/Honolulu",
    "America/Indiana/Knox",
    "Asia/Shanghai",
    "Africa/Casablanca",
    "Australia/Lord_Howe",
]


@pytest.mark.parametrize("name", ZONES)
def test_local_day_matches_zoneinfo_around_every_offset_change(name: str) -> None:
    zone = ZoneInfo(name)
    table = offset_table(zone)
    rng = random.Random(name)
    points = [
        datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(50 * 365 * 86400))
        for _ in range(300)
    ]
    for start in table.starts[1:]:
        for delta in (-1.0, -1e-6, 0.0, 1e-6, 3600.0, -3600.0, 43200.0):
            points.append(datetime.fromtimestamp(start, UTC) + timedelta(seconds=delta))
    for point in points:
        assert table.local_day(point) == point.astimezone(zone).toordinal(), point
