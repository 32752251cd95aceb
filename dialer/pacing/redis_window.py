"""An exact moving window in Redis, timed by the Redis server's own clock.

Why not the `limits` library's Redis moving window: it stamps each entry with the *client's*
time taken before the script runs, so a process paused between stamping and running pushes an
older stamp on top of newer ones, and the window over-admits (measured: 14 in one second at
10/s with four processes). Here one Lua script reads TIME inside Redis, trims a sorted set of
grant times and admits only if fewer than `limit` remain: atomic and ordered by construction.
"""

from __future__ import annotations

import itertools
import os
import uuid

from redis import Redis

_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
return {1, tostring(now)}
"""

_ROOM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
return redis.call('ZCOUNT', KEYS[1], '(' .. tostring(now - tonumber(ARGV[1])), '+inf')
"""


class RedisMovingWindow:
    """`hit(key, limit, window)` -> (granted, seconds until a slot frees when refused)."""

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url)
        self._script = self._redis.register_script(_SCRIPT)
        self._room = self._redis.register_script(_ROOM)
        self._ids = itertools.count()
        self._me = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def hit(self, key: str, *, limit: int, window: float) -> tuple[bool, float]:
        """(True, the Redis time of the grant) or (False, seconds until a slot frees)."""
        member = f"{self._me}-{next(self._ids)}"
        granted, value = self._script(keys=[key], args=[limit, window, member])
        if int(granted):
            return True, float(value)
        return False, max(0.0, float(value))

    def room(self, key: str, *, limit: int, window: float) -> bool:
        """True when a hit now would be granted (nothing is taken)."""
        return int(self._room(keys=[key], args=[window])) < limit

    def clear(self, pattern: str) -> None:
        for key in self._redis.scan_iter(match=pattern):
            self._redis.delete(key)
