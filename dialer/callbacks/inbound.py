"""Inbound SMS: stored on each consumer who owns the number, read for opt-out, opt-in, help."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dialer.callbacks.case import message_context
from dialer.callbacks.events import InboundSms
from dialer.callbacks.sms import add_opt_out
from dialer.case_record import add_case_event
from dialer.compliance import SmsIntent, read_inbound_sms
from dialer.db.models import Consumer, ContactAttempt, Debt, OptOut, Phone
from dialer.templates import render_reply
from dialer.vocabulary import (
    AttemptOrigin,
    AttemptStatus,
    Channel,
    Direction,
    Language,
    Outcome,
)

SOURCE = "sms"
_SUMMARIES = {
    SmsIntent.OPT_OUT: "Inbound SMS: opt-out ({channels})",
    SmsIntent.OPT_IN: "Inbound SMS: opt-in to text messages",
    SmsIntent.HELP: "Inbound SMS: help requested",
    SmsIntent.OTHER: "Inbound SMS for an agent to read",
}


@dataclass(frozen=True, slots=True)
class SmsReply:
    body: str
    language: Language


def _latest_debt(session: Session, consumer_id: int) -> Debt | None:
    return session.scalar(
        select(Debt)
        .where(Debt.consumer_id == consumer_id)
        .order_by(Debt.created_at.desc(), Debt.id.desc())
        .limit(1)
    )


def _store(
    session: Session, phone: Phone, debt: Debt | None, sms: InboundSms, now: datetime
) -> ContactAttempt:
    attempt = ContactAttempt(
        consumer_id=phone.consumer_id,
        debt_id=debt.id if debt else None,
        phone_id=phone.id,
        channel=Channel.SMS.value,
        direction=Direction.INBOUND.value,
        origin=AttemptOrigin.CONSUMER.value,
        status=AttemptStatus.RECEIVED.value,
        outcome=Outcome.RECEIVED.value,
        from_number=sms.from_number[:16],
        to_number=sms.to_number[:16] or None,
        external_key=f"inbound:{sms.message_sid}:{phone.consumer_id}"[:200],
        attempted_at=now,
        updated_at=now,
        body=sms.body,
    )
    session.add(attempt)
    session.flush()
    return attempt


def _revoke_sms_opt_outs(session: Session, phone_id: int, now: datetime) -> None:
    session.execute(
        update(OptOut)
        .where(
            OptOut.phone_id == phone_id, OptOut.channel == Channel.SMS, OptOut.revoked_at.is_(None)
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def handle_inbound_sms(session: Session, sms: InboundSms, *, now: datetime) -> SmsReply | None:
    """Record the message on every case the number belongs to; the reply to send, if any."""
    reading = read_inbound_sms(sms.body)
    phones = list(
        session.scalars(select(Phone).where(Phone.e164 == sms.from_number).order_by(Phone.id))
    )
    channels = sorted(channel.value for channel in reading.channels)
    first: tuple[Consumer, Debt | None] | None = None
    for phone in phones:
        debt = _latest_debt(session, phone.consumer_id)
        attempt = _store(session, phone, debt, sms, now)
        if reading.intent is SmsIntent.OPT_OUT:
            for channel in reading.channels:
                add_opt_out(
                    session,
                    phone_id=phone.id,
                    channel=channel,
                    source=SOURCE,
                    detail="inbound SMS",
                    now=now,
                )
        elif reading.intent is SmsIntent.OPT_IN:
            _revoke_sms_opt_outs(session, phone.id, now)
        add_case_event(
            session,
            consumer_id=phone.consumer_id,
            debt_id=attempt.debt_id,
            attempt_id=attempt.id,
            at=now,
            kind="inbound_sms",
            actor="consumer",
            summary=_SUMMARIES[reading.intent].format(channels=", ".join(channels)),
            detail={"intent": reading.intent.value, "channels": channels},
        )
        if first is None:
            consumer = session.get(Consumer, phone.consumer_id)
            if consumer is not None:
                first = (consumer, debt)
    if first is None:
        return None
    return _reply(session, reading.intent, set(reading.channels), first)


def _reply(
    session: Session, intent: SmsIntent, channels: set[Channel], case: tuple[Consumer, Debt | None]
) -> SmsReply | None:
    consumer, debt = case
    if intent is SmsIntent.OPT_OUT:
        kind = "opt_out_confirmation" if Channel.SMS in channels else "call_opt_out_confirmation"
    elif intent is SmsIntent.OPT_IN:
        kind = "opt_in_confirmation"
    elif intent is SmsIntent.HELP:
        kind = "help"
    else:
        return None
    language = Language(consumer.language)
    context = message_context(session, consumer=consumer, debt=debt, attempt=None)
    return SmsReply(render_reply(kind, language=language, context=context), language)
