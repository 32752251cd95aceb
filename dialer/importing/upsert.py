"""Dialect-neutral set-based helpers: INSERT ... ON CONFLICT DO UPDATE and keyed look-ups."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Row,
    Table,
    any_,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite

from dialer.db.base import Base, UTCDateTime

_dumps = json.JSONEncoder().encode


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def upsert(
    connection: Connection,
    target: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Collection[str],
    returning: Sequence[str] = (),
    staged: Staged | None = None,
) -> list[Row[Any]] | None:
    """Insert rows, updating `update` columns of rows whose `keys` already exist.

    PostgreSQL returns the `returning` columns of every row written (one statement from the
    staging table); SQLite returns None (its executemany has no RETURNING): the caller reads
    the ids back with `existing_by`. On PostgreSQL, `staged` adds staging-only columns (given
    in the rows, not written to `target`) and runs its statement on the staging table after
    the upsert; SQLite ignores it (the rows must then not hold those columns).
    """
    if not rows:
        return []
    if connection.dialect.name == "postgresql":
        return _copy_upsert(
            connection, target, rows, keys=keys, update=update, returning=returning, staged=staged
        )
    statement = sqlite.insert(target)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: statement.excluded[name] for name in update},
    )
    connection.execute(statement, list(rows))
    return None


@dataclass(frozen=True, slots=True)
class Staged:
    """Staging-only columns (name, SQL type) and a statement run on the staging table.

    `statement` is SQL text with `{stage}` for the staging table's name and `:name` parameters
    bound from `params`.
    """

    columns: tuple[tuple[str, str], ...]
    statement: str
    params: dict[str, Any]


def insert_rows(connection: Connection, target: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, target, target.name, _columns(target, rows), rows)
    else:
        connection.execute(target.insert(), list(rows))


# PostgreSQL: COPY is an order of magnitude faster than INSERT for batches. Upserts COPY into
# a temporary staging table (dropped at commit) and then INSERT ... SELECT ... ON CONFLICT.


_ARRAYS: dict[tuple[str, str], postgresql.ARRAY[Any]] = {}


def _array_of(column: Column[Any]) -> postgresql.ARRAY[Any]:
    """One ARRAY type per column, built once (SQLAlchemy caches per type instance)."""
    key = (column.table.name, column.name)
    if key not in _ARRAYS:
        _ARRAYS[key] = postgresql.ARRAY(column.type)
    return _ARRAYS[key]


@cache
def _defaults(target: Table) -> dict[str, Any]:
    """Python-side scalar column defaults, which COPY (unlike Core inserts) does not apply."""
    return {
        column.name: _plain(getattr(column.default, "arg", None))
        for column in target.columns
        if column.default is not None and column.default.is_scalar
    }


@cache
def _json_columns(target: Table) -> frozenset[str]:
    return frozenset(column.name for column in target.columns if isinstance(column.type, JSON))


def _columns(target: Table, rows: Sequence[dict[str, Any]]) -> list[str]:
    given = list(rows[0])
    return given + [name for name in _defaults(target) if name not in rows[0]]


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def _copy(
    connection: Connection,
    target: Table,
    table_name: str,
    columns: list[str],
    rows: Sequence[dict[str, Any]],
) -> None:
    """COPY rows (dicts with the same keys) into table_name, which has target's columns."""
    defaults = _defaults(target)
    json_columns = _json_columns(target)
    given = [name for name in columns if name in rows[0]]
    absent = [name for name in columns if name not in rows[0]]
    missing = tuple(defaults.get(name) for name in absent)
    names = ", ".join(f'"{name}"' for name in (*given, *absent))
    wrap = [name in json_columns for name in given]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
        write_row = copy.write_row
        if not any(wrap):
            pick = itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
            for row in rows:
                write_row(pick(row) + missing)
            return
        for row in rows:
            values = [row[name] for name in given]
            for index, is_json in enumerate(wrap):
                if is_json and values[index] is not None:
                    values[index] = _dumps(values[index])  # text input to a JSON column
            write_row((*values, *missing))


def _copy_upsert(
    connection: Connection,
    target: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Collection[str],
    returning: Sequence[str],
    staged: Staged | None,
) -> list[Row[Any]]:
    extra = staged.columns if staged is not None else ()
    carried = {name for name, _ in extra}
    columns = [name for name in _columns(target, rows) if name not in carried]
    names = ", ".join(f'"{name}"' for name in columns)
    stage = f"import_stage_{target.name}_{len(columns)}_{len(extra)}"
    staged_names = "".join(f', NULL::{kind} AS "{name}"' for name, kind in extra)
    # Identifiers and types below come from the models' metadata and this package's constants,
    # never from the file.
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{stage}" ON COMMIT DROP AS '  # noqa: S608
        f'SELECT {names}{staged_names} FROM "{target.name}" WITH NO DATA'
    )
    connection.exec_driver_sql(f'TRUNCATE "{stage}"')
    _copy(connection, target, stage, [*columns, *(name for name, _ in extra)], rows)
    conflict = ", ".join(f'"{name}"' for name in keys)
    assignments = ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in update)
    returned = ", ".join(f'"{name}"' for name in returning)
    result = connection.exec_driver_sql(
        f'INSERT INTO "{target.name}" ({names}) SELECT {names} FROM "{stage}" '  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
        + (f" RETURNING {returned}" if returning else "")
    )
    written = list(result.all()) if returning else []
    if staged is not None:
        connection.execute(text(staged.statement.format(stage=f'"{stage}"')), staged.params)
    return written


def existing_by(
    connection: Connection,
    target: Table,
    *,
    key: str,
    values: Collection[Any],
    columns: Sequence[str],
) -> list[Row[Any]]:
    """Rows of `target` whose `key` column is one of `values` (one SELECT per call).

    PostgreSQL gets one array parameter (`= ANY(:values)`), so the statement text stays short
    and cacheable whatever the batch size; SQLite gets an IN list.
    """
    if not values:
        return []
    key_column: Column[Any] = target.c[key]
    listed = list(values)
    if connection.dialect.name == "postgresql":
        condition = key_column == any_(literal(listed, type_=_array_of(key_column)))
    else:
        condition = key_column.in_(listed)
    query = select(*(_selected(connection, target.c[name]) for name in columns)).where(condition)
    return list(connection.execute(query).all())


def _selected(connection: Connection, column: Column[Any]) -> ColumnElement[Any]:
    """PostgreSQL returns aware times already: skip UTCDateTime's per-row conversion to UTC."""
    if connection.dialect.name == "postgresql" and isinstance(column.type, UTCDateTime):
        return type_coerce(column, DateTime(timezone=True)).label(column.name)
    return column
