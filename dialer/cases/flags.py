"""Setting and clearing consumer flags, with how it was learned and why, for auditors.

A flag set by hand (a bankruptcy notice or an attorney's letter arrives by mail) or by an
agent's disposition is recorded with its source and an audit entry; the engine applies it
from that moment. A dispute is recorded against the debt, every other flag against the
consumer.

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
from dialer.cases.record import add_audit_entry, add_case_event, add_flag
from dialer.db.models import ConsumerFlagRecord, Debt
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import CONTACTABLE_STAGES, ConsumerFlag

MAX_AUDIT_TEXT = 500  # a note on how a flag was learned, a reason it was cleared
PER_DEBT_FLAGS = frozenset({ConsumerFlag.DISPUTE_PENDING})


def record_flag(
    session: Session,
    *,
    debt: Debt,
    flag: ConsumerFlag,
    now: datetime,
    actor: str,
    source: str,
    reason: str,
) -> ConsumerFlagRecord:
    """Set `flag` for the debt's consumer (a dispute: for this debt) and audit it."""
    record = add_flag(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id if flag in PER_DEBT_FLAGS else None,
        flag=flag,
        learned_at=now,
        source=source,
        detail={"debt_ref": debt.external_ref},
    )
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action="consumer.flag",
        entity="consumer",
        entity_id=str(debt.consumer_id),
        before=None,
        after={"flag": flag.value, "debt_id": record.debt_id},
        reason=reason,
    )
    return record


def flag_by_hand(
    session: Session, *, debt_id: int, flag: ConsumerFlag, note: str, actor: str, now: datetime
) -> ConsumerFlagRecord:
    """A supervisor sets a flag learned outside a call; `note` says how it was learned."""
    how = _audit_text(note, missing="say how the flag was learned (a letter, a court notice)")
    debt = _debt(session, debt_id)
    record = record_flag(
        session, debt=debt, flag=flag, now=now, actor=actor, source=f"console:{actor}", reason=how
    )
    add_case_event(
        session,
        consumer_id=debt.consumer_id,
        debt_id=record.debt_id,
        at=now,
        kind="flag.added",
        summary=f"Flag {flag.value} set: {how}",
        detail={"flag_id": record.id, "flag": flag.value},
        actor=actor,
    )
    return record


def clear_flag(
    session: Session,
    *,
    debt_id: int,
    flag_id: int,
    reason: str,
    actor: str,
    now: datetime,
) -> ConsumerFlagRecord:
    """Clear one of the active flags of the debt's consumer, with the reason an auditor reads."""
    why = _audit_text(reason, missing="say why the flag is cleared (it is kept for audits)")
    debt = _debt(session, debt_id)
    consumer_id = debt.consumer_id
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
    for due in session.scalars(debts):
        mark_debt_for_replanning(session, due, now)
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


def _debt(session: Session, debt_id: int) -> Debt:
    debt = session.get(Debt, debt_id)
    if debt is None:
        raise NotFoundError(f"no debt {debt_id}")
    return debt


def _audit_text(text: str, *, missing: str) -> str:
    """A user's note for the audit log: required, at most MAX_AUDIT_TEXT characters."""
    found = text.strip()
    if not found:
        raise InputError(missing)
    if len(found) > MAX_AUDIT_TEXT:
        raise InputError(f"the note is longer than {MAX_AUDIT_TEXT} characters")
    return found
