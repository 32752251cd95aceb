"""Twilio's calls-per-second: queue calls and dequeue them at the CPS rate, or (strict) refuse."""

from __future__ import annotations

import threading
import time
from collections import deque


class Pacer:
    """Hands out dequeue slots `1/cps` apart and keeps the strict 1-second window."""

    def __init__(self, cps: float) -> None:
        self._lock = threading.Lock()
        self._cps = cps
        self._next_slot = 0.0
        self._window: deque[float] = deque()

    def set_cps(self, cps: float) -> None:
        with self._lock:
            self._cps = cps

    def admit_strict(self, at: float | None = None) -> bool:
        """True if one more create now keeps every 1-second window at or under the CPS."""
        moment = time.monotonic() if at is None else at
        with self._lock:
            while self._window and self._window[0] <= moment - 1.0:
                self._window.popleft()
            if len(self._window) + 1 > max(self._cps, 1.0):
                return False
            self._window.append(moment)
            return True

    def slot(self, at: float | None = None) -> float:
        """Seconds from now until this call leaves the queue."""
        moment = time.monotonic() if at is None else at
        with self._lock:
            start = max(moment, self._next_slot)
            self._next_slot = start + 1.0 / self._cps
            return start - moment

    def reset(self) -> None:
        with self._lock:
            self._next_slot = 0.0
            self._window.clear()


def max_in_window(timestamps: list[float], window: float = 1.0) -> int:
    """The largest number of timestamps inside any half-open interval of `window` seconds."""
    ordered = sorted(timestamps)
    best = 0
    low = 0
    for high, moment in enumerate(ordered):
        while ordered[low] <= moment - window:
            low += 1
        best = max(best, high - low + 1)
    return best
