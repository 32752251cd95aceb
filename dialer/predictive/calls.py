"""Which live calls were placed predictively (no agent reserved before dialling)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dialer.db.models import Campaign, ContactAttempt
from dialer.vocabulary import AttemptOrigin, Channel, Direction


def is_predictive_call(session: Session, attempt: ContactAttempt) -> bool:
    """An outbound dialer call on a campaign step with `dialing: predictive`."""
    if (
        attempt.campaign_id is None
        or attempt.step_index is None
        or attempt.channel != Channel.CALL.value
        or attempt.direction != Direction.OUTBOUND.value
        or attempt.origin != AttemptOrigin.DIALER.value
        or attempt.callback
    ):
        return False
    campaign = session.get(Campaign, attempt.campaign_id)
    steps = (campaign.definition or {}).get("steps") if campaign else None
    if not isinstance(steps, list) or not 0 <= attempt.step_index < len(steps):
        return False
    step = steps[attempt.step_index]
    return isinstance(step, dict) and step.get("dialing") == "predictive"
