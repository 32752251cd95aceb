"""What the provider has for an attempt, and applying it as its webhook would have: the
reconciler's look-up (the same as after an ambiguous create) and the status it fetched."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.attempts import is_terminal
from dialer.callbacks.calls import apply_call_status_event
from dialer.callbacks.events import CallStatusEvent, SmsStatusEvent
from dialer.callbacks.sms import apply_sms_status_event
from dialer.db.models import ContactAttempt
from dialer.telephony import Telephony, recover_ambiguous_call, recover_ambiguous_message
from dialer.telephony.ports import ProviderCall, ProviderMessage
from dialer.vocabulary import AttemptStatus, Channel


def provider_record(
    session: Session, telephony: Telephony, attempt: ContactAttempt
) -> ProviderCall | ProviderMessage | None:
    """The provider's record for this attempt: the oldest match no other attempt owns (the
    same look-up as after an ambiguous create, with the SIDs owned read in this session)."""

    def owned(sids: list[str]) -> set[str]:
        query = select(ContactAttempt.provider_sid).where(ContactAttempt.provider_sid.in_(sids))
        return {sid for sid in session.scalars(query) if sid is not None}

    reserved_at = attempt.reserved_at or attempt.attempted_at
    to, from_ = attempt.to_number or "", attempt.from_number or ""
    if attempt.channel == Channel.SMS.value:
        return recover_ambiguous_message(
            telephony, to=to, from_=from_, reserved_at=reserved_at, owned=owned
        )
    return recover_ambiguous_call(
        telephony, to=to, from_=from_, reserved_at=reserved_at, owned=owned
    )


def apply_fetched(
    session: Session,
    attempt: ContactAttempt,
    item: ProviderCall | ProviderMessage,
    *,
    now: datetime,
) -> bool:
    """Apply the provider's status as its webhook would have; True when it made the attempt
    final (the status machines write the timeline line, replan the debt and count it)."""
    was_final = is_terminal(AttemptStatus(attempt.status))
    if isinstance(item, ProviderCall):
        apply_call_status_event(
            session,
            CallStatusEvent(
                attempt_id=attempt.id,
                call_sid=item.sid,
                status=item.status,
                duration=item.duration,
                error_code=item.error_code,
                answered_by=item.answered_by,
                timestamp=item.end_time,
            ),
            now=now,
        )
    else:
        apply_sms_status_event(
            session,
            SmsStatusEvent(
                attempt_id=attempt.id,
                message_sid=item.sid,
                status=item.status,
                error_code=item.error_code,
            ),
            now=now,
        )
    session.flush()
    return is_terminal(AttemptStatus(attempt.status)) and not was_final
