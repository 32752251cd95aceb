"""What the predictive pacer reads from the case record, for one campaign's agent step.

Read inside the reservation, after the campaign's row is locked (FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE already serialises writers), so two workers never both take the last
call the pacer allows for the campaign.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from dialer.abandonment import LIVE_ANSWERED, WINDOW
from dialer.agents import free_agents
from dialer.campaigns.definition import Predictive
from dialer.db.models import Campaign, ContactAttempt
from dialer.predictive.pacing import Pacing, PacingOptions, PacingState, pace
from dialer.vocabulary import AttemptStatus, CampaignStatus, Channel, Direction, Outcome

RECENT = timedelta(hours=1)  # the answer-rate sample: the step's calls that ended lately
# A call that may still be answered by a person and has no agent yet: it would need one.
NOT_YET_ANSWERED = (
    AttemptStatus.RESERVED.value,
    AttemptStatus.DIALING.value,
    AttemptStatus.QUEUED.value,
    AttemptStatus.INITIATED.value,
    AttemptStatus.RINGING.value,
)


def _campaign_calls(campaign_id: int) -> ColumnElement[bool]:
    return and_(
        ContactAttempt.campaign_id == campaign_id,
        ContactAttempt.channel == Channel.CALL.value,
        ContactAttempt.direction == Direction.OUTBOUND.value,
    )


def _count(session: Session, where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count(ContactAttempt.id)).where(where)) or 0)


def pacing_state(
    session: Session, *, campaign_id: int, step_index: int, now: datetime
) -> PacingState:
    """Free agents, the step's calls waiting for an answer, and the campaign's figures."""
    calls = _campaign_calls(campaign_id)
    live = ContactAttempt.outcome.in_(LIVE_ANSWERED)
    month = session.execute(
        select(
            func.count(ContactAttempt.id),
            func.count(ContactAttempt.id).filter(ContactAttempt.outcome == Outcome.ABANDONED.value),
        ).where(calls, live, ContactAttempt.attempted_at >= now - WINDOW)
    ).one()
    recent = session.execute(
        select(func.count(ContactAttempt.id), func.count(ContactAttempt.id).filter(live)).where(
            calls,
            ContactAttempt.step_index == step_index,
            ContactAttempt.outcome.is_not(None),
            ContactAttempt.attempted_at >= now - RECENT,
        )
    ).one()
    waiting = _count(
        session,
        and_(
            calls,
            ContactAttempt.step_index == step_index,
            ContactAttempt.status.in_(NOT_YET_ANSWERED),
            ContactAttempt.agent_id.is_(None),
        ),
    )
    return PacingState(
        free_agents=free_agents(session),
        waiting_calls=waiting,
        live_answered=int(month[0]),
        abandoned=int(month[1] or 0),
        recent_calls=int(recent[0]),
        recent_live=int(recent[1] or 0),
    )


def pace_campaign(
    session: Session,
    *,
    campaign_id: int,
    step_index: int,
    options: PacingOptions,
    now: datetime,
) -> Pacing:
    """Lock the campaign, read its state and pace it."""
    session.get(Campaign, campaign_id, with_for_update=True)
    state = pacing_state(session, campaign_id=campaign_id, step_index=step_index, now=now)
    return pace(state, options)


def ratios_in_force(session: Session, *, now: datetime) -> dict[int, Pacing]:
    """For the dashboard: each active campaign's predictive step, paced as it would be now
    (read only: nothing is locked)."""
    paced: dict[int, Pacing] = {}
    campaigns = session.scalars(
        select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE.value)
    )
    for campaign in campaigns:
        steps = (campaign.definition or {}).get("steps") or []
        for index, step in enumerate(steps):
            if not isinstance(step, dict) or step.get("dialing") != "predictive":
                continue
            options = Predictive.model_validate(step.get("predictive") or {}).options()
            state = pacing_state(session, campaign_id=campaign.id, step_index=index, now=now)
            paced[campaign.id] = pace(state, options)
            break
    return paced
