"""Preview dialing for agent steps: the worker puts a due case on a free agent's desk (the
attempt `reserved`, the agent reserved for it, nothing dialled); the agent reads the case and
the engine's answer, then calls or skips.

"Call now" asks the engine again at that moment (mode agent: the agent's phone rings first and
no prompt reaches the consumer), writes a fresh attempt with that decision and hands it to the
placer with `ring_first`. "Skip" withdraws the attempt (not a try) and frees the agent. A preview
left alone is released by the reconciler like any attempt reserved too long.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dialer.agents.manual_call import ContactNotLawfulError, ready_phone
from dialer.campaigns.definition import StepKind
from dialer.cases.record import add_case_event
from dialer.compliance import RulePacks
from dialer.db.models import ContactAttempt, Debt, User
from dialer.dispatch.covering import agent_call_cover, covered_debts, record_agent_cover
from dialer.dispatch.place import release_attempt
from dialer.dispatch.reserve import Reservation, lock_consumer
from dialer.errors import InputError
from dialer.vocabulary import (
    AgentAvailability,
    AttemptOrigin,
    AttemptStatus,
    Channel,
    ContactMode,
)

SKIPPED_FOR = timedelta(minutes=30)  # a skipped case is offered again after this


def previewed(session: Session, agent: User) -> ContactAttempt | None:
    """The case waiting on this agent's desk, if any."""
    if agent.current_attempt_id is None:
        return None
    attempt = session.get(ContactAttempt, agent.current_attempt_id, with_for_update=True)
    if (
        attempt is None
        or attempt.status != AttemptStatus.RESERVED.value
        or attempt.origin != AttemptOrigin.DIALER.value
    ):
        return None
    return attempt


def _waiting(session: Session, agent_id: int) -> tuple[User, ContactAttempt, Debt]:
    agent = session.get(User, agent_id, with_for_update=True)
    if agent is None:
        raise InputError(f"no user with id {agent_id}")
    attempt = previewed(session, agent)
    debt = session.get(Debt, attempt.debt_id) if attempt and attempt.debt_id else None
    if attempt is None or debt is None:
        raise InputError("there is no case in preview on your desk")
    return agent, attempt, debt


def call_previewed(
    session: Session, *, agent_id: int, now: datetime, packs: RulePacks
) -> Reservation:
    """The agent dials the case in preview: checked again now (with every debt the preview
    covered that is still allowed), then a fresh attempt written against each of them."""
    agent, attempt, debt = _waiting(session, agent_id)
    phone = ready_phone(agent)
    lock_consumer(session, debt.consumer_id)
    previewed_debts = covered_debts(session, attempt.id) or [debt]
    fresh = _copy(attempt, now=now)
    session.delete(attempt)  # the preview was a placeholder: it must not count in the check
    session.flush()
    _count(previewed_debts, tries=-1, attempt=fresh)  # each debt planned as before the preview
    cover = agent_call_cover(
        session, debt=debt, to=fresh.to_number or "", now=now, packs=packs,
        candidates=previewed_debts, callback=bool(fresh.callback),
    )  # fmt: skip
    allowed = cover.decision.allowed
    _count(cover.debts if allowed else [], tries=1, attempt=fresh)
    for left_out in (d for d in previewed_debts if not allowed or d not in cover.debts):
        left_out.next_contact_at, left_out.updated_at = now, now  # looks again (not a try)
    if not allowed:
        _free(agent, now)
        debt.next_contact_at = cover.decision.next_allowed_at
        why = "; ".join(reason.message for reason in cover.decision.reasons)
        raise ContactNotLawfulError(f"not lawful now: {why}.")
    fresh.decision = cover.decision.to_dict()
    session.add(fresh)
    session.flush()
    record_agent_cover(session, cover, fresh)
    agent.current_attempt_id = fresh.id
    add_case_event(
        session,
        consumer_id=fresh.consumer_id,
        debt_id=debt.id,
        attempt_id=fresh.id,
        at=now,
        kind="preview_call",
        summary="Agent dialled the case from preview: the agent's phone rings first",
        actor=agent.username,
        detail={
            "decision": cover.decision.decision,
            "debts": [d.external_ref for d in cover.debts],
        },
    )
    return Reservation(
        attempt_id=fresh.id,
        debt_id=debt.id,
        channel=Channel.CALL,
        to=fresh.to_number or "",
        from_=fresh.from_number or "",
        step_kind=StepKind.AGENT,
        reserved_at=now,
        ring_first=phone,
        debt_ids=tuple(d.id for d in cover.debts),
    )


def _count(debts: list[Debt], *, tries: int, attempt: ContactAttempt) -> None:
    """Take back (-1) or count (+1) the call as each debt's step try; for the consented
    callback, the asked-for call is pending again (-1) or placed (+1)."""
    for debt in debts:
        if attempt.callback:
            debt.callback_at = (debt.callback_at or attempt.callback_at) if tries < 0 else None
        else:
            debt.step_attempts = max(0, debt.step_attempts + tries)


def skip_previewed(session: Session, *, agent_id: int, now: datetime) -> None:
    """The agent passes on the case: nothing was sent; it is offered again later."""
    agent, attempt, debt = _waiting(session, agent_id)
    release_attempt(
        session, attempt.id, now=now, retry_at=now + SKIPPED_FOR, error="skipped in preview"
    )
    debt.last_decision = f"skipped in preview by {agent.username}"
    _free(agent, now)


def _copy(attempt: ContactAttempt, *, now: datetime) -> ContactAttempt:
    return ContactAttempt(
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        phone_id=attempt.phone_id,
        channel=attempt.channel,
        direction=attempt.direction,
        mode=ContactMode.AGENT.value,
        origin=AttemptOrigin.DIALER.value,
        from_number=attempt.from_number,
        to_number=attempt.to_number,
        campaign_id=attempt.campaign_id,
        step_index=attempt.step_index,
        status=AttemptStatus.RESERVED.value,
        attempted_at=now,
        reserved_at=now,
        updated_at=now,
        agent_id=attempt.agent_id,
        callback=attempt.callback,
        callback_at=attempt.callback_at,
    )


def _free(agent: User, now: datetime) -> None:
    agent.current_attempt_id = None
    agent.availability = AgentAvailability.AVAILABLE.value
    agent.availability_changed_at = now
