"""The provider placed what we had written off: an attempt released as `not_placed` comes back.

An attempt is released (`not_placed`, no outcome) when we believed nothing was sent: a create
that failed for sure, or one the reconciler could not find at the provider. If the provider
then reports the call or text (a callback with our attempt id, or the SID arriving late), the
provider is right: the attempt is revived to `dialing` so the status machine advances it as
usual, it counts again as a try of its debt, and the timeline says what happened.
A refusal (`not_placed` with the outcome `failed`) is the provider's own word and stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from dialer.cases.record import add_case_event
from dialer.db.models import ContactAttempt, Debt
from dialer.vocabulary import AttemptStatus

REVIVED = "attempt_revived"


def was_released(attempt: ContactAttempt) -> bool:
    """Released by us as never sent (not a refusal by the provider)."""
    return attempt.status == AttemptStatus.NOT_PLACED.value and attempt.outcome is None


def revive(session: Session, attempt: ContactAttempt, *, now: datetime) -> bool:
    """Bring a released attempt back to `dialing`; True if it was released."""
    if not was_released(attempt):
        return False
    attempt.status = AttemptStatus.DIALING.value
    attempt.ended_at = None
    attempt.error_code = None
    attempt.error_message = None
    attempt.updated_at = now
    if attempt.debt_id is not None:
        session.execute(
            update(Debt)
            .where(Debt.id == attempt.debt_id)
            .values(step_attempts=Debt.step_attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    add_case_event(
        session,
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        attempt_id=attempt.id,
        at=now,
        kind=REVIVED,
        summary="The provider reported a contact recorded as not placed: counted as placed",
        detail={"channel": attempt.channel, "sid": attempt.provider_sid},
    )
    return True
