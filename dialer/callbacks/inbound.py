"""Inbound SMS: stored on each consumer who owns the number and acted on.

An opt-out (of texts, calls or both, as the consumer wrote it), an opt-in, a wrong-number
report and "not my debt" are applied at once and follow the number (`dialer.suppression.numbers`);
anything but a bare keyword also lands in the agents' inbox (`dialer.agents.inbox`), with what the
dialer already did about it. A number on nobody's file still gets its suppression entry and its
inbox line, so a later import of that number is not contacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.agents.inbox import add_to_inbox, stored_body
from dialer.callbacks.case import message_context
from dialer.callbacks.disputes import dispute_debt
from dialer.callbacks.events import InboundSms
from dialer.cases.record import add_case_event
from dialer.compliance import SmsIntent, SmsReading, read_inbound_sms
from dialer.db.models import Consumer, ContactAttempt, Debt, Phone
from dialer.suppression.numbers import (
    add_opt_out,
    mark_wrong_number,
    opt_in_to_texts,
    suppress_number,
)
from dialer.vocabulary import (
    AttemptOrigin,
    AttemptStatus,
    Channel,
    Direction,
    Language,
    Outcome,
    SuppressionKind,
    SuppressionScope,
)
from dialer.wording import render_reply

SOURCE = "sms"
_SUMMARIES = {
    SmsIntent.OPT_OUT: "Inbound SMS: opt-out ({channels})",
    SmsIntent.OPT_IN: "Inbound SMS: opt-in to text messages",
    SmsIntent.HELP: "Inbound SMS: help requested",
    SmsIntent.WRONG_NUMBER: "Inbound SMS: wrong number, the number is no longer contacted",
    SmsIntent.DISPUTE: "Inbound SMS: the consumer says this is not their debt",
    SmsIntent.OTHER: "Inbound SMS for an agent to read",
}
_WRONG_NUMBER_REASON = "SMS: the person at this number says it is the wrong number"


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


def _debt_written_about(session: Session, phone: Phone) -> Debt | None:
    """The debt of the last outbound contact with this phone (what the reply answers)."""
    debt_id = session.scalar(
        select(ContactAttempt.debt_id)
        .where(
            ContactAttempt.phone_id == phone.id,
            ContactAttempt.direction == Direction.OUTBOUND.value,
            ContactAttempt.debt_id.is_not(None),
        )
        .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        .limit(1)
    )
    return session.get(Debt, debt_id) if debt_id is not None else None


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
        body=stored_body(sms.body),
    )
    session.add(attempt)
    session.flush()
    return attempt


def _apply_to_phone(
    session: Session, reading: SmsReading, phone: Phone, attempt: ContactAttempt, now: datetime
) -> list[str]:
    """Act on what the text says for this phone's consumer; what was done, in words."""
    done: list[str] = []
    if reading.intent is SmsIntent.OPT_OUT:
        for channel in sorted(reading.channels):
            add_opt_out(
                session, phone_id=phone.id, channel=channel, source=SOURCE,
                detail="inbound SMS", now=now,
            )  # fmt: skip
        done.append("opted out of " + " and ".join(sorted(c.value for c in reading.channels)))
    elif reading.intent is SmsIntent.OPT_IN:
        opt_in_to_texts(session, phone.e164, phone_ids=[phone.id], source=SOURCE, now=now)
        done.append("opted in to texts")
    if reading.wrong_number:
        mark_wrong_number(session, phone, source=SOURCE, reason=_WRONG_NUMBER_REASON, now=now)
        done.append("number marked wrong (not the consumer's) until an agent restores it")
    if reading.dispute:
        debt = _debt_written_about(session, phone) or (
            session.get(Debt, attempt.debt_id) if attempt.debt_id else None
        )
        dispute_debt(
            session, consumer_id=phone.consumer_id, debt=debt, source=SOURCE,
            detail={"attempt_id": attempt.id}, now=now,
        )  # fmt: skip
        done.append(f"dispute recorded on debt {debt.id}" if debt else "dispute recorded")
    return done


def _follow_number(session: Session, reading: SmsReading, number: str, now: datetime) -> None:
    """A number on nobody's file: its entry on the suppression list, for later imports."""
    if reading.intent is SmsIntent.OPT_OUT:
        for channel in sorted(reading.channels):
            suppress_number(
                session, number, kind=SuppressionKind.OPT_OUT,
                scope=SuppressionScope(channel.value), source=SOURCE,
                reason="inbound SMS from a number on no file", actor=SOURCE, now=now,
            )  # fmt: skip
    elif reading.intent is SmsIntent.OPT_IN:
        opt_in_to_texts(session, number, phone_ids=[], source=SOURCE, now=now)
    if reading.wrong_number:
        suppress_number(
            session, number, kind=SuppressionKind.WRONG_NUMBER, scope=SuppressionScope.ALL,
            source=SOURCE, reason=_WRONG_NUMBER_REASON, actor=SOURCE, now=now,
        )  # fmt: skip


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
        done = _apply_to_phone(session, reading, phone, attempt, now)
        add_case_event(
            session,
            consumer_id=phone.consumer_id,
            debt_id=attempt.debt_id,
            attempt_id=attempt.id,
            at=now,
            kind="inbound_sms",
            actor="consumer",
            summary=_SUMMARIES[reading.intent].format(channels=", ".join(channels)),
            detail={"intent": reading.intent.value, "channels": channels, "done": done},
        )
        if not reading.handled_automatically:
            add_to_inbox(session, sms, reading, consumer_id=phone.consumer_id, attempt=attempt,
                         done=done, now=now)  # fmt: skip
        if first is None:
            consumer = session.get(Consumer, phone.consumer_id)
            if consumer is not None:
                first = (consumer, debt)
    if not phones:
        _follow_number(session, reading, sms.from_number, now)
        if not reading.handled_automatically:
            add_to_inbox(session, sms, reading, consumer_id=None, attempt=None,
                         done=["the number is on no consumer's file"], now=now)  # fmt: skip
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
