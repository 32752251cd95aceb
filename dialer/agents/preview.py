"""Preview dialing for agent steps: the worker puts a due case on a free agent's desk (the
attempt `reserved`, the agent reserved for it, nothing dialled); the agent reads the case and
the engine's answer, then calls or skips.

"Call now" asks the engine again at that moment (mode agent: the agent's phone rings first and
no prompt reaches the consumer), writes a fresh attempt with that decision and hands it to the
placer with `ring_first`. "Skip" withdraws the attempt (not a try) and frees the agent. A preview
left alone is released by the reconciler like any attempt reserved too long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dialer.agents.line import connected_room
from dialer.agents.manual_call import (
    ContactNotLawfulError,
    not_lawful_message,
    ready_phone,
    write_agent_call,
)
from dialer.cases.record import add_attempt_event
from dialer.compliance import RulePacks
from dialer.db.models import ContactAttempt, Debt, User
from dialer.dispatch.covering import Cover, agent_call_cover, covered_debts, record_agent_cover
from dialer.dispatch.person import lock_consumer
from dialer.dispatch.reserved import Contact, Reservation, agent_call
from dialer.dispatch.settle import release_attempt
from dialer.errors import InputError
from dialer.vocabulary import (
    AgentAvailability,
    AttemptOrigin,
    AttemptStatus,
    Channel,
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
    fresh, desk_agent = _copy(attempt), attempt.agent_id
    callback, callback_at = bool(attempt.callback), attempt.callback_at
    session.delete(attempt)  # the preview was a placeholder: it must not count in the check
    session.flush()
    asked = _Asked(callback=callback, callback_at=callback_at)
    cover = _cover_again(session, debt, fresh, previewed_debts, asked=asked, now=now, packs=packs)
    if not cover.decision.allowed:
        _free(agent, now)
        debt.next_contact_at = cover.decision.next_allowed_at
        raise ContactNotLawfulError(not_lawful_message(cover.decision, next_allowed=False))
    call = write_agent_call(
        session, fresh, origin=AttemptOrigin.DIALER, decision=cover.decision,
        agent_id=desk_agent, now=now, callback=callback, callback_at=callback_at,
    )  # fmt: skip
    record_agent_cover(session, cover, call)
    agent.current_attempt_id = call.id
    add_attempt_event(
        session,
        call,
        at=now,
        kind="preview_call",
        summary="Agent dialled the case from preview: the agent's phone rings first",
        actor=agent.username,
        detail={
            "decision": cover.decision.decision,
            "debts": [d.external_ref for d in cover.debts],
        },
    )
    debt_ids = tuple(d.id for d in cover.debts)
    if connected_room(agent) is not None:  # the agent waits in their line's room
        return agent_call(call, ring_first=None, debt_ids=debt_ids, into_room=True)
    return agent_call(call, ring_first=phone, debt_ids=debt_ids)


@dataclass(frozen=True, slots=True)
class _Asked:
    """Whether the previewed call is the consented callback, and for when it was asked."""

    callback: bool
    callback_at: datetime | None


def _cover_again(
    session: Session,
    debt: Debt,
    fresh: Contact,
    previewed_debts: list[Debt],
    *,
    asked: _Asked,
    now: datetime,
    packs: RulePacks,
) -> Cover:
    """The engine asked again for the preview's debts: each planned as before the preview,
    then counted for the call if still covered; a debt left out looks again (not a try)."""
    _count(previewed_debts, tries=-1, asked=asked)  # each debt planned as before the preview
    cover = agent_call_cover(
        session, debt=debt, to=fresh.to, now=now, packs=packs,
        candidates=previewed_debts, callback=asked.callback,
    )  # fmt: skip
    allowed = cover.decision.allowed
    _count(cover.debts if allowed else [], tries=1, asked=asked)
    for left_out in (d for d in previewed_debts if not allowed or d not in cover.debts):
        left_out.next_contact_at, left_out.updated_at = now, now  # looks again (not a try)
    return cover


def _count(debts: list[Debt], *, tries: int, asked: _Asked) -> None:
    """Take back (-1) or count (+1) the call as each debt's step try; for the consented
    callback, the asked-for call is pending again (-1) or placed (+1)."""
    for debt in debts:
        if asked.callback:
            debt.callback_at = (debt.callback_at or asked.callback_at) if tries < 0 else None
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


def _copy(attempt: ContactAttempt) -> Contact:
    """The previewed attempt's contact: the same number, sender, campaign and step."""
    return Contact(
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        phone_id=attempt.phone_id,
        to=attempt.to_number or "",
        sender=attempt.from_number or "",
        campaign_id=attempt.campaign_id,
        channel=Channel(attempt.channel),
        step_index=attempt.step_index,
    )


def _free(agent: User, now: datetime) -> None:
    agent.current_attempt_id = None
    agent.availability = AgentAvailability.AVAILABLE.value
    agent.availability_changed_at = now
