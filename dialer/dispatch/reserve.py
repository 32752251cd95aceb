"""Reserve before dialing: one transaction per consumer that re-checks everything.

Lock the consumer, re-read the claimed debt, ask the planner what is next, load the facts and
the committed history, and evaluate. Allowed: the attempt is written as `reserved` (with the
decision) and the debt leaves the queue. Blocked: the decision is recorded and the debt
waits until the engine's next_allowed_at (or for ever, when the block is permanent).
With a tick's `lanes`, the pacing slot is taken here, before the attempt is written: when the
channel's lane has no slot the debt goes back to the queue with no attempt at all (deferred).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from dialer.admin.contact_limits import current_limits
from dialer.agents import pool as agents
from dialer.campaigns.definition import CampaignDefinition, Step, StepKind
from dialer.campaigns.planner import (
    IN_FLIGHT_RECHECK,
    Plan,
    PlanAction,
    apply_plan,
    plan_next_contact,
)
from dialer.cases.decisions import in_flight_reason, load_case_view
from dialer.cases.facts import debt_key
from dialer.compliance import AdminLimits, ProposedContact, RulePacks
from dialer.db.models import Campaign, Consumer, ContactAttempt, Debt
from dialer.dispatch.blocks import record_block
from dialer.dispatch.choose import Choice, caller_id, choose_contact
from dialer.dispatch.claim import Claim
from dialer.dispatch.covering import Cover, cover_with_companions, record_cover
from dialer.dispatch.lanes import Lanes, possible_senders
from dialer.dispatch.person import InFlight, contact_in_flight, number_in_flight
from dialer.dispatch.skip import never_usable, skip_step
from dialer.predictive.pacing import Pacing
from dialer.predictive.state import pace_campaign
from dialer.vocabulary import (
    AttemptOrigin,
    AttemptStatus,
    CampaignStatus,
    Channel,
    ContactMode,
    Direction,
    Language,
    PhoneStatus,
)
from dialer.wording import MessageContext
from dialer.wording.covering import DebtLine, render_covering_sms

_MAX_REPLANS = 6  # plans in one reservation: steps skipped or advanced, then the contact


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
    debt_ids: tuple[int, ...] = ()  # every debt the contact covers (the first is `debt_id`)
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
    person_busy: str | None = None  # another contact with the person or number is in flight
    step_skipped: bool = False  # the step can never be used: the debt moved to the next one


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
    last = Outcome(planned="advance")
    for _ in range(_MAX_REPLANS):
        plan = plan_next_contact(session, debt=debt, now=now, campaign=campaign)
        if plan.action is PlanAction.CONTACT and plan.step is not None:
            cache = limits_cache if limits_cache is not None else {}
            outcome = _contact(
                session,
                debt=debt,
                campaign=campaign,
                plan=plan,
                lease_until=claim.lease_until,
                now=now,
                packs=packs,
                limits_cache=cache,
                lanes=lanes,
            )
            if not _due_again(outcome, debt, now):
                return outcome
            last = outcome
            continue  # the next step is due now: plan it in this reservation
        apply_plan(session, debt=debt, plan=plan, now=now)
        if plan.action is not PlanAction.ADVANCE or debt.next_contact_at is None:
            return Outcome(planned=plan.action.value)
        if debt.next_contact_at > now:
            return Outcome(planned=plan.action.value)
    return last


def _due_again(outcome: Outcome, debt: Debt, now: datetime) -> bool:
    """A skipped step leaves the debt due now on its next step: its contact is reserved at
    once, not after a trip round the queue (a landline-only person's call waits for nothing)."""
    return outcome.step_skipped and debt.next_contact_at is not None and debt.next_contact_at <= now


@dataclass(frozen=True)
class _Ask:
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


def _contact(
    session: Session,
    *,
    debt: Debt,
    campaign: Campaign,
    plan: Plan,
    now: datetime,
    packs: RulePacks,
    limits_cache: LimitsCache,
    lanes: Lanes | None,
    lease_until: datetime | None = None,
) -> Outcome:
    """Reserve the planned contact: nothing while another contact with the person is in
    flight; the engine's choice of phone; every other due debt covered; the attempt written."""
    assert plan.step is not None
    step = plan.step
    agent = plan.callback and step.kind is StepKind.AGENT
    ask = _Ask(
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
    ask, waiting = _ready(session, ask)
    if waiting is not None:
        return waiting
    limits = _limits(session, campaign, debt, limits_cache)
    view = load_case_view(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        campaign_id=campaign.id,
        jurisdiction=debt.jurisdiction,
        at=now,
        limits=limits,
    )
    choice = choose_contact(
        view.facts,
        view.history,
        channel=ask.channel,
        at=now,
        debts=(debt_key(debt.id),),
        limits=limits,
        packs=packs,
        sms_capable=view.sms_capable,
        mode=ask.mode,
        callback=plan.callback,
    )
    if choice.phone is None or choice.decision is None or not choice.decision.allowed:
        valid = any(p.status is PhoneStatus.VALID for p in view.facts.phones)
        return _not_now(session, ask, choice, any_valid_number=valid)
    held = _held_back(session, ask, lanes, number=choice.phone.number)
    if held is not None:
        return held
    cover = Cover(debt, plan.step_index, choice.decision)
    # The callback is the call asked for about this debt, nothing more; any other call or
    # text (an agent step's too) covers every debt of the person due and allowed on it.
    if not plan.callback:
        proposed = ProposedContact(
            at=now, channel=ask.channel, to=choice.phone.number, mode=ask.mode
        )
        cover = cover_with_companions(
            session,
            cover,
            proposed,
            facts=view.facts,
            history=view.history,
            limits=limits,
            packs=packs,
            now=now,
            channel=ask.channel,
            lease_until=lease_until,
        )
    sender = caller_id(ask.definition.caller_ids, choice.phone.number)
    if lanes is not None and not lanes.take(ask.channel, sender=sender):
        return _defer(debt, ask.channel, now=now)
    phone_id = next(p.id for p in view.phones if p.e164 == choice.phone.number)
    outcome = _write_attempt(session, ask, cover, to=choice.phone.number, sender=sender,
                             phone_id=phone_id)  # fmt: skip
    if outcome.reservation is None:
        return outcome
    return replace(outcome, reservation=replace(outcome.reservation, paced=lanes is not None))


def _not_yet(session: Session, ask: _Ask) -> Outcome | None:
    """Nothing to ask the engine yet: an agent step has no free agent, or another contact
    with the person is in flight."""
    if ask.step.kind is StepKind.AGENT and agents.free_agents(session) == 0:
        return _wait_for_agent(ask.debt, now=ask.now)
    busy = contact_in_flight(session, ask.debt.consumer_id)
    if busy is not None:
        return _person_busy(ask.debt, now=ask.now, found=busy)
    return None


def _ready(session: Session, ask: _Ask) -> tuple[_Ask, Outcome | None]:
    """Why nothing can be asked yet (see _not_yet), or for a predictive step whether the pacer
    allows one more call now, and whether it goes without a reserved agent."""
    waiting = _not_yet(session, ask)
    if waiting is not None:
        return ask, waiting
    pacing = _paced(session, ask)
    if pacing is None:
        return ask, None
    if pacing.calls_to_place < 1:
        return ask, _wait_for_agent(ask.debt, now=ask.now, paced=pacing)
    return replace(ask, predictive=pacing.is_predictive), None


def _paced(session: Session, ask: _Ask) -> Pacing | None:
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


def _held_back(session: Session, ask: _Ask, lanes: Lanes | None, *, number: str) -> Outcome | None:
    """An allowed contact that must wait: its lane is full this tick, or a contact to the
    number is in flight. The lane is looked at only after the engine: a step the person can
    never take is skipped (and the next one tried) even while its lane is full, so work due on
    the other lanes is found instead of waiting behind it."""
    senders = possible_senders(ask.definition.caller_ids)
    if lanes is not None and lanes.closed(ask.channel, senders=senders):
        return _defer(ask.debt, ask.channel, now=ask.now)
    busy = number_in_flight(session, number)
    if busy is not None:
        return _person_busy(ask.debt, now=ask.now, found=busy)
    return None


def _not_now(session: Session, ask: _Ask, choice: Choice, *, any_valid_number: bool) -> Outcome:
    """A step whose channel can never be used for the person is skipped (not a callback);
    any other block parks the debt until the engine's next lawful time."""
    unusable = None
    if not ask.plan.callback:
        unusable = never_usable(choice, any_valid_number=any_valid_number)
    if unusable is not None:
        why = skip_step(
            ask.debt,
            definition=ask.definition,
            channel=ask.channel,
            reasons=unusable,
            now=ask.now,
            session=session,
        )
        return Outcome(planned=why, step_skipped=True)
    reasons = record_block(session, debt=ask.debt, channel=ask.channel, choice=choice, now=ask.now)
    return Outcome(blocked_reasons=reasons)


def _write_attempt(
    session: Session, ask: _Ask, cover: Cover, *, to: str, sender: str, phone_id: int
) -> Outcome:
    """The attempt, `reserved`, written against every debt it covers (an agent step's call
    first needs its agent: see _hold_for_agent)."""
    debt, step, callback = ask.debt, ask.step, ask.plan.callback
    attempt = ContactAttempt(
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        phone_id=phone_id,
        channel=ask.channel.value,
        direction=Direction.OUTBOUND.value,
        mode=ask.mode.value,
        origin=AttemptOrigin.DIALER.value,
        from_number=sender,
        to_number=to,
        campaign_id=ask.campaign.id,
        step_index=debt.step_index,
        status=AttemptStatus.RESERVED.value,
        attempted_at=ask.now,
        reserved_at=ask.now,
        updated_at=ask.now,
        decision=cover.decision.to_dict(),
        callback=callback,
        callback_at=debt.callback_at if callback else None,
        body=_sms_body(session, cover, step, sender, ask.definition) if step.template else None,
    )
    session.add(attempt)
    session.flush()
    if step.kind is StepKind.AGENT and not ask.predictive:
        held = _hold_for_agent(session, attempt, debt, step, now=ask.now)
        if held is not None:
            if held.planned == "preview":  # the attempt waits on the agent's desk
                record_cover(
                    session, cover, attempt, channel=ask.channel, now=ask.now, callback=callback
                )
                debt.last_decision = PREVIEW_WAITING
            return held
    record_cover(session, cover, attempt, channel=ask.channel, now=ask.now, callback=callback)
    return Outcome(
        reservation=Reservation(
            attempt_id=attempt.id,
            debt_id=debt.id,
            channel=ask.channel,
            to=to,
            from_=sender,
            step_kind=step.kind,
            reserved_at=ask.now,
            body=attempt.body,
            debt_ids=tuple(d.id for d in cover.debts),
        )
    )


def _limits(session: Session, campaign: Campaign, debt: Debt, cache: LimitsCache) -> AdminLimits:
    key = (campaign.id, debt.jurisdiction)
    limits = cache.get(key)
    if limits is None:
        limits = current_limits(session, campaign_id=campaign.id, state=debt.jurisdiction)
        cache[key] = limits
    return limits


def _person_busy(debt: Debt, *, now: datetime, found: InFlight) -> Outcome:
    """Another contact with the person (or to the number) is in flight: look again shortly
    (its end also makes the debts it covers due); "why not now" says which, as explain does."""
    reason = in_flight_reason(found)
    debt.last_decision = f"waiting: {reason.code.value}: {reason.message}"
    debt.next_contact_at = now + IN_FLIGHT_RECHECK
    debt.updated_at = now
    return Outcome(planned="person_in_flight", person_busy=reason.message)


AGENT_WAIT = timedelta(seconds=5)
PREVIEW_WAITING = "in preview on an agent's desk: the agent dials"


def _hold_for_agent(
    session: Session, attempt: ContactAttempt, debt: Debt, step: Step, *, now: datetime
) -> Outcome | None:
    """An agent step's call needs its agent first: None to place it now (progressive), else
    why nothing is placed (no free agent; or preview: the case waits on the agent's desk,
    written against every debt it covers by the caller)."""
    if not _reserve_agent(session, attempt, debt, now=now):
        return _wait_for_agent(debt, now=now)
    if step.dialing != "preview":
        return None
    return Outcome(planned="preview")  # nothing is placed: dialer.agents.preview does it


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


def _wait_for_agent(debt: Debt, *, now: datetime, paced: Pacing | None = None) -> Outcome:
    """Progressive dialing: no free agent, no call; the debt is due again shortly. Predictive:
    the calls in flight already match the free agents x the ratio in force."""
    debt.next_contact_at = now + AGENT_WAIT
    debt.last_decision = "waiting for a free agent (agent step: one call per free agent)"
    if paced is not None:
        debt.last_decision = (
            f"waiting for a free agent (predictive: ratio {paced.ratio:.2f} in force, "
            f"{paced.budget} more abandonments allowed under the limit)"
        )
    debt.updated_at = now
    return Outcome(planned="no free agent")


def _defer(debt: Debt, channel: Channel, *, now: datetime) -> Outcome:
    """The lane is saturated this tick: the debt is due again now, nothing was written."""
    debt.next_contact_at = now
    return Outcome(deferred=channel)


def _sms_body(
    session: Session, cover: Cover, step: Step, sender: str, definition: CampaignDefinition
) -> str:
    debt = cover.debts[0]
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
    lines = [DebtLine(d.creditor, Decimal(d.balance), d.currency) for d in cover.debts]
    return render_covering_sms(
        step.template or "", language=Language(consumer.language), context=context, debts=lines
    )
