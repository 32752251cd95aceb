"""Applying call status, AMD and recording callbacks to the attempt and the case record."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from dialer.agents.pool import agent_for_attempt, release_agent
from dialer.attempts import (
    apply_call_status,
    call_outcome,
    is_machine,
    is_terminal,
    machine_not_abandoned,
    parse_call_status,
)
from dialer.callbacks.case import load_attempt
from dialer.callbacks.events import AmdEvent, CallStatusEvent, RecordingEvent
from dialer.callbacks.replanning import mark_covered_debts_for_replanning
from dialer.cases.record import add_attempt_event
from dialer.db.models import ContactAttempt
from dialer.observability import metrics
from dialer.vocabulary import AttemptStatus, Outcome


class CallRecord(Protocol):
    """The attempt columns the status machine reads and writes (a ContactAttempt, or the
    plain copy a batch in `status_batch` works on)."""

    status: str
    outcome: str | None
    answered_by: str | None
    identity_confirmed: bool
    callback_requested: bool
    last_sequence: int | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    sip_response_code: int | None
    error_code: int | None


def settle_outcome(attempt: CallRecord) -> None:
    """(Re)compute the outcome of an ended call from what is known (order-independent)."""
    status = AttemptStatus(attempt.status)
    if not is_terminal(status):
        return
    current = Outcome(attempt.outcome) if attempt.outcome else None
    outcome = call_outcome(
        status,
        answered_by=attempt.answered_by,
        identity_confirmed=attempt.identity_confirmed,
        current=current,
        callback_chosen=bool(attempt.callback_requested),
    )
    attempt.outcome = outcome.value if outcome else None


def _record_details(attempt: CallRecord, event: CallStatusEvent, *, at: datetime) -> None:
    reported = parse_call_status(event.status)
    if event.sequence is not None:
        attempt.last_sequence = max(attempt.last_sequence or -1, event.sequence)
    if event.answered_by and not attempt.answered_by:
        attempt.answered_by = event.answered_by
    if reported is AttemptStatus.IN_PROGRESS and attempt.answered_at is None:
        attempt.answered_at = at
    if reported is not None and is_terminal(reported) and reported.value == attempt.status:
        attempt.ended_at = attempt.ended_at or at
        attempt.duration_seconds = _first(attempt.duration_seconds, event.duration)
        attempt.sip_response_code = _first(attempt.sip_response_code, event.sip_code)
        attempt.error_code = _first(attempt.error_code, event.error_code)


def _first(current: int | None, reported: int | None) -> int | None:
    return current if current is not None else reported


def advance_call(attempt: CallRecord, event: CallStatusEvent, *, now: datetime) -> bool:
    """Apply a status callback to the attempt's columns; True when this callback ended the call
    (then `call_ended` follows, once per call)."""
    before = AttemptStatus(attempt.status)
    after = apply_call_status(before, event.status)
    attempt.status = after.value
    _record_details(attempt, event, at=event.timestamp or now)
    settle_outcome(attempt)
    return is_terminal(after) and not is_terminal(before)


CALL_ENDED = "call_ended"


def ended_summary(attempt: CallRecord) -> str:
    seconds = f" after {attempt.duration_seconds} s" if attempt.duration_seconds else ""
    return f"Call ended: {attempt.outcome or attempt.status}{seconds}"


def ended_detail(attempt: CallRecord) -> dict[str, Any]:
    return {
        "status": attempt.status,
        "outcome": attempt.outcome,
        "answered_by": attempt.answered_by,
        "sip_response_code": attempt.sip_response_code,
        "error_code": attempt.error_code,
    }


def call_ended(session: Session, attempt: ContactAttempt, *, now: datetime) -> None:
    """Once per call, after `advance_call`: timeline line, agent released, every debt the
    call covered replanned."""
    add_attempt_event(
        session,
        attempt,
        at=now,
        kind=CALL_ENDED,
        summary=ended_summary(attempt),
        detail=ended_detail(attempt),
    )
    release_agent(session, attempt_id=attempt.id, now=now)
    mark_covered_debts_for_replanning(
        session, attempt_id=attempt.id, debt_id=attempt.debt_id, now=now
    )
    count_ended(attempt)


def count_ended(attempt: CallRecord) -> None:
    """`dialer_attempts`: one more call that reached its final outcome."""
    metrics.ATTEMPTS.labels(channel="call", outcome=attempt.outcome or attempt.status).inc()


def apply_call_status_event(
    session: Session, event: CallStatusEvent, *, now: datetime
) -> ContactAttempt:
    attempt = load_attempt(session, attempt_id=event.attempt_id, sid=event.call_sid, now=now)
    ended = advance_call(attempt, event, now=now)
    attempt.updated_at = now
    if ended:
        call_ended(session, attempt, now=now)
    return attempt


def voicemail_drop_due(session: Session, attempt: ContactAttempt) -> bool:
    """Async AMD heard a machine (with DetectMessageEnd: after its greeting ended) on a live
    call nobody confirmed and that left no message yet: redirect it to the voicemail now.
    A call with an agent on it (progressive, bridged at answer) is left to the agent; one whose
    agent did not pick up (an abandoned predictive call) is not."""
    return (
        is_machine(attempt.answered_by)
        and attempt.status == AttemptStatus.IN_PROGRESS.value
        and not attempt.identity_confirmed
        and attempt.outcome is None
        and agent_for_attempt(session, attempt.id) is None
    )


MACHINE_NOT_ABANDONED = "machine_not_abandoned"


def apply_amd_event(session: Session, event: AmdEvent, *, now: datetime) -> ContactAttempt:
    """Async AMD result: who answered. A machine's live call is redirected to the voicemail
    by the webhook (`voicemail_drop_due`), else it gets it at the next TwiML turn. A call
    already counted as abandoned (no agent free when it was answered) that a machine answered
    is no live answer: it leaves the abandonment rate and gets the voicemail like any machine."""
    attempt = load_attempt(session, attempt_id=event.attempt_id, sid=event.call_sid, now=now)
    attempt.answered_by = event.answered_by
    attempt.updated_at = now
    current = Outcome(attempt.outcome) if attempt.outcome else None
    if machine_not_abandoned(
        current,
        answered_by=attempt.answered_by,
        person_heard=attempt.identity_confirmed or bool(attempt.callback_requested),
    ):
        attempt.outcome = None
        add_attempt_event(
            session,
            attempt,
            at=now,
            kind=MACHINE_NOT_ABANDONED,
            summary="Answering machine detected after the answer: not a live answer, "
            "not counted as an abandoned call",
            detail={"answered_by": attempt.answered_by},
        )
    settle_outcome(attempt)
    return attempt


def apply_recording_event(
    session: Session, event: RecordingEvent, *, now: datetime
) -> ContactAttempt:
    attempt = load_attempt(
        session,
        attempt_id=event.attempt_id,
        sid=None if event.dialled_leg and event.attempt_id else event.call_sid,
        now=now,
    )
    if event.status == "completed" or attempt.recording_sid is None:
        attempt.recording_sid = event.recording_sid or attempt.recording_sid
        attempt.recording_url = event.recording_url or attempt.recording_url
        attempt.recording_duration = _first(event.duration, attempt.recording_duration)
    attempt.updated_at = now
    return attempt
