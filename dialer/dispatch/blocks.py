"""Recording a blocked contact: a short "why not now", a timeline line only when the reason
changes, and the debt parked until the engine says the contact could next be lawful."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from dialer.cases.record import add_case_event
from dialer.db.models import Debt
from dialer.vocabulary import Channel

if TYPE_CHECKING:
    from dialer.dispatch.choose import Choice

NO_PHONE = "no_usable_phone"


def record_block(
    session: Session, *, debt: Debt, channel: Channel, choice: Choice, now: datetime
) -> tuple[str, ...]:
    decision = choice.decision
    reasons = decision.reason_codes if decision is not None else (NO_PHONE,)
    until = decision.next_allowed_at if decision is not None else None
    summary = f"blocked {channel.value}: {', '.join(reasons)}"
    if until is not None:
        summary += f"; next {until.isoformat().replace('+00:00', 'Z')}"
    changed = debt.last_decision is None or not debt.last_decision.startswith(
        f"blocked {channel.value}: {', '.join(reasons)}"
    )
    if changed:
        add_case_event(
            session,
            consumer_id=debt.consumer_id,
            debt_id=debt.id,
            at=now,
            kind="contact_blocked",
            summary=f"Contact by {channel.value} blocked: {', '.join(reasons)}",
            detail={
                "channel": channel.value,
                "reasons": list(reasons),
                "decision": decision.to_dict() if decision is not None else None,
            },
        )
    debt.last_decision = summary
    debt.next_contact_at = until
    debt.updated_at = now
    return reasons
