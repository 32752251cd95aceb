"""Telling the campaign's retry logic that an attempt ended.

The dispatcher's planner decides the next step and the engine's next lawful time; all this
does is make the debt due now so that the planner looks at it again. The dispatch helper may
replace the body of `debt_due_now`; callers only rely on its signature.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Update, exists, select, update
from sqlalchemy.orm import Session

from dialer.db.models import ConsumerFlagRecord, Debt
from dialer.vocabulary import ConsumerFlag


def debt_due_now(
    debt_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime]
) -> Update:
    """The UPDATE that makes the debt due now, unless a pending dispute pauses contact about it
    (values, or columns when it is part of a larger statement: `status_batch`)."""
    disputed = exists(
        select(ConsumerFlagRecord.id).where(
            ConsumerFlagRecord.debt_id == debt_id,
            ConsumerFlagRecord.flag == ConsumerFlag.DISPUTE_PENDING,
            ConsumerFlagRecord.cleared_at.is_(None),
        )
    )
    return (
        update(Debt)
        .where(Debt.id == debt_id, ~disputed)
        .values(next_contact_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def mark_debt_for_replanning(session: Session, debt_id: int, now: datetime) -> None:
    """Make the debt due now, unless contact about it is paused by a pending dispute."""
    session.execute(debt_due_now(debt_id, now))
