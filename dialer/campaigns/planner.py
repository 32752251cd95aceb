"""The planner: given a debt's campaign step and its latest attempt, what happens next?

`decide` is pure (definition + counters + latest attempt + now); `plan_next_contact` reads the
latest attempt; `apply_plan` writes a non-contact plan (wait, advance, escalate, stop) back.
Re-planning is idempotent: the same history always gives the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import and_, select, union_all
from sqlalchemy.orm import Session

from dialer.campaigns.definition import CampaignDefinition, Step, StepKind, parse_duration
from dialer.cases.record import add_case_event
from dialer.db.models import AttemptDebt, Campaign, ContactAttempt, Debt, PromiseToPay
from dialer.vocabulary import (
    CONTACTABLE_STAGES,
    TERMINAL_STATUSES,
    AttemptOrigin,
    AttemptStatus,
    DebtStage,
    Outcome,
)

# A person who asked for an agent and got none is not moved on (to escalation): the step is
# tried again, at most this many extra times, after this delay (unless the step says otherwise).
ABANDONED_RETRY = timedelta(hours=4)
ABANDONED_EXTRA_ATTEMPTS = 3


class PlanAction(StrEnum):
    CONTACT = "contact"  # contact now, on `step`
    WAIT = "wait"  # nothing before `at`
    ADVANCE = "advance"  # move to `step_index` and contact from `at`
    IN_FLIGHT = "in_flight"  # an attempt is still running: the webhooks will re-plan
    ESCALATE = "escalate"  # hand over (agency or legal): automated contact stops
    DONE = "done"  # strategy finished
    STOP = "stop"  # the debt's stage no longer allows automated contact


@dataclass(frozen=True, slots=True)
class LatestAttempt:
    step_index: int | None
    status: str
    outcome: str | None
    ended_at: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    action: PlanAction
    step_index: int
    step: Step | None = None
    at: datetime | None = None
    why: str = ""
    callback: bool = False  # the call the consumer asked for, at the time they asked


# An attempt in flight is looked at again this often (its end also makes every debt it
# covered due at once: `callbacks.replanning`).
IN_FLIGHT_RECHECK = timedelta(minutes=1)


_STATUS_OUTCOME = {
    AttemptStatus.NOT_PLACED.value: "failed",
    AttemptStatus.BUSY.value: "busy",
    AttemptStatus.NO_ANSWER.value: "no_answer",
    AttemptStatus.FAILED.value: "failed",
    AttemptStatus.CANCELED.value: "canceled",
    AttemptStatus.UNDELIVERED.value: "undelivered",
    AttemptStatus.DELIVERED.value: "delivered",
}


def decide(  # noqa: PLR0911 - one return per plan, in the order they are decided
    *,
    definition: CampaignDefinition,
    stage: str,
    step_index: int,
    step_attempts: int,
    latest: LatestAttempt | None,
    now: datetime,
) -> Plan:
    """The next plan for a debt on `step_index` that has made `step_attempts` there."""
    if stage not in CONTACTABLE_STAGES:
        return Plan(PlanAction.STOP, step_index, why=f"stage {stage}")
    step = definition.step(step_index)
    if step is None:
        return Plan(PlanAction.DONE, step_index, why="strategy finished")
    if step.kind is StepKind.ESCALATE:
        return Plan(PlanAction.ESCALATE, step_index, step, now, why=f"to {step.escalate_to}")
    if latest is None or latest.step_index is None or latest.step_index < step_index:
        return _fresh_step(definition, step_index, step, latest, now)
    if latest.status not in TERMINAL_STATUSES:
        return Plan(PlanAction.IN_FLIGHT, step_index, step, why="attempt in flight")
    outcome = latest.outcome or _STATUS_OUTCOME.get(latest.status, latest.status)
    delay = step.retry_delay(outcome)
    allowed_attempts = step.max_attempts
    if outcome == Outcome.ABANDONED:  # our failure, not the consumer's: try the step again
        delay = delay or ABANDONED_RETRY
        allowed_attempts += ABANDONED_EXTRA_ATTEMPTS
    if delay is not None and step_attempts < allowed_attempts:
        return _at(
            PlanAction.CONTACT, step_index, step, at=latest.ended_at + delay, now=now, why=outcome
        )
    at = latest.ended_at + step.wait_before_next
    nxt = definition.step(step_index + 1)
    if nxt is None:
        return Plan(PlanAction.DONE, step_index, why=f"last step ended ({outcome})")
    return Plan(PlanAction.ADVANCE, step_index + 1, nxt, at, why=f"step ended ({outcome})")


def _fresh_step(
    definition: CampaignDefinition,
    step_index: int,
    step: Step,
    latest: LatestAttempt | None,
    now: datetime,
) -> Plan:
    if latest is None or latest.step_index is None:
        return Plan(PlanAction.CONTACT, step_index, step, now, why="first step")
    previous = definition.step(step_index - 1)
    start = latest.ended_at + (previous.wait_before_next if previous else step.wait_before_next)
    return _at(PlanAction.CONTACT, step_index, step, at=start, now=now, why="new step")


def _at(
    action: PlanAction, index: int, step: Step, *, at: datetime, now: datetime, why: str
) -> Plan:
    if at > now:
        return Plan(PlanAction.WAIT, index, step, at, why=why)
    return Plan(action, index, step, now, why=why)


def latest_attempt(session: Session, *, debt_id: int, campaign_id: int) -> LatestAttempt | None:
    """The debt's latest campaign attempt: one about it alone or one that covered it with other
    debts of the person (then the step is the debt's own step when the contact was made)."""
    covered = select(AttemptDebt.attempt_id).where(AttemptDebt.debt_id == debt_id)
    columns = (
        ContactAttempt.id,
        ContactAttempt.step_index,
        ContactAttempt.status,
        ContactAttempt.outcome,
        ContactAttempt.ended_at,
        ContactAttempt.updated_at,
        ContactAttempt.attempted_at,
    )
    campaign_attempt = (
        ContactAttempt.campaign_id == campaign_id,
        ContactAttempt.origin == AttemptOrigin.DIALER.value,
        # a released attempt (nothing was sent) is as if never made
        ~and_(
            ContactAttempt.status == AttemptStatus.NOT_PLACED.value,
            ContactAttempt.outcome.is_(None),
        ),
    )
    # Two indexed branches (the debt's own attempts; those that covered it), not one OR: an
    # OR here made PostgreSQL walk every attempt backwards by id (the tick grew with the table).
    found = union_all(
        select(*columns).where(ContactAttempt.debt_id == debt_id, *campaign_attempt),
        select(*columns).where(ContactAttempt.id.in_(covered), *campaign_attempt),
    ).subquery()
    row = session.execute(select(found).order_by(found.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    ended = row.ended_at or row.updated_at or row.attempted_at
    step_index = session.scalar(
        select(AttemptDebt.step_index).where(
            AttemptDebt.attempt_id == row.id, AttemptDebt.debt_id == debt_id
        )
    )
    return LatestAttempt(
        row.step_index if step_index is None else step_index, row.status, row.outcome, ended
    )


def plan_next_contact(session: Session, *, debt: Debt, now: datetime, campaign: Campaign) -> Plan:
    """What the debt's campaign should do next: an open promise to pay holds it until the
    promised date plus the campaign's grace (whatever webhook or replan asked); a callback the
    consumer asked for is that call at that time; else the step counters and latest attempt."""
    definition = CampaignDefinition.model_validate(campaign.definition)
    latest = latest_attempt(session, debt_id=debt.id, campaign_id=campaign.id)
    if debt.stage in CONTACTABLE_STAGES:
        held = _promise_hold(session, debt, definition, now)
        if held is not None:
            return held
        if debt.callback_at is not None and (latest is None or latest.status in TERMINAL_STATUSES):
            step = definition.callback_step(debt.step_index)
            when = debt.callback_at.isoformat().replace("+00:00", "Z")
            why = f"callback asked for {when}"
            if debt.callback_at > now:
                return Plan(PlanAction.WAIT, debt.step_index, step, debt.callback_at, why=why)
            return Plan(PlanAction.CONTACT, debt.step_index, step, now, why=why, callback=True)
    return decide(
        definition=definition,
        stage=debt.stage,
        step_index=debt.step_index,
        step_attempts=debt.step_attempts,
        latest=latest,
        now=now,
    )


def promise_resumes_at(due: date, definition: CampaignDefinition) -> datetime:
    """When an open promise stops holding contact: noon UTC the day after the promised date,
    plus the campaign's grace."""
    day_after = datetime.combine(due + timedelta(days=1), time(12), tzinfo=UTC)
    return day_after + parse_duration(definition.promise_grace)


def _promise_hold(
    session: Session, debt: Debt, definition: CampaignDefinition, now: datetime
) -> Plan | None:
    """WAIT while an open promise holds; an open promise past its date plus grace is broken
    (recorded once, with a timeline line) and the strategy resumes."""
    promises = session.scalars(
        select(PromiseToPay).where(PromiseToPay.debt_id == debt.id, PromiseToPay.status == "open")
    ).all()
    holds = [p for p in promises if promise_resumes_at(p.due_date, definition) > now]
    if holds:
        until = max(promise_resumes_at(p.due_date, definition) for p in holds)
        return Plan(PlanAction.WAIT, debt.step_index, at=until, why="promise to pay")
    for promise in promises:
        promise.status = "broken"
        _event(
            session,
            debt,
            now,
            "promise_broken",
            f"Promise to pay {promise.currency} {promise.amount} by {promise.due_date.isoformat()}"
            " not kept: the strategy resumes",
        )
    return None


def apply_plan(session: Session, *, debt: Debt, plan: Plan, now: datetime) -> None:
    """Write a plan that is not a contact: the debt's next moment, step, or stage."""
    debt.updated_at = now
    if plan.action is PlanAction.WAIT:
        debt.next_contact_at = plan.at
    elif plan.action is PlanAction.ADVANCE:
        debt.step_index, debt.step_attempts, debt.next_contact_at = plan.step_index, 0, plan.at
        _event(session, debt, now, "campaign_step", f"Next step {plan.step_index + 1}: {plan.why}")
    elif plan.action is PlanAction.ESCALATE:
        target = plan.step.escalate_to if plan.step else "agency"
        debt.stage = (
            DebtStage.ESCALATED_LEGAL if target == "legal" else DebtStage.ESCALATED_AGENCY
        ).value
        debt.next_contact_at = None
        _event(session, debt, now, "escalated", f"Escalated to {target}; automated contact stops")
    elif plan.action is PlanAction.IN_FLIGHT:
        debt.next_contact_at = now + IN_FLIGHT_RECHECK
    elif plan.action is not PlanAction.CONTACT:
        debt.next_contact_at = None


def _event(session: Session, debt: Debt, now: datetime, kind: str, summary: str) -> None:
    add_case_event(
        session,
        consumer_id=debt.consumer_id,
        debt_id=debt.id,
        at=now,
        kind=kind,
        summary=summary,
        detail={"step_index": debt.step_index, "campaign_id": debt.campaign_id},
    )
