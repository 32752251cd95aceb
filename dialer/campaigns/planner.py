"""The planner: given a debt's campaign step and its latest attempt, what happens next?

`decide` is pure (definition + counters + latest attempt + now); `plan_next_contact` reads the
latest attempt; `apply_plan` writes a non-contact plan (wait, advance, escalate, stop) back.
Re-planning is idempotent: the same history always gives the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from dialer.campaigns.definition import CampaignDefinition, Step, StepKind
from dialer.case_record import add_case_event
from dialer.db.models import Campaign, ContactAttempt, Debt
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
    row = session.execute(
        select(
            ContactAttempt.step_index,
            ContactAttempt.status,
            ContactAttempt.outcome,
            ContactAttempt.ended_at,
            ContactAttempt.updated_at,
            ContactAttempt.attempted_at,
        )
        .where(
            ContactAttempt.debt_id == debt_id,
            ContactAttempt.campaign_id == campaign_id,
            ContactAttempt.origin == AttemptOrigin.DIALER.value,
            # a released attempt (nothing was sent) is as if never made
            ~and_(
                ContactAttempt.status == AttemptStatus.NOT_PLACED.value,
                ContactAttempt.outcome.is_(None),
            ),
        )
        .order_by(ContactAttempt.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    ended = row.ended_at or row.updated_at or row.attempted_at
    return LatestAttempt(row.step_index, row.status, row.outcome, ended)


def plan_next_contact(session: Session, *, debt: Debt, now: datetime, campaign: Campaign) -> Plan:
    """What the debt's campaign should do next, from its step counters and latest attempt."""
    definition = CampaignDefinition.model_validate(campaign.definition)
    return decide(
        definition=definition,
        stage=debt.stage,
        step_index=debt.step_index,
        step_attempts=debt.step_attempts,
        latest=latest_attempt(session, debt_id=debt.id, campaign_id=campaign.id),
        now=now,
    )


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
