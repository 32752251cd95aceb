"""Reserve before dialing: one transaction per consumer that re-checks everything.

Lock the consumer, re-read the claimed debt, ask the planner what is next, load the facts and
the committed history, and evaluate. Allowed: the attempt is written as `reserved` (with the
decision) and the debt leaves the queue. Blocked: the decision is recorded and the debt
waits until the engine's next_allowed_at (or for ever, when the block is permanent).
With a tick's `lanes`, the pacing slot is taken here, before the attempt is written: when the
channel's lane has no slot the debt goes back to the queue with no attempt at all (deferred).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from dialer import agents
from dialer.campaigns.definition import CampaignDefinition, Step, StepKind
from dialer.campaigns.planner import PlanAction, apply_plan, plan_next_contact
from dialer.case_facts import (
    HISTORY_DAYS,
    debt_key,
    load_consumer_facts_with_phones,
    load_history,
)
from dialer.compliance import AdminLimits, RulePacks
from dialer.db.models import Campaign, Consumer, ContactAttempt, Debt
from dialer.dispatch.blocks import record_block
from dialer.dispatch.choose import caller_id, choose_contact
from dialer.dispatch.claim import Claim
from dialer.dispatch.lanes import Lanes, possible_senders
from dialer.limits import current_limits
from dialer.templates import MessageContext, render_sms
from dialer.vocabulary import (
    AttemptOrigin,
    AttemptStatus,
    CampaignStatus,
    Channel,
    ContactMode,
    Direction,
    Language,
)

_MAX_REPLANS = 3


@dataclass(frozen=True, slots=True)
class Reservation:
    """An attempt written as `reserved`: what the placer needs, with no personal data."""

    attempt_id: int
    debt_id: int
    channel: Channel
    to: str
    from_: str
    step_kind: StepKind
    reserved_at: datetime
    body: str | None = None  # the SMS text (never logged)
    paced: bool = False  # the lane was checked when reserving (place() takes the slot)
    # An agent's phone to ring first (a manual call or a callback): the consumer is dialled
    # from the answer TwiML once the agent picks up, so no prompt reaches the consumer.
    ring_first: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    reservation: Reservation | None = None
    blocked_reasons: tuple[str, ...] = ()
    planned: str | None = None  # a plan that was not a contact (wait, advance, ...)
    skipped: bool = False  # the claim was lost (someone else changed the debt)
    deferred: Channel | None = None  # the channel's lane had no slot: back in the queue


def lock_consumer(session: Session, consumer_id: int) -> None:
    """Row lock on PostgreSQL (the row is loaded too, for the facts); SQLite's BEGIN
    IMMEDIATE already serialises writers."""
    session.get(Consumer, consumer_id, with_for_update=True, populate_existing=True)


LimitsCache = dict[tuple[int, str], AdminLimits]


def reserve(
    session: Session,
    *,
    claim: Claim,
    now: datetime,
    packs: RulePacks,
    limits_cache: LimitsCache | None = None,
    lanes: Lanes | None = None,
) -> Outcome:
    """One consumer's reservation; `limits_cache` shares limits within a tick (re-read per tick);
    with `lanes` the pacing slot is taken here (or the debt is deferred)."""
    lock_consumer(session, claim.consumer_id)
    debt = session.get(Debt, claim.debt_id, populate_existing=True)
    if debt is None or debt.next_contact_at != claim.lease_until:
        return Outcome(skipped=True)
    campaign = session.get(Campaign, debt.campaign_id) if debt.campaign_id else None
    if campaign is None or campaign.status != CampaignStatus.ACTIVE.value:
        debt.next_contact_at = now  # back in the queue; selection skips inactive campaigns
        return Outcome(planned="campaign inactive")
    for _ in range(_MAX_REPLANS):
        plan = plan_next_contact(session, debt=debt, now=now, campaign=campaign)
        if plan.action is PlanAction.CONTACT and plan.step is not None:
            cache = limits_cache if limits_cache is not None else {}
            return _contact(
                session,
                debt=debt,
                campaign=campaign,
                step=plan.step,
                now=now,
                packs=packs,
                limits_cache=cache,
                lanes=lanes,
            )
        apply_plan(session, debt=debt, plan=plan, now=now)
        if plan.action is not PlanAction.ADVANCE or debt.next_contact_at is None:
            return Outcome(planned=plan.action.value)
        if debt.next_contact_at > now:
            return Outcome(planned=plan.action.value)
    return Outcome(planned="advance")


def _contact(
    session: Session,
    *,
    debt: Debt,
    campaign: Campaign,
    step: Step,
    now: datetime,
    packs: RulePacks,
    limits_cache: LimitsCache,
    lanes: Lanes | None,
) -> Outcome:
    definition = CampaignDefinition.model_validate(campaign.definition)
    channel = step.channel or Channel.CALL
    if lanes is not None and lanes.closed(channel, senders=possible_senders(definition.caller_ids)):
        return _defer(debt, channel, now=now)
    if step.kind is StepKind.AGENT and agents.free_agents(session) == 0:
        return _wait_for_agent(debt, now=now)
    facts, phones = load_consumer_facts_with_phones(session, debt.consumer_id, debt_id=debt.id)
    history = load_history(session, debt.consumer_id, since=now - timedelta(days=HISTORY_DAYS))
    key = (campaign.id, debt.jurisdiction)
    limits = limits_cache.get(key)
    if limits is None:
        limits = current_limits(session, campaign_id=campaign.id, state=debt.jurisdiction)
        limits_cache[key] = limits
    choice = choose_contact(
        facts,
        history,
        channel=channel,
        at=now,
        debt=debt_key(debt.id),
        limits=limits,
        packs=packs,
        sms_capable={p.e164: p.sms_capable for p in phones},
    )
    if choice.phone is None or choice.decision is None or not choice.decision.allowed:
        reasons = record_block(session, debt=debt, channel=channel, choice=choice, now=now)
        return Outcome(blocked_reasons=reasons)
    phone_id = next(p.id for p in phones if p.e164 == choice.phone.number)
    sender = caller_id(definition.caller_ids, choice.phone.number)
    if lanes is not None and not lanes.take(channel, sender=sender):
        return _defer(debt, channel, now=now)
    attempt = ContactAttempt(
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        phone_id=phone_id,
        channel=channel.value,
        direction=Direction.OUTBOUND.value,
        mode=ContactMode.AUTOMATED.value,
        origin=AttemptOrigin.DIALER.value,
        from_number=sender,
        to_number=choice.phone.number,
        campaign_id=campaign.id,
        step_index=debt.step_index,
        status=AttemptStatus.RESERVED.value,
        attempted_at=now,
        reserved_at=now,
        updated_at=now,
        decision=choice.decision.to_dict(),
        body=_sms_body(session, debt, step, sender, definition) if step.template else None,
    )
    session.add(attempt)
    session.flush()
    held = (
        _hold_for_agent(session, attempt, debt, step, now=now)
        if step.kind is StepKind.AGENT
        else None
    )
    if held is not None:
        return held
    debt.next_contact_at = None
    debt.step_attempts += 1
    debt.last_decision = f"allowed: {channel.value} reserved"
    debt.updated_at = now
    session.flush()
    return Outcome(
        reservation=Reservation(
            attempt_id=attempt.id,
            debt_id=debt.id,
            channel=channel,
            to=choice.phone.number,
            from_=sender,
            step_kind=step.kind,
            reserved_at=now,
            body=attempt.body,
            paced=lanes is not None,
        )
    )


AGENT_WAIT = timedelta(seconds=5)


def _hold_for_agent(
    session: Session, attempt: ContactAttempt, debt: Debt, step: Step, *, now: datetime
) -> Outcome | None:
    """An agent step's call needs its agent first: None to place it now (progressive), else
    why nothing is placed (no free agent; or preview: the case waits on the agent's desk)."""
    if not _reserve_agent(session, attempt, debt, now=now):
        return _wait_for_agent(debt, now=now)
    if step.dialing != "preview":
        return None
    debt.next_contact_at = None
    debt.step_attempts += 1
    debt.last_decision = "in preview on an agent's desk: the agent dials"
    debt.updated_at = now
    return Outcome(planned="preview")  # nothing is placed: dialer.preview does it


def _reserve_agent(session: Session, attempt: ContactAttempt, debt: Debt, *, now: datetime) -> bool:
    """Progressive dialing: the call's agent is reserved before it is placed (one who speaks
    the consumer's language first); False, with the attempt withdrawn, when another worker
    took the last free agent meanwhile."""
    consumer = session.get(Consumer, debt.consumer_id)
    language = Language(consumer.language) if consumer else None
    agent = agents.reserve_agent(session, attempt_id=attempt.id, now=now, language=language)
    if agent is None:
        session.delete(attempt)
        session.flush()
        return False
    attempt.agent_id = agent.id
    return True


def _wait_for_agent(debt: Debt, *, now: datetime) -> Outcome:
    """Progressive dialing: no free agent, no call; the debt is due again shortly."""
    debt.next_contact_at = now + AGENT_WAIT
    debt.last_decision = "waiting for a free agent (agent step: one call per free agent)"
    debt.updated_at = now
    return Outcome(planned="no free agent")


def _defer(debt: Debt, channel: Channel, *, now: datetime) -> Outcome:
    """The lane is saturated this tick: the debt is due again now, nothing was written."""
    debt.next_contact_at = now
    return Outcome(deferred=channel)


def _sms_body(
    session: Session, debt: Debt, step: Step, sender: str, definition: CampaignDefinition
) -> str:
    consumer = session.get(Consumer, debt.consumer_id)
    assert consumer is not None
    context = MessageContext(
        first_name=consumer.first_name,
        creditor=debt.creditor,
        balance=Decimal(debt.balance),
        currency=debt.currency,
        callback_number=sender,
        company=definition.company,
    )
    return render_sms(step.template or "", language=Language(consumer.language), context=context)
