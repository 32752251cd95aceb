"""Pacing: calls per second per Twilio account and messages per second per sender.

A moving window: no 1-second window ever holds more grants than the rate. In one process the
`limits` library's in-memory moving window does it; when several processes share one account
(REDIS_URL set) an atomic Redis script timed by the Redis server does (see redis_window.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from dialer.pacing.redis_window import RedisMovingWindow
from dialer.vocabulary import Channel

_STEP = 0.002  # shortest sleep between two tries
_LONGEST = 0.05  # longest sleep between two tries


@dataclass(frozen=True, slots=True)
class PacingConfig:
    calls_per_second: float = 1.0
    sms_per_second: float = 1.0  # per sender number (a long code sends about 1 per second)
    max_concurrent_calls: int | None = None
    storage_url: str | None = None  # redis://... to share between processes; None: memory
    namespace: str = "dialer"


def rate_item(per_second: float, *, namespace: str) -> RateLimitItem:
    """`per_second` as a limits item: N per second, or 1 per K seconds below one per second."""
    if per_second >= 1:
        return RateLimitItemPerSecond(math.floor(per_second), 1, namespace=namespace)
    return RateLimitItemPerSecond(1, max(1, round(1 / per_second)), namespace=namespace)


class Pacer:
    """Hands out permission to create a call or send an SMS, never faster than configured."""

    def __init__(
        self,
        config: PacingConfig,
        *,
        account: str,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._storage = storage_from_string("memory://")
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._shared = RedisMovingWindow(config.storage_url) if config.storage_url else None
        self._calls = rate_item(config.calls_per_second, namespace=config.namespace)
        self._sms = rate_item(config.sms_per_second, namespace=config.namespace)
        self._account = account
        self._sleep = sleep
        self._monotonic = monotonic
        self._paused_until = 0.0
        self._next_free = 0.0
        self.last_grant = 0.0  # epoch seconds of the last grant (the Redis server's clock)

    @property
    def shared(self) -> bool:
        return bool(self.config.storage_url)

    def try_acquire(self, channel: Channel, *, sender: str) -> bool:
        """Take one slot now if the window has room (atomic in Redis)."""
        if self._monotonic() < self._paused_until:
            return False
        item, key = self._item(channel, sender)
        if self._shared is not None:
            granted, value = self._shared.hit(
                "/".join((item.namespace, *key)), limit=item.amount, window=item.get_expiry()
            )
            if granted:
                self.last_grant = value
            else:
                self._next_free = self._monotonic() + value
            return granted
        granted = bool(self._limiter.hit(item, *key))
        if granted:
            self.last_grant = time.time()
        return granted

    def acquire(self, channel: Channel, *, sender: str, timeout: float) -> float | None:
        """Block until a slot is free; the seconds waited, or None if `timeout` passed first."""
        start = self._monotonic()
        while True:
            if self.try_acquire(channel, sender=sender):
                return self._monotonic() - start
            waited = self._monotonic() - start
            if waited >= timeout:
                return None
            self._sleep(
                min(self._pause_left() or self._retry_in(channel, sender), timeout - waited)
            )

    def back_off(self, seconds: float) -> None:
        """After a 429 from the provider: this process takes no slot for `seconds`."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    def clear(self) -> None:
        """Forget every window of this namespace (tests and benchmarks)."""
        self._storage.reset()
        if self._shared is not None:
            self._shared.clear(f"{self.config.namespace}/*")

    def lane(self, channel: Channel, *, sender: str) -> tuple[str, ...]:
        """The window a grant counts against: calls share the account, SMS are per sender."""
        if channel is Channel.CALL:
            return ("calls", self._account)
        return ("sms", self._account, sender)

    def _item(self, channel: Channel, sender: str) -> tuple[RateLimitItem, tuple[str, ...]]:
        item = self._calls if channel is Channel.CALL else self._sms
        return item, self.lane(channel, sender=sender)

    def _pause_left(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    def _retry_in(self, channel: Channel, sender: str) -> float:
        if self._shared is not None:
            return min(_LONGEST, max(_STEP, self._next_free - self._monotonic()))
        item, key = self._item(channel, sender)
        stats = self._limiter.get_window_stats(item, *key)
        until_reset = float(stats.reset_time) - time.time()
        return min(_LONGEST, max(_STEP, until_reset))
