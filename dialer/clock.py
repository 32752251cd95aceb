"""The clock is injected everywhere: this module is the only place that reads real time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that says what time it is (always timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """Real time running at normal speed from a chosen start (rehearsals and demos).

    The clock read `start` at the real instant `epoch`; from then on it moves with the real
    clock, so processes given the same `start` and `epoch` agree however late each started.
    """

    def __init__(
        self, start: datetime, *, epoch: datetime | None = None, real: Clock | None = None
    ) -> None:
        if start.tzinfo is None or (epoch is not None and epoch.tzinfo is None):
            msg = "OffsetClock needs timezone-aware start and epoch times"
            raise ValueError(msg)
        self._real = real or SystemClock()
        self._offset = start - (epoch or self._real.now())

    @property
    def offset(self) -> timedelta:
        """Simulated time minus real time."""
        return self._offset

    def now(self) -> datetime:
        return (self._real.now() + self._offset).astimezone(UTC)


class FakeClock:
    """A clock that only moves when told to; used by tests and the simulator."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            msg = "FakeClock needs a timezone-aware start time"
            raise ValueError(msg)
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


def monotonic() -> float:
    """Monotonic seconds, for measuring durations (never for business time)."""
    return time.monotonic()
