"""'This is not my debt', from the call menu or by text: one path for both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.cases.record import add_flag
from dialer.db.models import Debt
from dialer.vocabulary import ConsumerFlag


def dispute_debt(
    session: Session,
    *,
    consumer_id: int,
    debt: Debt | None,
    source: str,
    detail: dict[str, object],
    now: datetime,
) -> None:
    """A dispute flag on the debt (the whole consumer when no debt is known); contact paused."""
    add_flag(
        session,
        consumer_id=consumer_id,
        debt_id=debt.id if debt else None,
        flag=ConsumerFlag.DISPUTE_PENDING,
        learned_at=now,
        source=source,
        detail=detail,
    )
    if debt is not None:
        debt.next_contact_at = None
        debt.updated_at = now
