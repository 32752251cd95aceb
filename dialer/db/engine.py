"""Engine and session factories, built in each process's composition root."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import ClauseElement, Connection, Dialect, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler

log = logging.getLogger(__name__)


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
        database_url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=pre_ping,
        connect_args=_unreachable_in_seconds(database_url),
    )


# libpq settings that make a database that went away an error within seconds, not a wait
# for ever (a request blocked on a dead connection outlives Twilio's 15 s webhook timeout, so
# the web process must fail over to its spool before that): a connect gives up after 5 s; an
# idle connection is probed after 5 s, every 2 s, dropped after 3 probes unanswered; data
# sent and not acknowledged for 10 s drops the connection. A slow query is none of these (the
# server's kernel acknowledges), so long statements are unaffected.
PG_LIVENESS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


def _unreachable_in_seconds(database_url: str) -> dict[str, Any]:
    """PG_LIVENESS, except what the URL sets itself."""
    given = make_url(database_url).query
    return {key: value for key, value in PG_LIVENESS.items() if key not in given}


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


READ_ONLY = "dialer_read_only"  # execution option: a connection that never writes


def _sqlite_begin_immediate(connection: Connection) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")  # deferred: a reader never takes the write lock
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commits when the block ends normally, rolls back otherwise."""
    with factory() as session, session.begin():
        yield session


class DriverStatement:
    """A Core statement compiled once and run on the driver's own connection (PostgreSQL).

    SQLAlchemy's per-execution work (cache key, compiled-cache lookup, execution context,
    result set-up) costs about 0.1 ms of CPU a statement, as much as psycopg's own; the
    webhook's batches skip it. The SQL is rendered once with PostgreSQL's own `$n`
    placeholders and run on a `RawCursor`, so psycopg does not parse it again on every
    execution either (it caches that only for statements under 4 KiB). Values go through the
    column types' bind and result processors exactly as SQLAlchemy would convert them.
    """

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        positional = type(dialect)(paramstyle="numeric_dollar")  # type: ignore[call-arg]
        compiled = statement.compile(dialect=positional)
        assert isinstance(compiled, SQLCompiler)
        if compiled.literal_execute_params or compiled.post_compile_params:
            msg = "a statement rendered per execution cannot be compiled once"
            raise ValueError(msg)
        self._query = str(compiled).encode()
        self._compiled = compiled
        self._order = list(compiled.positiontup or ())
        bind: dict[str, Callable[[Any], Any]] = {}
        for parameter, name in compiled.bind_names.items():
            processor = parameter.type.dialect_impl(positional).bind_processor(positional)
            if processor is not None:
                bind[name] = processor
        self._bind = [(name, bind.get(name)) for name in self._order]
        columns = getattr(statement, "selected_columns", ())
        self._result = [
            column.type.dialect_impl(positional).result_processor(positional, None)
            for column in columns
        ]

    def params(self, values: Mapping[str, Any]) -> list[Any]:
        """The values in the statement's positional order, converted for the driver."""
        found = self._compiled.construct_params(dict(values)) or {}
        return [
            found[name] if processor is None else processor(found[name])
            for name, processor in self._bind
        ]

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if processor is None else processor(value)
            for value, processor in zip(raw, self._result, strict=True)
        )

    def execute_all(self, driver: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:  # noqa: ANN401 - DBAPI
        """Run on a driver connection; every row, converted."""
        with psycopg.RawCursor(driver) as cursor:
            return [self.row(raw) for raw in cursor.execute(self._query, self.params(values))]


class HeldConnection:
    """One pooled connection kept checked out, in autocommit mode, for a user that runs one
    statement at a time (a group commit's writer): no checkout, reset or mode switch per use.

    A connection the driver reports broken is dropped; the next use checks out another. The
    connection is closed (not returned to the pool, which may be disposed of by then) when
    `close()` is called or the holder is collected.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pooled: PoolProxiedConnection | None = None
        self._finalizer: weakref.finalize[[PoolProxiedConnection], HeldConnection] | None = None

    @contextmanager
    def autocommit(self) -> Iterator[Any]:
        """The driver connection (psycopg), each statement its own transaction."""
        if self._pooled is None:
            pooled = self._engine.raw_connection()
            try:
                pooled.driver_connection.autocommit = True  # type: ignore[union-attr]
            except BaseException:
                _close(pooled)
                raise
            self._pooled = pooled
            self._finalizer = weakref.finalize(self, _close, pooled)
        driver = self._pooled.driver_connection
        assert driver is not None
        try:
            yield driver
        except BaseException:
            if driver.closed or getattr(driver, "broken", False):
                self.close()
            raise

    def close(self) -> None:
        finalizer, self._pooled, self._finalizer = self._finalizer, None, None
        if finalizer is not None:
            finalizer()  # closes the connection, once


def _close(pooled: PoolProxiedConnection) -> None:
    try:
        pooled.invalidate()  # closes the driver's connection now
        pooled.close()
    except Exception:  # a connection being dropped anyway
        log.debug("a held connection did not close cleanly", exc_info=True)
