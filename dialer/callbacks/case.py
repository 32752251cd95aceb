"""Loading the case around an attempt: the attempt (locked), consumer, debt and phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.callbacks.revival import revive
from dialer.db.models import Campaign, Consumer, ContactAttempt, Debt, Phone
from dialer.errors import InputError, NotFoundError
from dialer.ledger.store import locked_attempt
from dialer.vocabulary import Language
from dialer.wording import MessageContext

DEFAULT_COMPANY = "Dialer Recovery Services"
DEFAULT_CALLBACK_NUMBER = "+18005550100"


def load_attempt(
    session: Session,
    *,
    attempt_id: int | None,
    sid: str | None,
    bind_sid: bool = True,
    now: datetime | None = None,
) -> ContactAttempt:
    """The attempt a callback is about, locked FOR NO KEY UPDATE.

    Usually the ledger locked it already, before storing the event (`lock_attempt`: the
    attempt row is always the first lock a callback takes); then no query is needed.

    The attempt id in the URL finds it even before the SID was stored; then the SID is
    bound to it. A SID that disagrees with the attempt's is refused. With `now`, an attempt
    we had released as never sent is revived (the provider's callback proves it was).
    """
    attempt = locked_attempt(session, attempt_id)
    if attempt is None and attempt_id is not None:
        attempt = session.get(ContactAttempt, attempt_id, with_for_update={"key_share": True})
    elif attempt is None and sid:
        attempt = session.scalar(
            select(ContactAttempt)
            .where(ContactAttempt.provider_sid == sid)
            .with_for_update(key_share=True)
        )
    if attempt is None:
        msg = f"no attempt for callback (attempt={attempt_id})"
        raise NotFoundError(msg)
    if bind_sid and sid:
        if attempt.provider_sid is None:
            attempt.provider_sid = sid
        elif attempt.provider_sid != sid:
            msg = f"callback SID does not match attempt {attempt.id}"
            raise InputError(msg)
    if now is not None:
        revive(session, attempt, now=now)  # the provider has it: released -> dialing
    return attempt


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the IVR needs to speak to the consumer in their language."""

    attempt: ContactAttempt
    consumer: Consumer
    debt: Debt | None
    phone: Phone | None
    language: Language
    context: MessageContext


def _definition(session: Session, campaign_id: int | None) -> dict[str, Any]:
    if campaign_id is None:
        return {}
    campaign = session.get(Campaign, campaign_id)
    return dict(campaign.definition or {}) if campaign else {}


def message_context(
    session: Session, *, consumer: Consumer, debt: Debt | None, attempt: ContactAttempt | None
) -> MessageContext:
    """The message values: the debt's facts plus the campaign's company and call-back number."""
    definition = _definition(session, debt.campaign_id if debt else None)
    callback = definition.get("callback_number") or (attempt.from_number if attempt else None)
    extras = {
        key: str(definition[key])
        for key in ("voicemail_business", "caller_name")
        if definition.get(key)
    }
    return MessageContext(
        first_name=consumer.first_name,
        creditor=debt.creditor if debt else "",
        balance=debt.balance if debt else 0,  # type: ignore[arg-type]
        currency=debt.currency if debt else "USD",
        callback_number=str(callback or DEFAULT_CALLBACK_NUMBER),
        company=str(definition.get("company") or DEFAULT_COMPANY),
        **extras,
    )


def case_view(session: Session, attempt: ContactAttempt) -> CaseView:
    consumer = session.get(Consumer, attempt.consumer_id)
    if consumer is None:  # pragma: no cover - foreign key
        msg = f"attempt {attempt.id} has no consumer"
        raise NotFoundError(msg)
    debt = session.get(Debt, attempt.debt_id) if attempt.debt_id else None
    phone = session.get(Phone, attempt.phone_id) if attempt.phone_id else None
    return CaseView(
        attempt=attempt,
        consumer=consumer,
        debt=debt,
        phone=phone,
        language=Language(consumer.language),
        context=message_context(session, consumer=consumer, debt=debt, attempt=attempt),
    )


def voicemail_audio_url(session: Session, view: CaseView) -> str | None:
    """The campaign's recorded limited-content message, if it has one."""
    definition = _definition(session, view.debt.campaign_id if view.debt else None)
    url = definition.get("voicemail_audio_url")
    return str(url) if url else None
