"""Pacing: calls per second per Twilio account and messages per second per sender.

A moving window: no 1-second window ever holds more grants than the rate. When several
processes share one account, the window is shared: an atomic Redis script timed by the Redis
server (REDIS_URL set, redis_window.py), or without Redis a table in the database every process
uses (database_window.py). Only a Pacer built with neither (a test, a benchmark) keeps an
in-memory moving window (memory_window.py), good for one process.

The rate is passed with every hit, not baked into the key, so all processes of an account share
one window whatever rate each one currently runs at: when an admin lowers the rate
(`apply_admin`, each tick) the grants made at the old rate still count, and while processes
change over each admits only while the window holds fewer than its own limit, so the shared
window never exceeds the higher of the two rates (never the account's configured rate).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from sqlalchemy import Engine

from dialer.pacing.admin import PacingLimits, effective_config
from dialer.pacing.database_window import DatabaseMovingWindow
from dialer.pacing.memory_window import MemoryMovingWindow
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
    # Seconds added to the window: the provider counts a create when it arrives, and the time
    # from the grant to the arrival varies (a later create may arrive sooner than an earlier
    # one), so `rate` grants per (1 s + margin) keep every 1-second window at the provider
    # within the rate. 0: exact at the grant (tests, benchmarks).
    transit_margin: float = 0.0


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
        database: Engine | None = None,
    ) -> None:
        """`database`: without Redis, share the window through this database (every process
        of the account sees the same grants)."""
        self.base = config  # what the account allows (settings)
        self.config = config  # in force now: the base narrowed by the admin pacing limits
        self.admin = PacingLimits()
        self._memory = MemoryMovingWindow(monotonic)
        self._shared: RedisMovingWindow | DatabaseMovingWindow | None = None
        if config.storage_url:
            self._shared = RedisMovingWindow(config.storage_url)
        elif database is not None:
            self._shared = DatabaseMovingWindow(database)
        self._account = account
        self._sleep = sleep
        self._monotonic = monotonic
        self._paused_until = 0.0
        self._next_free = 0.0
        # When the last grant was made, on the window's own clock: the Redis server's epoch
        # seconds, or this process's monotonic clock without Redis.
        self.last_grant = 0.0

    @property
    def shared(self) -> str:
        """Where the window lives: redis, database, or memory (this process only)."""
        if self.config.storage_url:
            return "redis"
        return "database" if self._shared is not None else "memory"

    def apply_admin(self, admin: PacingLimits) -> bool:
        """Run at the account's rate and cap narrowed by `admin`; True if that changed them."""
        if admin == self.admin:
            return False
        self.admin = admin
        before, self.config = self.config, effective_config(self.base, admin)
        return (before.calls_per_second, before.max_concurrent_calls) != (
            self.config.calls_per_second,
            self.config.max_concurrent_calls,
        )

    def try_acquire(self, channel: Channel, *, sender: str) -> bool:
        """Take one slot now if the window has room (atomic in Redis)."""
        if self._monotonic() < self._paused_until:
            return False
        item, key = self._item(channel, sender)
        window = self._shared or self._memory
        granted, value = window.hit(
            "/".join((item.namespace, *key)), limit=item.amount, window=self._window(item)
        )
        if granted:
            self.last_grant = value
        else:
            self._next_free = self._monotonic() + value
        return granted

    def has_room(self, channel: Channel, *, sender: str) -> bool:
        """Would a slot be granted now? (nothing is taken: the slot is taken at the create)"""
        if self._monotonic() < self._paused_until:
            return False
        item, key = self._item(channel, sender)
        window = self._shared or self._memory
        return window.room(
            "/".join((item.namespace, *key)), limit=item.amount, window=self._window(item)
        )

    def acquire(self, channel: Channel, *, sender: str, timeout: float) -> float | None:
        """Block until a slot is free; the seconds waited, or None if `timeout` passed first."""
        start = self._monotonic()
        while True:
            if self.try_acquire(channel, sender=sender):
                return self._monotonic() - start
            waited = self._monotonic() - start
            if waited >= timeout:
                return None
            self._sleep(min(self._pause_left() or self._retry_in(), timeout - waited))

    def back_off(self, seconds: float) -> None:
        """After a 429 from the provider: this process takes no slot for `seconds`."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    def clear(self) -> None:
        """Forget every window of this namespace (tests and benchmarks)."""
        self._memory.clear()
        if self._shared is not None:
            self._shared.clear(f"{self.config.namespace}/*")

    def lane(self, channel: Channel, *, sender: str) -> tuple[str, ...]:
        """The window a grant counts against: calls share the account, SMS are per sender."""
        if channel is Channel.CALL:
            return ("calls", self._account)
        return ("sms", self._account, sender)

    def _item(self, channel: Channel, sender: str) -> tuple[RateLimitItem, tuple[str, ...]]:
        rate = (
            self.config.calls_per_second if channel is Channel.CALL else self.config.sms_per_second
        )
        return rate_item(rate, namespace=self.config.namespace), self.lane(channel, sender=sender)

    def _window(self, item: RateLimitItem) -> float:
        return float(item.get_expiry()) + self.config.transit_margin

    def _pause_left(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    def _retry_in(self) -> float:
        return min(_LONGEST, max(_STEP, self._next_free - self._monotonic()))
