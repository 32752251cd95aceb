"""Engine and session factories, built in each process's composition root."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(
    database_url: str, *, pool_size: int = 5, max_overflow: int = 10, pre_ping: bool = True
) -> Engine:
    """An engine with the pragmas and pool settings the dialer relies on.

    `pre_ping` tests each pooled connection with a round trip before use (the safe default);
    a busy process whose pool is never idle for long (the web process) may turn it off.
    """
    if database_url.startswith("sqlite"):
        _ensure_sqlite_directory(database_url)
        engine = create_engine(
            database_url, connect_args={"timeout": 30, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy emit BEGIN itself so that BEGIN IMMEDIATE can serialise writers.
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(
        database_url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=pre_ping
    )


def _ensure_sqlite_directory(database_url: str) -> None:
    path = database_url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:  # noqa: ANN401 - DBAPI
    # Autocommit at the driver level; transactions are begun explicitly in _sqlite_begin_immediate.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commits when the block ends normally, rolls back otherwise."""
    with factory() as session, session.begin():
        yield session
