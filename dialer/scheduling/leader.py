"""One scheduler leader at a time: a PostgreSQL session-level advisory lock.

The lock lives on a dedicated connection: it is held as long as that connection lives, and
PostgreSQL frees it the moment the leader's process dies, so a standby that polls takes over.
On SQLite there is no such lock: run a single scheduler process (documented in the README).
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

LOCK_KEY = 0x5CED_1A1E  # "scheduler leader", any fixed 64-bit number shared by all processes


class LeaderLock:
    def __init__(self, engine: Engine, *, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: Connection | None = None
        self.is_postgres = engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Become the leader if nobody is; True when this process holds the lock."""
        if not self.is_postgres:
            return True
        try:
            if self._connection is None:
                self._connection = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            got = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar()
        except SQLAlchemyError:
            self._drop()
            return False
        return bool(got)

    def still_held(self) -> bool:
        """False once the dedicated connection is gone (then the lock is gone too)."""
        if not self.is_postgres:
            return True
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND objid = :low AND granted"
                ),
                {"low": self._key & 0xFFFFFFFF},
            ).scalar()
        except SQLAlchemyError:
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except SQLAlchemyError:
                pass
            self._connection = None
