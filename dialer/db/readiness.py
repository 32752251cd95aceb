"""Is the database reachable, and is its schema the one this code expects?

Processes check this once at start and say what to do in one line (`run dialer db upgrade`,
`check DATABASE_URL`) instead of a traceback per tick; `/healthz` reports it too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from dialer.db.migrate import alembic_config
from dialer.errors import DialerError


class DatabaseNotReadyError(DialerError):
    """The database cannot be reached, or its schema is behind this code."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    """The migration revisions in the database and those this code ships (its heads)."""

    current: frozenset[str]
    heads: frozenset[str]

    @property
    def is_current(self) -> bool:
        return self.current == self.heads

    @property
    def label(self) -> str:
        if self.is_current:
            return "current"
        return "not migrated" if not self.current else "behind"


@cache
def code_heads() -> frozenset[str]:
    """The heads of the migrations shipped with this code (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def schema_state(engine: Engine) -> SchemaState:
    """Raises SQLAlchemyError when the database cannot be reached."""
    quiet = logging.getLogger("alembic.runtime.migration")  # "Context impl ..." at INFO
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    finally:
        quiet.setLevel(level)
    return SchemaState(frozenset(current), code_heads())


def require_ready(engine: Engine) -> SchemaState:
    """The one-line refusal a process prints instead of failing on every tick."""
    where = describe(engine)
    try:
        state = schema_state(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        msg = f"cannot reach the database {where} ({reason}): check DATABASE_URL"
        raise DatabaseNotReadyError(msg) from None
    if not state.is_current:
        msg = f"the database {where} is {state.label}: run `dialer db upgrade`"
        raise DatabaseNotReadyError(msg)
    return state


def explain_database_error(exc: DBAPIError) -> str | None:
    """One line for a database error a user can fix (unreachable, not migrated), else None."""
    text = str(exc.orig).strip()
    reason = text.splitlines()[0] if text else type(exc.orig).__name__
    missing_table = "no such table" in reason or (
        "relation" in reason and "does not exist" in reason
    )
    if missing_table:
        return f"the database has no such table ({reason}): run `dialer db upgrade`"
    if isinstance(exc, OperationalError):
        return f"the database failed ({reason}): check DATABASE_URL and that the server is up"
    return None


def describe(engine: Engine) -> str:
    """The database's address without its password."""
    return make_url(engine.url).render_as_string(hide_password=True)
