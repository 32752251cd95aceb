"""What the predictive pacer reads from the case record, for one campaign's agent step.

Read inside the reservation, after the campaign's row is locked (FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE already serialises writers), so two workers never both take the last
call the pacer allows for the campaign.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from dialer.agents.abandonment import LIVE_ANSWERED, WINDOW
from dialer.agents.pool import free_agents
from dialer.campaigns.options import Predictive
from dialer.db.models import Campaign, ContactAttempt
from dialer.predictive.pacing import RECENT, Pacing, PacingOptions, PacingState, pace
from dialer.vocabulary import AttemptStatus, CampaignStatus, Channel, Direction, Outcome

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


def predictive_steps(session: Session) -> list[tuple[Campaign, int, Predictive]]:
    """Every active campaign's predictive steps (campaign, step index, options), by id."""
    found = []
    active = select(Campaign).where(Campaign.status == CampaignStatus.ACTIVE.value)
    for campaign in session.scalars(active.order_by(Campaign.id)):
        steps = (campaign.definition or {}).get("steps") or []
        for index, step in enumerate(steps):
            if isinstance(step, dict) and step.get("dialing") == "predictive":
                found.append(
                    (campaign, index, Predictive.model_validate(step.get("predictive") or {}))
                )
    return found


def _waiting(session: Session, steps: list[tuple[int, int]]) -> int:
    """Calls of these (campaign, step) pairs not yet answered and with no agent: each would
    need one of the free agents, whichever campaign placed it."""
    if not steps:
        return 0
    return _count(
        session,
        and_(
            ContactAttempt.channel == Channel.CALL.value,
            ContactAttempt.direction == Direction.OUTBOUND.value,
            ContactAttempt.status.in_(NOT_YET_ANSWERED),
            ContactAttempt.agent_id.is_(None),
            or_(
                *(
                    and_(ContactAttempt.campaign_id == c, ContactAttempt.step_index == i)
                    for c, i in steps
                )
            ),
        ),
    )


def pacing_state(
    session: Session,
    *,
    campaign_id: int,
    step_index: int,
    now: datetime,
    sharing: list[tuple[int, int]] | None = None,
) -> PacingState:
    """Free agents, the calls waiting for an answer (of every predictive step that shares the
    agents: `sharing`, by default this one), and the campaign's figures."""
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
    pairs = sharing if sharing is not None else [(campaign_id, step_index)]
    return PacingState(
        free_agents=free_agents(session),
        waiting_calls=_waiting(session, pairs),
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
    """Lock every campaign that dials predictively (in id order: no deadlock), so no two
    workers both take the last call the agents allow; then read the state and pace it. The
    waiting calls of all of them count: they share the free agents."""
    steps = predictive_steps(session)
    for campaign_id_ in sorted({c.id for c, _, _ in steps} | {campaign_id}):
        session.get(Campaign, campaign_id_, with_for_update=True)
    sharing = sorted({(c.id, i) for c, i, _ in steps} | {(campaign_id, step_index)})
    state = pacing_state(
        session, campaign_id=campaign_id, step_index=step_index, now=now, sharing=sharing
    )
    return pace(state, options)


def ratios_in_force(session: Session, *, now: datetime) -> dict[int, Pacing]:
    """For the dashboard: each active campaign's (first) predictive step, paced as it would be
    now (read only: nothing is locked)."""
    steps = predictive_steps(session)
    sharing = [(c.id, i) for c, i, _ in steps]
    paced: dict[int, Pacing] = {}
    for campaign, index, options in steps:
        if campaign.id in paced:
            continue
        state = pacing_state(
            session, campaign_id=campaign.id, step_index=index, now=now, sharing=sharing
        )
        paced[campaign.id] = pace(state, options.options())
    return paced
