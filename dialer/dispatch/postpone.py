"""Why a reservation places nothing now, and when the debt is looked at again: another contact
with the person is in flight, the channel's lane is full this tick, or an agent step has no free
agent (or waits on an agent's desk in preview). Each writes only the debt's next look."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dialer.agents import pool as agents
from dialer.campaigns.definition import CallerIds, Step
from dialer.campaigns.planner import IN_FLIGHT_RECHECK
from dialer.cases.decisions import in_flight_reason
from dialer.db.models import Consumer, ContactAttempt, Debt
from dialer.dispatch.lanes import Lanes, possible_senders
from dialer.dispatch.person import InFlight, number_in_flight
from dialer.dispatch.reserved import Outcome
from dialer.predictive.pacing import Pacing
from dialer.vocabulary import Channel, Language


def person_busy(debt: Debt, *, now: datetime, found: InFlight) -> Outcome:
    """Another contact with the person (or to the number) is in flight: look again shortly
    (its end also makes the debts it covers due); "why not now" says which, as explain does."""
    reason = in_flight_reason(found)
    debt.last_decision = f"waiting: {reason.code.value}: {reason.message}"
    debt.next_contact_at = now + IN_FLIGHT_RECHECK
    debt.updated_at = now
    return Outcome(planned="person_in_flight", person_busy=reason.message)


AGENT_WAIT = timedelta(seconds=5)
PREVIEW_WAITING = "in preview on an agent's desk: the agent dials"


def hold_for_agent(
    session: Session, attempt: ContactAttempt, debt: Debt, step: Step, *, now: datetime
) -> Outcome | None:
    """An agent step's call needs its agent first: None to place it now (progressive), else
    why nothing is placed (no free agent; or preview: the case waits on the agent's desk,
    written against every debt it covers by the caller)."""
    if not _reserve_agent(session, attempt, debt, now=now):
        return wait_for_agent(debt, now=now)
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


def wait_for_agent(debt: Debt, *, now: datetime, paced: Pacing | None = None) -> Outcome:
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


def defer(debt: Debt, channel: Channel, *, now: datetime) -> Outcome:
    """The lane is saturated this tick: the debt is due again now, nothing was written."""
    debt.next_contact_at = now
    return Outcome(deferred=channel)


def held_back(
    session: Session,
    debt: Debt,
    channel: Channel,
    caller_ids: CallerIds,
    lanes: Lanes | None,
    *,
    to: str,
    now: datetime,
) -> Outcome | None:
    """An allowed contact that must wait: its lane is full this tick, or a contact to the
    number is in flight. The lane is looked at only after the engine: a step the person can
    never take is skipped (and the next one tried) even while its lane is full, so work due on
    the other lanes is found instead of waiting behind it."""
    if lanes is not None and lanes.closed(channel, senders=possible_senders(caller_ids)):
        return defer(debt, channel, now=now)
    busy = number_in_flight(session, to)
    if busy is not None:
        return person_busy(debt, now=now, found=busy)
    return None
