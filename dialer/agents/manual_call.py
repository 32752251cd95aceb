"""A call an agent places by hand from a case: checked by the engine like any other (mode
agent), reserved with the decision snapshot, then placed through the gateway by the dispatch
placer; the case is live on the agent's desk while the call is up.

The agent's phone rings first; when the agent answers, the consumer is dialled and bridged
(`<Dial>`), so no prerecorded or synthesised prompt ever reaches the consumer. An agent with no
phone, or who is not available (or still wrapping up), is refused before anything is written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.agents.desk import connect_call
from dialer.agents.line import connected_room
from dialer.campaigns.definition import CampaignDefinition
from dialer.cases.contact_check import primary_number
from dialer.cases.decisions import in_flight_reason
from dialer.cases.record import add_attempt_event
from dialer.compliance import Decision, RulePacks
from dialer.db.models import Campaign, ContactAttempt, Debt, Phone, User
from dialer.dispatch.choose import caller_id
from dialer.dispatch.covering import agent_call_cover, record_agent_cover
from dialer.dispatch.person import contact_in_flight, lock_consumer, number_in_flight
from dialer.dispatch.reserved import Contact, Reservation, agent_call, reserved_attempt
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import (
    AgentAvailability,
    AttemptOrigin,
    ContactMode,
)


class ContactNotLawfulError(InputError):
    """The engine blocked the contact; the message says why and when it would be lawful."""


class AgentCannotCallError(InputError):
    """The agent cannot take a call now (no phone, not available); the message says what."""


def ready_phone(agent: User) -> str:
    """The phone that rings first; refused with what is missing when there is none."""
    if not agent.phone_e164:
        raise AgentCannotCallError(
            f"{agent.username} has no phone number: calls ring the agent's phone first, so an "
            "admin must add one to the profile (Users page) before calls can be placed"
        )
    return agent.phone_e164


def ready_agent(session: Session, agent_id: int) -> User:
    """The agent who will be rung first, locked; refused when they have no phone or are busy."""
    agent = session.get(User, agent_id, with_for_update=True)
    if agent is None or not agent.is_active:
        raise AgentCannotCallError(f"no active user with id {agent_id}")
    ready_phone(agent)
    if agent.availability != AgentAvailability.AVAILABLE:
        raise AgentCannotCallError(
            f"{agent.username} is {agent.availability.replace('_', ' ')}: set yourself "
            "available on the desk before placing a call"
        )
    return agent


def reserve_manual_call(
    session: Session,
    *,
    debt_id: int,
    agent_id: int,
    actor: str,
    now: datetime,
    packs: RulePacks,
) -> Reservation:
    """Lock the consumer, ask the engine (mode agent), write the attempt as `reserved`
    against the debt and every other debt of the person due on a call and allowed."""
    debt = session.get(Debt, debt_id)
    if debt is None:
        raise NotFoundError(f"no case with id {debt_id}")
    agent = ready_agent(session, agent_id)
    lock_consumer(session, debt.consumer_id)
    to = _number_free_to_call(session, debt)
    # The engine's answer for the whole span the call rings in, and every other debt of the
    # person due on a call and allowed too: the call is about each of them.
    cover = agent_call_cover(session, debt=debt, to=to, now=now, packs=packs)
    decision = cover.decision
    if not decision.allowed:
        raise ContactNotLawfulError(not_lawful_message(decision, next_allowed=True))
    phone = session.query(Phone).filter_by(consumer_id=debt.consumer_id, e164=to).one()
    contact = Contact(
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        phone_id=phone.id,
        to=to,
        sender=_caller_id(session, debt, to),
        campaign_id=debt.campaign_id,
    )
    attempt = write_agent_call(
        session, contact, origin=AttemptOrigin.AGENT, decision=decision, agent_id=agent_id, now=now
    )
    record_agent_cover(session, cover, attempt)
    connect_call(session, user_id=agent_id, attempt_id=attempt.id, now=now)
    room = connected_room(agent)
    add_attempt_event(
        session,
        attempt,
        at=now,
        kind="manual_call",
        summary="Agent placed a call by hand: the consumer is called into the agent's line"
        if room
        else "Agent placed a call by hand: the agent's phone rings first, then the consumer's",
        actor=actor,
        detail={"decision": decision.decision, "debts": [d.external_ref for d in cover.debts]},
    )
    debt_ids = tuple(d.id for d in cover.debts)
    if room is not None:
        return agent_call(attempt, ring_first=None, debt_ids=debt_ids, into_room=True)
    return agent_call(attempt, ring_first=ready_phone(agent), debt_ids=debt_ids)


def write_agent_call(
    session: Session,
    contact: Contact,
    *,
    origin: AttemptOrigin,
    decision: Decision,
    agent_id: int | None,
    now: datetime,
    callback: bool = False,
    callback_at: datetime | None = None,
) -> ContactAttempt:
    """The agent's call written as `reserved` with the engine's decision (flushed: it has
    its id)."""
    attempt = reserved_attempt(
        contact,
        mode=ContactMode.AGENT,
        origin=origin,
        now=now,
        decision=decision.to_dict(),
        agent_id=agent_id,
        callback=callback,
        callback_at=callback_at,
    )
    session.add(attempt)
    session.flush()
    return attempt


def _number_free_to_call(session: Session, debt: Debt) -> str:
    """The consumer's first valid number; refused while another contact with the person or
    to the number is in flight (the person is the unit: one contact at a time)."""
    to = primary_number(session, consumer_id=debt.consumer_id)
    if to is None:
        raise InputError("the consumer has no valid phone number")
    busy = contact_in_flight(session, debt.consumer_id) or number_in_flight(session, to)
    if busy is not None:
        raise ContactNotLawfulError(f"not now: {in_flight_reason(busy).message}")
    return to


def not_lawful_message(decision: Decision, *, next_allowed: bool) -> str:
    """Why the engine blocked an agent's call (and, if asked, when it would be lawful)."""
    why = "; ".join(reason.message for reason in decision.reasons)
    when = ""
    if next_allowed and decision.next_allowed_at:
        when = f" Next lawful: {decision.next_allowed_at:%Y-%m-%d %H:%M} UTC."
    return f"not lawful now: {why}.{when}"


def _caller_id(session: Session, debt: Debt, to: str) -> str:
    campaign = session.get(Campaign, debt.campaign_id) if debt.campaign_id else None
    if campaign is None:
        campaign = session.query(Campaign).order_by(Campaign.id).first()
    if campaign is None:
        raise InputError("no caller ID: create a campaign with caller_ids first")
    definition = CampaignDefinition.model_validate(campaign.definition)
    return caller_id(definition.caller_ids, to)
