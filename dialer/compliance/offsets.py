"""Local dates of many UTC instants at once, from a per-zone table of UTC-offset changes.

`datetime.astimezone` per history entry is the slow part of preparing a history; instead each
zone's offset changes are found once (scanning 2000-2050 day by day, then to the second) and a
UTC instant's local date is the date of (instant + offset). Outside the table: astimezone.
Assumes a zone's offset never changes twice within one UTC day (true for every zone in tzdata
2000-2050: checked against astimezone around every change).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY = 86400
_TABLE_FROM = datetime(2000, 1, 1, tzinfo=UTC)
_TABLE_DAYS = 50 * 366


class OffsetTable:
    """[start, end): `starts[i]` is the epoch from which `offsets[i]` (seconds) applies."""

    __slots__ = ("end", "offsets", "starts", "zone")

    def __init__(self, zone: ZoneInfo, starts: list[float], offsets: list[int], end: float) -> None:
        self.zone = zone
        self.starts = starts
        self.offsets = offsets
        self.end = end

    def offset(self, epoch: float) -> int | None:
        """The UTC offset in seconds at `epoch`; None outside the table."""
        if epoch < self.starts[0] or epoch >= self.end:
            return None
        return self.offsets[bisect_right(self.starts, epoch) - 1]

    def shift(self, first: datetime, last: datetime) -> timedelta | None:
        """The one UTC offset from `first` to `last`; None if it changes between (or unknown)."""
        start, end = first.timestamp(), last.timestamp()
        if start < self.starts[0] or end >= self.end:
            return None
        index = bisect_right(self.starts, start)
        return _shift(self.offsets[index - 1]) if index == bisect_right(self.starts, end) else None

    def local_day(self, moment: datetime) -> int:
        offset = self.offset(moment.timestamp())
        if offset is None:
            return moment.astimezone(self.zone).toordinal()
        return (moment + _shift(offset)).toordinal()


@lru_cache(maxsize=256)
def _shift(offset: int) -> timedelta:
    return timedelta(seconds=offset)


@lru_cache(maxsize=512)
def offset_table(zone: ZoneInfo) -> OffsetTable:
    start = _TABLE_FROM.timestamp()
    starts: list[float] = [start]
    offsets: list[int] = [_offset(zone, start)]
    for day in range(1, _TABLE_DAYS + 1):
        moment = start + day * DAY
        offset = _offset(zone, moment)
        if offset != offsets[-1]:
            starts.append(_change_within(zone, moment - DAY, moment, offset))
            offsets.append(offset)
    return OffsetTable(zone, starts, offsets, start + _TABLE_DAYS * DAY)


def _offset(zone: ZoneInfo, epoch: float) -> int:
    found = datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset()
    return int(found.total_seconds()) if found is not None else 0


def _change_within(zone: ZoneInfo, before: float, after: float, offset: int) -> float:
    """The first whole second in (before, after] whose offset is `offset` (binary search)."""
    low, high = int(before), int(after)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, middle) == offset:
            high = middle
        else:
            low = middle
    return float(high)
