"""SMS status callbacks: the attempt's status, delivery errors on the number, opt-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dialer.attempts import apply_sms_status, is_terminal, sms_outcome
from dialer.callbacks.case import load_attempt
from dialer.callbacks.events import SmsStatusEvent
from dialer.callbacks.replanning import mark_covered_debts_for_replanning
from dialer.cases.record import add_case_event
from dialer.db.models import ContactAttempt, Phone
from dialer.observability import metrics
from dialer.suppression.numbers import add_opt_out
from dialer.vocabulary import AttemptStatus, Channel, PhoneStatus

UNREACHABLE, UNKNOWN_HANDSET, LANDLINE, FILTERED = 30003, 30005, 30006, 30007
UNSUBSCRIBED = 21610


def _timeline(
    session: Session,
    attempt: ContactAttempt,
    *,
    kind: str,
    summary: str,
    now: datetime,
    detail: dict[str, object],
) -> None:
    add_case_event(
        session,
        consumer_id=attempt.consumer_id,
        debt_id=attempt.debt_id,
        attempt_id=attempt.id,
        at=now,
        kind=kind,
        summary=summary,
        detail=detail,
    )


def _delivery_error(session: Session, attempt: ContactAttempt, code: int, now: datetime) -> None:
    """What a carrier error says about the number."""
    phone = session.get(Phone, attempt.phone_id) if attempt.phone_id else None
    detail: dict[str, object] = {"error_code": code}
    if phone is not None and code == UNKNOWN_HANDSET:
        phone.status = PhoneStatus.INVALID.value
        phone.status_reason = "SMS error 30005: unknown destination handset"
    elif phone is not None and code in {UNREACHABLE, LANDLINE}:
        phone.sms_capable = False
        phone.status_reason = f"SMS error {code}: cannot receive text messages"
    elif phone is not None and code == UNSUBSCRIBED:
        add_opt_out(
            session,
            phone_id=phone.id,
            channel=Channel.SMS,
            source="carrier",
            detail="Twilio 21610: the handset replied STOP",
            now=now,
        )
    if code == FILTERED:
        _timeline(
            session,
            attempt,
            kind="sms_filtered",
            now=now,
            detail=detail,
            summary="SMS filtered by the carrier (30007)",
        )


def apply_sms_status_event(
    session: Session, event: SmsStatusEvent, *, now: datetime
) -> ContactAttempt:
    attempt = load_attempt(session, attempt_id=event.attempt_id, sid=event.message_sid, now=now)
    before = AttemptStatus(attempt.status)
    after = apply_sms_status(before, event.status)
    attempt.status = after.value
    outcome = sms_outcome(after)
    if outcome is not None:
        attempt.outcome = outcome.value
    attempt.updated_at = now
    if event.error_code is not None and attempt.error_code is None:
        attempt.error_code = event.error_code
        _delivery_error(session, attempt, event.error_code, now)
    if is_terminal(after) and not is_terminal(before):
        attempt.ended_at = now
        _timeline(
            session,
            attempt,
            kind=f"sms_{after.value}",
            now=now,
            summary=f"SMS {after.value}",
            detail={"error_code": attempt.error_code},
        )
        mark_covered_debts_for_replanning(
            session, attempt_id=attempt.id, debt_id=attempt.debt_id, now=now
        )
        outcome_label = attempt.outcome or attempt.status
        metrics.ATTEMPTS.labels(channel=attempt.channel, outcome=outcome_label).inc()
    return attempt
