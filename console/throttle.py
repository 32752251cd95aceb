"""Login throttling: at most 5 failed logins per username and address in 15 minutes.

In memory for one process, or in Redis (settings.redis_url) when several web processes serve
the console, using the `limits` library's moving window.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

DEFAULT_RULE = "5 per 15 minutes"


class LoginThrottle:
    def __init__(
        self, *, redis_url: str | None = None, rule: str = DEFAULT_RULE, prefix: str = "dialer"
    ) -> None:
        storage: Storage
        if redis_url:
            storage = RedisStorage(redis_url, key_prefix=f"{prefix}-login")
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._item: RateLimitItem = parse(rule)

    def allowed(self, *, username: str, address: str) -> bool:
        """False once the failures for this username and address reach the limit."""
        return bool(self._limiter.test(self._item, *self._key(username, address)))

    def failed(self, *, username: str, address: str) -> None:
        self._limiter.hit(self._item, *self._key(username, address))

    def succeeded(self, *, username: str, address: str) -> None:
        self._limiter.clear(self._item, *self._key(username, address))

    @staticmethod
    def _key(username: str, address: str) -> tuple[str, str]:
        return (username.strip().lower()[:64], address or "unknown")
