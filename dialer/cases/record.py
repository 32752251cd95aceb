"""Writing to the case record's append-only timeline and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.db.models import AuditEntry, CaseEvent, ConsumerFlagRecord
from dialer.vocabulary import ConsumerFlag


def add_case_event(
    session: Session,
    *,
    consumer_id: int,
    at: datetime,
    kind: str,
    summary: str,
    debt_id: int | None = None,
    attempt_id: int | None = None,
    detail: dict[str, Any] | None = None,
    actor: str = "system",
) -> CaseEvent:
    """Append one line to the case timeline (never updated, never deleted)."""
    event = CaseEvent(
        consumer_id=consumer_id,
        debt_id=debt_id,
        attempt_id=attempt_id,
        at=at,
        kind=kind,
        summary=summary,
        detail=detail or {},
        actor=actor,
    )
    session.add(event)
    return event


def add_audit_entry(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None,
) -> AuditEntry:
    """Record who changed what, when, before and after, and why."""
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(entry)
    return entry


def add_flag(
    session: Session,
    *,
    consumer_id: int,
    debt_id: int | None,
    flag: ConsumerFlag,
    learned_at: datetime,
    source: str,
    detail: dict[str, Any] | None = None,
) -> ConsumerFlagRecord:
    """Record a flag with when and how it was learned; an active identical flag is kept as is."""
    active = session.scalar(
        select(ConsumerFlagRecord).where(
            ConsumerFlagRecord.consumer_id == consumer_id,
            ConsumerFlagRecord.debt_id.is_(None)
            if debt_id is None
            else ConsumerFlagRecord.debt_id == debt_id,
            ConsumerFlagRecord.flag == flag.value,
            ConsumerFlagRecord.cleared_at.is_(None),
        )
    )
    if active is not None:
        return active
    record = ConsumerFlagRecord(
        consumer_id=consumer_id,
        debt_id=debt_id,
        flag=flag.value,
        learned_at=learned_at,
        source=source,
        detail=detail or {},
    )
    session.add(record)
    session.flush()
    return record
