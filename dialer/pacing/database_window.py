"""An exact moving window in the database: the pacing limiter when there is no Redis.

Every process that creates calls or texts shares it, so without Redis the configured rates
still hold across a scheduler, workers and the web console. One short transaction per grant:
the lane is serialized (a transaction advisory lock on PostgreSQL; SQLite's BEGIN IMMEDIATE
serializes every writer), grants older than the window are deleted, and a new grant is
inserted only while fewer than `limit` remain. Times come from PostgreSQL's clock, so every
process agrees on them; SQLite is on one host, whose clock every process shares.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from dialer.db.engine import READ_ONLY
from dialer.db.models import PacingGrant


class DatabaseMovingWindow:
    """`hit(key, limit, window)` -> (granted, seconds until a slot frees when refused)."""

    def __init__(self, engine: Engine, *, wall: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._wall = wall

    def hit(self, key: str, *, limit: int, window: float) -> tuple[bool, float]:
        """(True, the grant's epoch time) or (False, seconds until a slot frees)."""
        with self._engine.begin() as connection:
            now, oldest, held = self._window(connection, key, window)
            if held >= limit:
                return False, max(0.0, (oldest or now) + window - now)
            connection.execute(insert(PacingGrant).values(lane=key, granted_at=now))
            return True, now

    def room(self, key: str, *, limit: int, window: float) -> bool:
        """True when a hit now would be granted (nothing is taken). A read that never takes
        SQLite's write lock: it is asked while the caller's reservation holds it."""
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            now = self._now(connection)
            held = connection.scalar(
                select(func.count())
                .select_from(PacingGrant)
                .where(PacingGrant.lane == key, PacingGrant.granted_at > now - window)
            )
            connection.rollback()
        return int(held or 0) < limit

    def clear(self, pattern: str) -> None:
        """Forget the lanes whose key starts with `pattern` (a trailing * is ignored)."""
        prefix = pattern.rstrip("*")
        with self._engine.begin() as connection:
            connection.execute(delete(PacingGrant).where(PacingGrant.lane.startswith(prefix)))

    def _window(
        self, connection: Connection, key: str, window: float
    ) -> tuple[float, float | None, int]:
        if self._postgres:
            lock = zlib.crc32(f"pacing/{key}".encode()) - 2**31
            connection.execute(select(func.pg_advisory_xact_lock(lock)))
        now = self._now(connection)
        connection.execute(
            delete(PacingGrant).where(
                PacingGrant.lane == key, PacingGrant.granted_at <= now - window
            )
        )
        row = connection.execute(
            select(func.min(PacingGrant.granted_at), func.count()).where(PacingGrant.lane == key)
        ).one()
        return now, row[0], int(row[1])

    def _now(self, connection: Connection) -> float:
        if self._postgres:
            epoch = text("SELECT extract(epoch FROM clock_timestamp())")
            return float(connection.execute(epoch).scalar_one())
        return self._wall()
