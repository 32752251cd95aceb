"""The question one reservation asks, and what can stop it before the engine is asked: an
agent step with no free agent, another contact with the person in flight, or a predictive
step whose pacer allows no more calls now (free agents x the ratio, under the abandonment
cap)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from dialer.agents import pool as agents
from dialer.campaigns.definition import CampaignDefinition, Step, StepKind
from dialer.campaigns.planner import Plan
from dialer.db.models import Campaign, Debt
from dialer.dispatch.person import contact_in_flight
from dialer.dispatch.postpone import person_busy, wait_for_agent
from dialer.dispatch.reserved import Outcome
from dialer.predictive.pacing import Pacing
from dialer.predictive.state import pace_campaign
from dialer.vocabulary import Channel, ContactMode


@dataclass(frozen=True)
class Ask:
    """One reservation's question: the debt, its plan and what the tick shares."""

    debt: Debt
    campaign: Campaign
    definition: CampaignDefinition
    plan: Plan
    step: Step
    channel: Channel
    mode: ContactMode
    now: datetime
    lease_until: datetime | None
    predictive: bool = False  # placed with no agent reserved: one is found at the answer


def ask_for(
    debt: Debt, campaign: Campaign, plan: Plan, *, now: datetime, lease_until: datetime | None
) -> Ask:
    assert plan.step is not None
    step = plan.step
    agent = plan.callback and step.kind is StepKind.AGENT
    return Ask(
        debt=debt,
        campaign=campaign,
        definition=CampaignDefinition.model_validate(campaign.definition),
        plan=plan,
        step=step,
        channel=step.channel or Channel.CALL,
        mode=ContactMode.AGENT if agent else ContactMode.AUTOMATED,
        now=now,
        lease_until=lease_until,
    )


def _not_yet(session: Session, ask: Ask) -> Outcome | None:
    """Nothing to ask the engine yet: an agent step has no free agent, or another contact
    with the person is in flight."""
    if ask.step.kind is StepKind.AGENT and agents.free_agents(session) == 0:
        return wait_for_agent(ask.debt, now=ask.now)
    busy = contact_in_flight(session, ask.debt.consumer_id)
    if busy is not None:
        return person_busy(ask.debt, now=ask.now, found=busy)
    return None


def ready(session: Session, ask: Ask) -> tuple[Ask, Outcome | None]:
    """Why nothing can be asked yet (see _not_yet), or for a predictive step whether the pacer
    allows one more call now, and whether it goes without a reserved agent."""
    waiting = _not_yet(session, ask)
    if waiting is not None:
        return ask, waiting
    pacing = _paced(session, ask)
    if pacing is None:
        return ask, None
    if pacing.calls_to_place < 1:
        return ask, wait_for_agent(ask.debt, now=ask.now, paced=pacing)
    return replace(ask, predictive=pacing.is_predictive), None


def _paced(session: Session, ask: Ask) -> Pacing | None:
    """A predictive step's pacing (free agents x ratio, under the abandonment cap); None for
    any other step. A callback is the call one person asked for: never paced."""
    options = ask.step.pacing
    if options is None or ask.plan.callback:
        return None
    return pace_campaign(
        session,
        campaign_id=ask.campaign.id,
        step_index=ask.plan.step_index,
        options=options,
        now=ask.now,
    )
