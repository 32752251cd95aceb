"""A debt reference already held by another consumer: an error by line, or a recorded move.

A cases file that names an existing `debt_ref` under a different `consumer_ref` would re-point
the debt (its balance, stage and history) at someone else. That is refused, in `--dry-run`
too, unless the import is told `--move-debts`; a move is then a timeline event on both
consumers. The check reads committed rows on a connection of its own (the import's
connection belongs to its writer thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from dialer.importing.case_notes import IMPORT_SOURCE
from dialer.importing.case_rows import CaseRow
from dialer.importing.fields import RowIssue
from dialer.importing.upsert import table

MOVE_EVENT = "debt_moved"


@dataclass(frozen=True, slots=True)
class DebtMove:
    """Row `line` moves debt `debt_ref` from consumer `from_ref` to consumer `to_ref`."""

    line: int
    debt_ref: str
    debt_id: int
    from_consumer_id: int
    from_ref: str
    to_ref: str


def find_moves(reader: Connection, rows: Sequence[CaseRow]) -> list[DebtMove]:
    """The rows whose debt is already stored under another consumer's reference."""
    if not rows:
        return []
    debts, consumers = table("debts"), table("consumers")
    wanted = {row.debt_ref: row for row in rows}
    query = (
        select(debts.c.id, debts.c.external_ref, consumers.c.id, consumers.c.external_ref)
        .join(consumers, consumers.c.id == debts.c.consumer_id)
        .where(debts.c.external_ref.in_(list(wanted)))
    )
    found = reader.execute(query).all()
    reader.rollback()  # end the read: the next batch sees what has been committed since
    moves = []
    for debt_id, debt_ref, consumer_id, consumer_ref in found:
        row = wanted[debt_ref]
        if consumer_ref != row.consumer_ref:
            moves.append(
                DebtMove(row.line, debt_ref, debt_id, consumer_id, consumer_ref, row.consumer_ref)
            )
    return sorted(moves, key=lambda move: move.line)


def move_issue(move: DebtMove) -> RowIssue:
    return RowIssue(
        move.line,
        "debt_ref",
        f"debt {move.debt_ref} belongs to consumer {move.from_ref}, not {move.to_ref}; "
        "give --move-debts to move it",
    )


def move_events(
    moves: Sequence[DebtMove], *, to_consumer_ids: dict[str, int], now: datetime, file_name: str
) -> list[dict[str, Any]]:
    """Two timeline events per move: one on the consumer who had the debt, one on the new one."""
    events = []
    for move in moves:
        detail = {
            "file": file_name,
            "line": move.line,
            "debt_ref": move.debt_ref,
            "from_consumer": move.from_ref,
            "to_consumer": move.to_ref,
        }
        where = f"by {file_name} (line {move.line})"
        for consumer_id, summary in (
            (
                move.from_consumer_id,
                f"Debt {move.debt_ref} moved to consumer {move.to_ref} {where}",
            ),
            (
                to_consumer_ids[move.to_ref],
                f"Debt {move.debt_ref} moved from consumer {move.from_ref} {where}",
            ),
        ):
            events.append(
                {
                    "consumer_id": consumer_id,
                    "debt_id": move.debt_id,
                    "attempt_id": None,
                    "at": now,
                    "kind": MOVE_EVENT,
                    "summary": summary,
                    "detail": detail,
                    "actor": IMPORT_SOURCE,
                }
            )
    return events
