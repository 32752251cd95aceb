"""The evaluation context: the history prepared once per evaluation, and local clocks at an instant.

`History` sorts the entries and converts them to local dates once per evaluation; `Past` is the
part of it at or before an instant and memoises what the rules derive from it (counted entries,
consent windows, hard blocks), so the search for the next allowed instant reuses it all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, partial
from operator import attrgetter
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from dialer.compliance.decision import Reason
from dialer.compliance.facts import ConsumerFacts, HistoryEntry, PhoneFacts, ProposedContact
from dialer.compliance.offsets import offset_table
from dialer.vocabulary import PhoneType

_T = TypeVar("_T")
_AT = attrgetter("at")
_TZ = attrgetter("tzinfo")


class Block:
    """One rule blocking the contact; `until` is when it stops blocking (None: never).

    The reason is written only when asked for: the search for the next allowed instant
    checks many instants and needs only `until`.
    """

    __slots__ = ("_explain", "until")

    def __init__(self, until: datetime | None, explain: Callable[[], Reason]) -> None:
        self.until = until
        self._explain = explain

    @property
    def reason(self) -> Reason:
        return self._explain()


def fixed(reason: Reason) -> Callable[[], Reason]:
    return partial(_same, reason)


def _same(reason: Reason) -> Reason:
    return reason


class History:
    """The consumer's history sorted by time, with local date ordinals per evaluation zone."""

    __slots__ = ("_shifts", "_types", "consumer", "entries", "moments", "zones")

    def __init__(
        self, history: Sequence[HistoryEntry], zones: tuple[ZoneInfo, ...], consumer: ConsumerFacts
    ) -> None:
        self.entries = sorted(history, key=_AT)
        moments = [e.at for e in self.entries]
        if set(map(_TZ, moments)) - {UTC}:
            moments = [datetime.fromtimestamp(m.timestamp(), UTC) for m in moments]
        self.moments = moments  # in UTC
        self.zones = zones
        self.consumer = consumer
        self._shifts: dict[int, timedelta | None] = {}
        self._types: dict[str, PhoneType] | None = None

    def local_days(self, zone_index: int, indices: list[int]) -> list[int]:
        """Local date ordinals, in zone `zone_index`, of the entries at `indices`."""
        moments = self.moments
        if not indices:
            return []
        try:
            shift = self._shifts[zone_index]
        except KeyError:
            table = offset_table(self.zones[zone_index])
            shift = self._shifts[zone_index] = table.shift(moments[0], moments[-1])
        if shift is not None:  # no clock change anywhere in the history: one shift for all
            return [(moments[i] + shift).toordinal() for i in indices]
        table = offset_table(self.zones[zone_index])
        return [table.local_day(moments[i]) for i in indices]

    def phone_type(self, entry: HistoryEntry) -> PhoneType:
        if self._types is None:
            self._types = {p.number: p.type for p in self.consumer.phones}
        return self._types.get(entry.consumer_number or "", PhoneType.UNKNOWN)

    def until(self, moment: datetime) -> int:
        """How many entries are at or before `moment` (UTC)."""
        return bisect_right(self.moments, moment)


class Past:
    """The first `count` entries of a `History` (those at or before an instant)."""

    __slots__ = ("_memo", "count", "entries", "history")

    def __init__(self, history: History, count: int) -> None:
        self.history = history
        self.count = count
        self.entries = history.entries if count == len(history.entries) else history.entries[:count]
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """`build()` once per key for this part of the history."""
        try:
            found: _T = self._memo[key]
        except KeyError:
            found = self._memo[key] = build()
        return found


class Moment:
    """The proposed contact at instant `at`, seen from every candidate zone."""

    __slots__ = ("at", "consumer", "days", "local", "past", "phone", "proposed", "zones")

    def __init__(
        self,
        *,
        consumer: ConsumerFacts,
        proposed: ProposedContact,
        phone: PhoneFacts,
        at: datetime,
        zones: tuple[ZoneInfo, ...],
        past: Past,
    ) -> None:
        self.consumer = consumer
        self.proposed = proposed
        self.phone = phone
        self.at = at
        self.zones = zones
        self.local = local = tuple([at.astimezone(z) for z in zones])
        self.days = tuple([d.toordinal() for d in local])
        self.past = past  # only entries at or before `at`

    @property
    def history(self) -> list[HistoryEntry]:
        return self.past.entries


@lru_cache(maxsize=8192)
def local_start(day_ordinal: int, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `clock` on local date `day_ordinal` in `zone` (DST-correct)."""
    local = datetime.combine(date.fromordinal(day_ordinal), clock, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).time() < clock:  # inside a spring-forward gap: first valid time
        moment = (
            datetime.combine(date.fromordinal(day_ordinal), clock, tzinfo=zone)
            .replace(fold=1)
            .astimezone(UTC)
        )
    return moment


@lru_cache(maxsize=4096)
def day_label(day_ordinal: int) -> str:
    return date.fromordinal(day_ordinal).isoformat()
