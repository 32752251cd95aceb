"""Selecting what is due: an indexed, bounded claim of debts whose next_contact_at has come.

The claim moves `next_contact_at` a few minutes ahead (a lease) in one statement, so other
workers skip these debts; on PostgreSQL rows locked by another claim are skipped (SKIP
LOCKED). If a worker dies, the lease runs out and the debts become due again. The cost is
ORDER BY next_contact_at LIMIT n on its index: it does not grow with the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, true, update
from sqlalchemy.orm import Session

from dialer.db.models import Campaign, Debt
from dialer.vocabulary import CampaignStatus

LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Claim:
    debt_id: int
    consumer_id: int
    lease_until: datetime


def active_campaign_ids(session: Session) -> list[int]:
    """Read each tick (a handful of rows): pausing a campaign takes effect on the next tick."""
    return list(
        session.scalars(select(Campaign.id).where(Campaign.status == CampaignStatus.ACTIVE.value))
    )


def active_campaigns(session: Session) -> list[Campaign]:
    """The active campaigns (a handful of rows, read each tick)."""
    return list(
        session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE.value))
    )


# Of each campaign, the step indexes whose pacing lane has a free slot now.
OpenSteps = dict[int, list[int]]


def claim_due(
    session: Session,
    *,
    now: datetime,
    limit: int,
    lease: timedelta = LEASE,
    worker: str | None = None,
    open_steps: OpenSteps | None = None,
) -> list[Claim]:
    """Claim up to `limit` due debts of active campaigns, oldest due first; `worker` (whose
    heartbeat keeps the claims) is recorded so they come back soon if it dies.

    With `open_steps`, the debts on those steps (whose lane has a free slot) are claimed first;
    only when none is due are the others claimed (their steps may be skipped or blocked, and a
    lane may have freed by then). So a full SMS lane with a long queue never hides the calls
    that are due behind it."""
    campaigns = active_campaign_ids(session)
    if not campaigns:
        return []
    on_open_steps = [
        and_(Debt.campaign_id == campaign_id, Debt.step_index.in_(indexes))
        for campaign_id, indexes in (open_steps or {}).items()
        if indexes and campaign_id in campaigns
    ]
    if on_open_steps:
        claims = _claim(
            session,
            now=now,
            limit=limit,
            lease=lease,
            worker=worker,
            campaigns=campaigns,
            which=or_(*on_open_steps),
        )
        if claims:
            return claims
    return _claim(
        session,
        now=now,
        limit=limit,
        lease=lease,
        worker=worker,
        campaigns=campaigns,
        which=true(),
    )


def _claim(
    session: Session,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    worker: str | None,
    campaigns: list[int],
    which: ColumnElement[bool],
) -> list[Claim]:
    until = now + lease
    due = (
        select(Debt.id)
        .where(Debt.next_contact_at <= now, Debt.campaign_id.in_(campaigns), which)
        .order_by(Debt.next_contact_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = session.execute(
        update(Debt)
        .where(Debt.id.in_(due.scalar_subquery()))
        .values(next_contact_at=until, claimed_by=worker)
        .returning(Debt.id, Debt.consumer_id)
        .execution_options(synchronize_session=False)
    ).all()
    return [Claim(row.id, row.consumer_id, until) for row in rows]


def give_back(session: Session, claims: list[Claim], *, now: datetime) -> None:
    """Return claimed debts to the queue (due now) if nobody has touched them since."""
    for claim in claims:
        session.execute(
            update(Debt)
            .where(Debt.id == claim.debt_id, Debt.next_contact_at == claim.lease_until)
            .values(next_contact_at=now)
            .execution_options(synchronize_session=False)
        )
