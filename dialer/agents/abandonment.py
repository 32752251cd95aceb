"""Abandoned calls per campaign: a person answered (and asked for an agent, or was dialled for
one) and no agent took the call. The usual industry limit (FTC Telemarketing Sales Rule,
16 CFR 310.4(b)(4)(i)) is 3 % of the calls answered by a live person, per campaign, over 30
days; the dashboard shows each campaign's rate against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialer.db.models import Campaign, ContactAttempt
from dialer.vocabulary import Channel, Direction, Outcome

ABANDONMENT_CAP = 0.03
WINDOW = timedelta(days=30)
# Calls a live person answered: the denominator of the abandonment rate.
LIVE_ANSWERED = (Outcome.CONVERSATION.value, Outcome.WRONG_PARTY.value, Outcome.ABANDONED.value)


@dataclass(frozen=True, slots=True)
class Abandonment:
    campaign_id: int
    campaign: str
    live_answered: int
    abandoned: int

    @property
    def rate(self) -> float | None:
        return None if self.live_answered == 0 else self.abandoned / self.live_answered

    @property
    def over_cap(self) -> bool:
        rate = self.rate
        return rate is not None and rate > ABANDONMENT_CAP


def abandonment_by_campaign(session: Session, *, now: datetime) -> list[Abandonment]:
    """Every campaign with live-answered calls in the last 30 days, by name."""
    rows = session.execute(
        select(
            Campaign.id,
            Campaign.name,
            func.count(ContactAttempt.id),
            func.count(ContactAttempt.id).filter(ContactAttempt.outcome == Outcome.ABANDONED.value),
        )
        .join(Campaign, Campaign.id == ContactAttempt.campaign_id)
        .where(
            ContactAttempt.channel == Channel.CALL.value,
            ContactAttempt.direction == Direction.OUTBOUND.value,
            ContactAttempt.outcome.in_(LIVE_ANSWERED),
            ContactAttempt.attempted_at >= now - WINDOW,
        )
        .group_by(Campaign.id, Campaign.name)
        .order_by(Campaign.name)
    ).all()
    return [Abandonment(row[0], row[1], int(row[2]), int(row[3] or 0)) for row in rows]
