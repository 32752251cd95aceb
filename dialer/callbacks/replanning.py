"""Telling the campaign's retry logic that an attempt ended.

The dispatcher's planner decides the next step and the engine's next lawful time; all this
does is make the debts due now so that the planner looks at them again. A contact that covered
several debts of the person (`attempt_debts`) makes every one of them due in the same
statement, not only the debt its webhooks name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Integer, Update, exists, literal, select, union, update
from sqlalchemy.orm import Session

from dialer.db.models import AttemptDebt, ConsumerFlagRecord, Debt
from dialer.vocabulary import ConsumerFlag


def debt_due_now(
    debt_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime]
) -> Update:
    """The UPDATE that makes the debt due now, unless a pending dispute pauses contact about it
    (values, or columns when it is part of a larger statement: `status_batch`)."""
    return (
        update(Debt)
        .where(Debt.id == debt_id, ~_disputed())
        .values(next_contact_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _disputed() -> ColumnElement[bool]:
    """A pending dispute about the debt being updated (correlated with `debts`)."""
    return exists(
        select(ConsumerFlagRecord.id).where(
            ConsumerFlagRecord.debt_id == Debt.id,
            ConsumerFlagRecord.flag == ConsumerFlag.DISPUTE_PENDING,
            ConsumerFlagRecord.cleared_at.is_(None),
        )
    )


def covered_debts_due_now(attempt_id: int, debt_id: int | None, now: datetime) -> Update:
    """The ONE UPDATE that makes every debt the attempt covered due now (its own debt and each
    in `attempt_debts`, by the primary key's attempt prefix), disputed ones left paused."""
    covered = select(AttemptDebt.debt_id).where(AttemptDebt.attempt_id == attempt_id)
    ids = covered if debt_id is None else union(covered, select(literal(debt_id, Integer)))
    return (
        update(Debt)
        .where(Debt.id.in_(ids), ~_disputed())
        .values(next_contact_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def mark_debt_for_replanning(session: Session, debt_id: int, now: datetime) -> None:
    """Make the debt due now, unless contact about it is paused by a pending dispute."""
    session.execute(debt_due_now(debt_id, now))


def mark_covered_debts_for_replanning(
    session: Session, *, attempt_id: int, debt_id: int | None, now: datetime
) -> None:
    """The attempt ended: every debt it was about is due now (one statement)."""
    session.execute(covered_debts_due_now(attempt_id, debt_id, now))
