"""A consumer calls one of our caller IDs (the number's voice URL is /twilio/voice/answer, with
no attempt): identified by the calling number, a short menu in their language, then a free
agent (whisper and screen pop, as for a bridged call) or, with nobody free, a callback offer.

Nothing about a debt is said before someone confirms who they are: the menu names only the
business; the agent confirms identity on the call.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.agents.pool import free_agents
from dialer.callbacks.business_hours import inbound_hours
from dialer.callbacks.case import case_view
from dialer.callbacks.events import VoiceRequest
from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.cases.record import add_attempt_event
from dialer.db.models import Consumer, ContactAttempt, Debt, Phone
from dialer.vocabulary import (
    CONTACTABLE_STAGES,
    AttemptOrigin,
    AttemptStatus,
    Channel,
    ContactMode,
    Direction,
    Language,
)
from dialer.wording import MessageContext, VoicePrompt

INBOUND = "inbound"


def is_inbound(request: VoiceRequest) -> bool:
    return request.attempt_id is None and (request.direction or "").startswith(INBOUND)


def caller_phone(session: Session, number: str) -> Phone | None:
    """The phone on file for the calling number (the first consumer it belongs to)."""
    return session.scalars(
        select(Phone).where(Phone.e164 == number).order_by(Phone.consumer_id, Phone.id).limit(1)
    ).first()


def _open_debt(session: Session, consumer_id: int) -> Debt | None:
    """The debt the call is most likely about: an open one, the largest first."""
    return (
        session.scalars(
            select(Debt)
            .where(Debt.consumer_id == consumer_id, Debt.stage.in_(CONTACTABLE_STAGES))
            .order_by(Debt.balance.desc(), Debt.id)
            .limit(1)
        ).first()
        or session.scalars(
            select(Debt).where(Debt.consumer_id == consumer_id).order_by(Debt.id).limit(1)
        ).first()
    )


def answer_inbound(session: Session, request: VoiceRequest, *, now: datetime) -> VoiceStep:
    """Write the inbound call as an attempt (so every later callback finds it) and ask."""
    phone = caller_phone(session, request.from_number or "")
    if phone is None:
        return _unknown_caller()
    consumer = session.get(Consumer, phone.consumer_id)
    assert consumer is not None  # foreign key
    debt = _open_debt(session, consumer.id)
    attempt = ContactAttempt(
        consumer_id=consumer.id,
        debt_id=debt.id if debt else None,
        phone_id=phone.id,
        channel=Channel.CALL.value,
        direction=Direction.INBOUND.value,
        mode=ContactMode.AGENT.value,
        origin=AttemptOrigin.CONSUMER.value,
        from_number=phone.e164,
        to_number=request.to_number or "",
        campaign_id=debt.campaign_id if debt else None,
        status=AttemptStatus.IN_PROGRESS.value,
        provider_sid=request.call_sid or None,
        attempted_at=now,
        answered_at=now,
        updated_at=now,
    )
    session.add(attempt)
    session.flush()
    add_attempt_event(
        session,
        attempt,
        at=now,
        kind="inbound_call",
        summary="The consumer's number called us",
        detail={"to": attempt.to_number},
        actor="ivr",
    )
    return _first_step(session, attempt, now=now)


def _first_step(session: Session, attempt: ContactAttempt, *, now: datetime) -> VoiceStep:
    """Inside business hours with an agent free: the menu. Outside them: a message (their
    callback request). Nobody free: a time for a callback, or a message."""
    view = case_view(session, attempt)
    hours = inbound_hours(session, campaign_id=attempt.campaign_id, dialled=attempt.to_number or "")
    if not hours.is_open(now):
        add_attempt_event(
            session,
            attempt,
            at=now,
            kind="inbound_after_hours",
            summary=f"Called outside business hours ({' '.join(hours.days)} "
            f"{hours.start}-{hours.end} {hours.zone}, holidays excepted)",
            actor="ivr",
        )
        prompts = (VoicePrompt.INBOUND_CLOSED, VoicePrompt.LEAVE_MESSAGE)
        return VoiceStep(StepKind.RECORD, attempt.id, view.language, view.context, prompts)
    if free_agents(session) == 0:
        prompts = (VoicePrompt.INBOUND_BUSY, VoicePrompt.CALLBACK_WINDOWS)
        return VoiceStep(
            StepKind.ASK, attempt.id, view.language, view.context, prompts, stage=Stage.CALLBACK
        )
    return VoiceStep(
        StepKind.ASK,
        attempt.id,
        view.language,
        view.context,
        prompts=(VoicePrompt.INBOUND_MENU,),
        stage=Stage.INBOUND,
    )


def _unknown_caller() -> VoiceStep:
    """A number we do not have on file: who we are and how to reach us, nothing else."""
    context = MessageContext(
        first_name="",
        creditor="",
        balance=Decimal(0),
        currency="USD",
        callback_number="",
        company="",
    )
    return VoiceStep(
        StepKind.SAY_AND_HANG_UP,
        0,
        Language.EN,
        context,
        prompts=(VoicePrompt.UNKNOWN_CALLER,),
    )
