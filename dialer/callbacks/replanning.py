"""Telling the campaign's retry logic that an attempt ended.

The dispatcher's planner decides the next step and the engine's next lawful time; all this
does is make the debt due now so that the planner looks at it again. The dispatch helper may
replace the body of `mark_debt_for_replanning`; callers only rely on its signature.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from dialer.db.models import ConsumerFlagRecord, Debt
from dialer.vocabulary import ConsumerFlag


def mark_debt_for_replanning(session: Session, debt_id: int, now: datetime) -> None:
    """Make the debt due now, unless contact about it is paused by a pending dispute."""
    disputed = exists(
        select(ConsumerFlagRecord.id).where(
            ConsumerFlagRecord.debt_id == debt_id,
            ConsumerFlagRecord.flag == ConsumerFlag.DISPUTE_PENDING,
            ConsumerFlagRecord.cleared_at.is_(None),
        )
    )
    session.execute(
        update(Debt)
        .where(Debt.id == debt_id, ~disputed)
        .values(next_contact_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
