"""Reading the audit log: newest first, filtered, a page at a time, and as CSV for auditors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.db.models import AuditEntry

PAGE_SIZE = 100
CSV_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after", "reason")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # an action or its prefix: "consumer.flag" finds the clears too
    entity_id: str | None = None
    before_id: int | None = None  # the page after the one that ended at this id

    def clean(self) -> AuditFilter:
        return AuditFilter(
            actor=(self.actor or "").strip() or None,
            action=(self.action or "").strip() or None,
            entity_id=(self.entity_id or "").strip() or None,
            before_id=self.before_id,
        )


def find_audit_entries(
    session: Session, wanted: AuditFilter, *, limit: int = PAGE_SIZE
) -> list[AuditEntry]:
    """Matching entries, newest first (by id: the order they were written)."""
    wanted = wanted.clean()
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if wanted.actor:
        query = query.where(AuditEntry.actor == wanted.actor)
    if wanted.action:
        escaped = wanted.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEntry.action.like(f"{escaped}%", escape="\\"))
    if wanted.entity_id:
        query = query.where(AuditEntry.entity_id == wanted.entity_id)
    if wanted.before_id is not None:
        query = query.where(AuditEntry.id < wanted.before_id)
    return list(session.scalars(query))


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    """The entries as CSV, before and after as JSON, times in UTC (ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            (
                entry.id,
                entry.at.isoformat(),
                _cell(entry.actor),
                entry.action,
                entry.entity,
                _cell(entry.entity_id),
                "" if entry.before is None else json.dumps(entry.before, sort_keys=True),
                "" if entry.after is None else json.dumps(entry.after, sort_keys=True),
                _cell(entry.reason or ""),
            )
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A value typed by a user, never read as a formula by a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
