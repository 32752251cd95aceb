"""Clearing a consumer flag: the reason kept for auditors, and the debts planned again.

A flag is never deleted: clearing it sets cleared_at and cleared_reason, the timeline and the
audit log say who cleared it, when and why, and the engine stops applying it from that moment
(a re-audit of earlier contacts still sees it as it was then). A flag that blocked contact may
have left its debts with no next contact time; they are made due now so the planner looks at
them again (a debt still paused by another pending dispute stays paused).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.callbacks.replanning import mark_debt_for_replanning
from dialer.case_record import add_audit_entry, add_case_event
from dialer.db.models import ConsumerFlagRecord, Debt
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import CONTACTABLE_STAGES

MAX_CLEAR_REASON = 500


def clear_flag(
    session: Session,
    *,
    consumer_id: int,
    flag_id: int,
    reason: str,
    actor: str,
    now: datetime,
) -> ConsumerFlagRecord:
    """Clear one of the consumer's active flags, with the reason an auditor will read."""
    why = reason.strip()
    if not why:
        raise InputError("say why the flag is cleared (the reason is kept for audits)")
    if len(why) > MAX_CLEAR_REASON:
        raise InputError(f"the reason is longer than {MAX_CLEAR_REASON} characters")
    record = session.get(ConsumerFlagRecord, flag_id, with_for_update=True)
    if record is None or record.consumer_id != consumer_id or record.cleared_at is not None:
        raise NotFoundError(f"no active flag {flag_id} on this consumer")
    record.cleared_at = now
    record.cleared_reason = why
    debts = select(Debt.id).where(
        Debt.consumer_id == consumer_id, Debt.stage.in_([s.value for s in CONTACTABLE_STAGES])
    )
    if record.debt_id is not None:
        debts = debts.where(Debt.id == record.debt_id)
    for debt_id in session.scalars(debts):
        mark_debt_for_replanning(session, debt_id, now)
    add_case_event(
        session,
        consumer_id=consumer_id,
        debt_id=record.debt_id,
        at=now,
        kind="flag.cleared",
        summary=f"Flag {record.flag} cleared: {why}",
        detail={"flag_id": record.id, "flag": record.flag},
        actor=actor,
    )
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="consumer.flag.clear",
        entity="consumer",
        entity_id=str(consumer_id),
        before={"flag": record.flag, "debt_id": record.debt_id, "cleared_at": None},
        after={"flag": record.flag, "cleared_at": now.isoformat()},
        reason=why,
    )
    return record
