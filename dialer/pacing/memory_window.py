"""An exact moving window in this process, with the same contract as RedisMovingWindow.

The limit and the window come with every hit (not with the key), so when an admin lowers the
rate the grants already made at the old rate still count: no burst at the change.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class MemoryMovingWindow:
    """`hit(key, limit, window)` -> (granted, seconds until a slot frees when refused)."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._grants: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float) -> tuple[bool, float]:
        """(True, the monotonic time of the grant) or (False, seconds until a slot frees)."""
        with self._lock:
            now = self._monotonic()
            grants = self._grants.setdefault(key, deque())
            while grants and grants[0] <= now - window:
                grants.popleft()
            if len(grants) >= limit:
                return False, max(0.0, grants[0] + window - now)
            grants.append(now)
            return True, now

    def room(self, key: str, *, limit: int, window: float) -> bool:
        """True when a hit now would be granted (nothing is taken)."""
        with self._lock:
            now = self._monotonic()
            grants = self._grants.get(key, deque())
            return sum(1 for at in grants if at > now - window) < limit

    def clear(self) -> None:
        with self._lock:
            self._grants.clear()
