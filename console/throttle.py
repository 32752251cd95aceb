"""Sign-in throttling, per account and per client address, taken before the password check.

Every sign-in attempt first takes one slot from its account's window and one from its
address's window (`limits`' moving window: one atomic step in Redis, under a lock in memory),
and only an attempt that got both slots reaches the password check. So however many guesses
arrive at once, at most the limit of them are checked. A successful sign-in frees the
account's window (the owner is back); the address's window keeps counting, so one address
cannot spray guesses over many accounts.

In memory for one process, or in Redis (settings.redis_url) when several web processes serve
the console.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

PER_ACCOUNT = "5 per 15 minutes"
PER_ADDRESS = "50 per 15 minutes"


class LoginThrottle:
    def __init__(
        self,
        *,
        redis_url: str | None = None,
        per_account: str = PER_ACCOUNT,
        per_address: str = PER_ADDRESS,
        prefix: str = "dialer",
    ) -> None:
        storage: Storage
        if redis_url:
            storage = RedisStorage(redis_url, key_prefix=f"{prefix}-login")
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._account: RateLimitItem = parse(per_account)
        self._address: RateLimitItem = parse(per_address)

    def try_attempt(self, *, username: str, address: str) -> bool:
        """Take a slot for this attempt; False (nothing to check) once either window is full."""
        if not self._limiter.hit(self._account, "account", _account_key(username)):
            return False
        return bool(self._limiter.hit(self._address, "address", address or "unknown"))

    def succeeded(self, *, username: str) -> None:
        self._limiter.clear(self._account, "account", _account_key(username))


def _account_key(username: str) -> str:
    return username.strip().lower()[:64]
