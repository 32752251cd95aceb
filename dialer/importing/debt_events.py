"""The timeline events of an import: one "imported" or "updated" case event per debt written.

PostgreSQL builds them itself from the debts' staging table, which carries each row's line
number and changed fields (`event_line`, `event_changed`: NULL for a new debt), in one
INSERT ... SELECT; SQLite gets the same rows built here. Both give the same kind, summary and
detail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialer.importing.case_notes import IMPORT_SOURCE
from dialer.importing.case_rows import CaseRow
from dialer.importing.upsert import Staged

_STAGED = (("event_line", "integer"), ("event_changed", "text[]"))

_INSERT = """
INSERT INTO case_events (consumer_id, debt_id, attempt_id, at, kind, summary, detail, actor)
SELECT s.consumer_id, d.id, NULL, :at,
       CASE WHEN s.event_changed IS NULL THEN 'imported' ELSE 'updated' END,
       CASE WHEN s.event_changed IS NULL
            THEN 'Imported from ' || CAST(:file AS text) || ' (line ' || s.event_line
                 || '): ' || s.creditor
            ELSE 'Updated from ' || CAST(:file AS text) || ' (line ' || s.event_line
                 || '): ' || array_to_string(s.event_changed, ', ')
       END,
       jsonb_build_object(
           'file', CAST(:file AS text), 'line', s.event_line,
           'changed', COALESCE(to_jsonb(s.event_changed), '[]'::jsonb)
       ),
       CAST(:actor AS text)
FROM {stage} AS s JOIN debts AS d ON d.external_ref = s.external_ref
ORDER BY s.event_line
"""


def debt_events(*, now: datetime, file_name: str) -> Staged:
    """The staging columns and statement that write the events on PostgreSQL."""
    return Staged(_STAGED, _INSERT, {"at": now, "file": file_name, "actor": IMPORT_SOURCE})


def debt_event_rows(
    events: list[tuple[CaseRow, str, list[str]]],
    *,
    consumer_ids: dict[str, int],
    debt_ids: dict[str, int],
    now: datetime,
    file_name: str,
) -> list[dict[str, Any]]:
    """The events as rows to insert (SQLite): (row, kind, changed fields) per debt written."""
    return [
        {
            "consumer_id": consumer_ids[row.consumer_ref],
            "debt_id": debt_ids[row.debt_ref],
            "attempt_id": None,
            "at": now,
            "kind": kind,
            "summary": _summary(row, kind, changed, file_name),
            "detail": {"file": file_name, "line": row.line, "changed": changed},
            "actor": IMPORT_SOURCE,
        }
        for row, kind, changed in events
    ]


def _summary(row: CaseRow, kind: str, changed: list[str], file_name: str) -> str:
    if kind == "imported":
        return f"Imported from {file_name} (line {row.line}): {row.creditor}"
    return f"Updated from {file_name} (line {row.line}): {', '.join(changed)}"
