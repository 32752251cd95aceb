"""No stuck debts: a step whose channel can never be used for the debt is skipped.

When no number of the person can ever take the step's channel (no number that can take texts,
no consent, every number opted out, invalid or not the consumer's), the block never clears:
the debt moves to the next step at once, with a timeline line saying why. Blocks that concern
the person (cease, bankruptcy, dispute, hours, caps) are never skipped: they park the debt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.campaigns.definition import CampaignDefinition
from dialer.cases.record import add_case_event
from dialer.db.models import Debt
from dialer.dispatch.blocks import NO_PHONE
from dialer.dispatch.choose import Choice
from dialer.vocabulary import Channel

# Reasons about the numbers and this channel only, that no waiting clears.
CHANNEL_UNUSABLE = frozenset(
    {NO_PHONE, "no_consent", "opted_out", "invalid_number", "wrong_number"}
)
_WHY = {
    NO_PHONE: "no number that can take it",
    "no_consent": "no consent for it on any number",
    "opted_out": "every number opted out of it",
    "invalid_number": "no valid number",
    "wrong_number": "the numbers are not the consumer's",
}


def never_usable(choice: Choice, *, any_valid_number: bool) -> tuple[str, ...] | None:
    """The reasons, when the step's channel can never be used for the person; else None.
    A person with no valid number at all is parked, not moved along the strategy."""
    if not any_valid_number:
        return None
    if choice.decision is None:
        return (NO_PHONE,)
    if choice.decision.allowed or choice.decision.next_allowed_at is not None:
        return None
    reasons = choice.decision.reason_codes
    if reasons and all(code in CHANNEL_UNUSABLE for code in reasons):
        return tuple(reasons)
    return None


def skip_step(
    debt: Debt,
    *,
    definition: CampaignDefinition,
    channel: Channel,
    reasons: tuple[str, ...],
    now: datetime,
    session: Session,
) -> str:
    """Move the debt to its next step (due now) or end its strategy; one timeline line."""
    why = "; ".join(_WHY.get(code, code) for code in reasons)
    skipped = debt.step_index + 1
    nxt = definition.step(debt.step_index + 1)
    if nxt is None:
        summary = f"Step {skipped} ({channel.value}) cannot be used: {why}; strategy finished"
        debt.next_contact_at = None
    else:
        summary = f"Step {skipped} ({channel.value}) skipped: {why}; next step {skipped + 1}"
        debt.step_index, debt.step_attempts, debt.next_contact_at = debt.step_index + 1, 0, now
    debt.last_decision = summary
    debt.updated_at = now
    add_case_event(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        at=now,
        kind="campaign_step_skipped",
        summary=summary,
        detail={"channel": channel.value, "reasons": list(reasons), "step_index": skipped - 1},
    )
    return summary
