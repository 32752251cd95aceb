"""Reserve before dialing: one transaction per consumer that re-checks everything.

Lock the consumer, re-read the claimed debt, ask the planner what is next, load the facts and
the committed history, and evaluate. Allowed: the attempt is written as `reserved` (with the
decision) and the debt leaves the queue. Blocked: the decision is recorded and the debt
waits until the engine's next_allowed_at (or for ever, when the block is permanent).
With a tick's `lanes`, the pacing slot is taken here, before the attempt is written: when the
channel's lane has no slot the debt goes back to the queue with no attempt at all (deferred).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from dialer.admin.contact_limits import current_limits
from dialer.campaigns.definition import StepKind
from dialer.campaigns.planner import Plan, PlanAction, apply_plan, plan_next_contact
from dialer.cases.decisions import CaseView, load_debt_view
from dialer.cases.facts import debt_key
from dialer.compliance import AdminLimits, ProposedContact, RulePacks
from dialer.db.models import Campaign, ContactAttempt, Debt, User
from dialer.dispatch.blocks import record_block
from dialer.dispatch.choose import Choice, caller_id, choose_contact
from dialer.dispatch.claim import Claim
from dialer.dispatch.covering import Cover, cover_with_companions, covering_sms, record_cover
from dialer.dispatch.lanes import Lanes
from dialer.dispatch.person import lock_consumer
from dialer.dispatch.postpone import (
    PREVIEW_WAITING,
    defer,
    held_back,
    hold_for_agent,
)
from dialer.dispatch.question import Ask, ask_for, ready
from dialer.dispatch.reserved import Contact, Outcome, Reservation, agent_call, reserved_attempt
from dialer.dispatch.skip import never_usable, skip_step
from dialer.vocabulary import (
    AttemptOrigin,
    CampaignStatus,
    PhoneStatus,
)

_MAX_REPLANS = 6  # plans in one reservation: steps skipped or advanced, then the contact


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
    ask = ask_for(debt, campaign, plan, now=now, lease_until=lease_until)
    ask, waiting = ready(session, ask)
    if waiting is not None:
        return waiting
    limits = _limits(session, campaign, debt, limits_cache)
    view = load_debt_view(session, debt, at=now, limits=limits)
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
    to = choice.phone.number
    held = held_back(session, debt, ask.channel, ask.definition.caller_ids, lanes, to=to, now=now)
    if held is not None:
        return held
    cover = Cover(debt, plan.step_index, choice.decision)
    cover = _cover(session, ask, cover, to=to, view=view, packs=packs)
    sender = caller_id(ask.definition.caller_ids, to)
    if lanes is not None and not lanes.take(ask.channel, sender=sender):
        return defer(debt, ask.channel, now=now)
    phone_id = next(p.id for p in view.phones if p.e164 == to)
    outcome = _write_attempt(session, ask, cover, to=to, sender=sender, phone_id=phone_id)
    if outcome.reservation is None:
        return outcome
    return replace(outcome, reservation=replace(outcome.reservation, paced=lanes is not None))


def _cover(
    session: Session, ask: Ask, cover: Cover, *, to: str, view: CaseView, packs: RulePacks
) -> Cover:
    """Every other due debt of the person the contact may also be about. The callback is the
    call asked for about this debt, nothing more; any other call or text (an agent step's
    too) covers every debt of the person due and allowed on it."""
    if ask.plan.callback:
        return cover
    proposed = ProposedContact(at=ask.now, channel=ask.channel, to=to, mode=ask.mode)
    return cover_with_companions(
        session, cover, proposed, view=view, packs=packs, now=ask.now, lease_until=ask.lease_until
    )


def _not_now(session: Session, ask: Ask, choice: Choice, *, any_valid_number: bool) -> Outcome:
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
    session: Session, ask: Ask, cover: Cover, *, to: str, sender: str, phone_id: int
) -> Outcome:
    """The attempt, `reserved`, written against every debt it covers (an agent step's call
    first needs its agent: see postpone.hold_for_agent)."""
    debt, step, callback = ask.debt, ask.step, ask.plan.callback
    contact = Contact(
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        phone_id=phone_id,
        to=to,
        sender=sender,
        campaign_id=ask.campaign.id,
        channel=ask.channel,
        step_index=debt.step_index,
    )
    attempt = reserved_attempt(
        contact,
        mode=ask.mode,
        origin=AttemptOrigin.DIALER,
        now=ask.now,
        decision=cover.decision.to_dict(),
        callback=callback,
        callback_at=debt.callback_at if callback else None,
        body=covering_sms(session, cover, step, sender, ask.definition) if step.template else None,
    )
    session.add(attempt)
    session.flush()
    if step.kind is StepKind.AGENT and not ask.predictive:
        held = hold_for_agent(session, attempt, debt, step, now=ask.now)
        if held is not None:
            if held.planned == "preview":  # the attempt waits on the agent's desk
                record_cover(
                    session, cover, attempt, channel=ask.channel, now=ask.now, callback=callback
                )
                debt.last_decision = PREVIEW_WAITING
            return held
    record_cover(session, cover, attempt, channel=ask.channel, now=ask.now, callback=callback)
    debt_ids = tuple(d.id for d in cover.debts)
    if callback and step.kind is StepKind.AGENT:
        return Outcome(reservation=_callback_rings_agent_first(session, attempt, debt_ids))
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
            debt_ids=debt_ids,
        )
    )


def _callback_rings_agent_first(
    session: Session, attempt: ContactAttempt, debt_ids: tuple[int, ...]
) -> Reservation:
    """The call the consumer asked for rings its reserved agent's phone first, as a manual
    call does; the answer TwiML of the agent's leg dials the consumer (no prompt to them)."""
    agent = session.get(User, attempt.agent_id)
    phone = agent.phone_e164 if agent is not None else None
    assert phone is not None  # reserve_agent takes only agents with a phone
    return agent_call(attempt, ring_first=phone, debt_ids=debt_ids)


def _limits(session: Session, campaign: Campaign, debt: Debt, cache: LimitsCache) -> AdminLimits:
    key = (campaign.id, debt.jurisdiction)
    limits = cache.get(key)
    if limits is None:
        limits = current_limits(session, campaign_id=campaign.id, state=debt.jurisdiction)
        cache[key] = limits
    return limits
