"""Reconciliation: resolve attempts a crash or a lost answer left without a known fate.

- `reserved` for too long: the worker died before asking Twilio (a create is only sent after
  the attempt is committed as `dialing`), so nothing was sent: release it and re-plan.
- `dialing` for too long: the create may or may not have reached Twilio. Ask Twilio (calls or
  messages to that number from that sender since the reservation): found -> adopt its SID and
  status; not found -> nothing was placed: release it. Never dial again blindly.
- `dialing` whose create came back ambiguous (a 5xx, a timeout) and whose lookup found nothing:
  the worker is done with it, so it is looked up again sooner (AMBIGUOUS_AFTER after that
  answer): a text or call the provider never made is released in seconds, not minutes.
- placed but with no final status (lost callbacks): fetch it and apply, whatever stamps the
  attempt has (one bound by an early callback may have no placed_at), by when it should have
  ended: a call still queued or ringing (30 s ring timeout), a text still sending, after
  STUCK_AFTER; a call in progress not heard of for the ring timeout plus its longest call
  (MAX_CALL: automated or with an agent) plus IN_CALL_GRACE; a text `sent` with no delivery
  report after SENT_AFTER; anything else open after LOST_AFTER. Sooner
  (FAILED_CALLBACK_AFTER) when one of its callbacks was stored but could not apply.
`dialer reconcile` runs one pass on demand; the scheduler runs one every RECONCILE_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from dialer.attempts import is_terminal
from dialer.callbacks.calls import apply_call_status_event
from dialer.callbacks.events import CallStatusEvent, SmsStatusEvent
from dialer.callbacks.sms import apply_sms_status_event
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, ProviderEvent
from dialer.dispatch.place import RING_TIMEOUT, release_attempt
from dialer.observability import metrics
from dialer.observability.logging import get_logger
from dialer.telephony import Telephony, TelephonyError
from dialer.telephony.ports import ProviderCall, ProviderMessage
from dialer.telephony.recovery import CLOCK_SKEW
from dialer.vocabulary import AttemptStatus, Channel, ContactMode

log = get_logger(__name__)
STUCK_AFTER = timedelta(seconds=120)  # longer than a pacing wait plus a create's timeout
AMBIGUOUS_AFTER = timedelta(seconds=20)  # the provider's list shows a create by then
LOST_AFTER = timedelta(minutes=30)
FAILED_CALLBACK_AFTER = timedelta(seconds=30)  # a callback stored but not applied
RING = timedelta(seconds=RING_TIMEOUT)
MAX_CALL = {False: timedelta(minutes=10), True: timedelta(minutes=60)}  # keyed: with an agent
IN_CALL_GRACE = timedelta(minutes=2)
SENT_AFTER = timedelta(minutes=10)  # carriers report delivery within a minute or two
RECONCILE_SECONDS = 15
BATCH = 200
_OPEN = (
    AttemptStatus.QUEUED,
    AttemptStatus.INITIATED,
    AttemptStatus.RINGING,
    AttemptStatus.IN_PROGRESS,
    AttemptStatus.SENDING,
    AttemptStatus.SENT,
)


# A call still queued or ringing minutes after it started (the ring timeout is 30 s), or a
# text still being sent, has lost its callbacks (say, the web process was down): ask sooner.
_EARLY = (
    AttemptStatus.QUEUED,
    AttemptStatus.INITIATED,
    AttemptStatus.RINGING,
    AttemptStatus.SENDING,
)


@dataclass
class ReconcileReport:
    released: int = 0  # nothing had been sent
    adopted: int = 0  # the provider had it: SID stored
    finalized: int = 0  # a lost final status was fetched and applied
    unresolved: int = 0  # the provider could not be asked; tried again next run


def reconcile(
    sessions: sessionmaker[Session],
    telephony: Telephony,
    *,
    now: datetime,
    stuck_after: timedelta = STUCK_AFTER,
    lost_after: timedelta = LOST_AFTER,
    failed_after: timedelta = FAILED_CALLBACK_AFTER,
) -> ReconcileReport:
    """One pass over every attempt without a final status, whatever its timestamps."""
    report = ReconcileReport()
    stuck = _ids(
        sessions, (AttemptStatus.RESERVED, AttemptStatus.DIALING), before=now - stuck_after
    )
    ambiguous = _answered_ambiguous(sessions, before=now - min(AMBIGUOUS_AFTER, stuck_after))
    for attempt_id in dict.fromkeys(stuck + ambiguous):
        _resolve_stuck(sessions, telephony, attempt_id, now=now, report=report)
    refreshed: set[int] = set()
    for attempt_id in _overdue(sessions, now=now, failed_after=failed_after, lost_after=lost_after):
        if attempt_id not in refreshed:
            refreshed.add(attempt_id)
            _refresh(sessions, telephony, attempt_id, now=now, report=report)
    if report.released or report.adopted or report.finalized or report.unresolved:
        log.info("reconciled", **vars(report))
    return report


def _overdue(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    failed_after: timedelta,
    lost_after: timedelta,
) -> list[int]:
    """Placed attempts whose final status should have come by now, most urgent first: those
    with a callback that could not apply, then by how long each state may last."""
    found = _with_failed_callbacks(sessions, before=now - failed_after)
    found += _ids(sessions, _EARLY, before=now - min(STUCK_AFTER, lost_after))
    for with_agent, longest in MAX_CALL.items():
        found += _in_call(
            sessions,
            with_agent=with_agent,
            before=now - min(RING + longest + IN_CALL_GRACE, lost_after),
        )
    found += _ids(sessions, (AttemptStatus.SENT,), before=now - min(SENT_AFTER, lost_after))
    return found + _ids(sessions, _OPEN, before=now - lost_after)


def _heard_of() -> ColumnElement[datetime]:
    """The last time anything moved the attempt (a callback, a fetch), else when it started."""
    return func.coalesce(ContactAttempt.updated_at, _since())


def _in_call(sessions: sessionmaker[Session], *, with_agent: bool, before: datetime) -> list[int]:
    """Calls in progress not heard of since `before` (they should have ended by then)."""
    agent = ContactAttempt.agent_id.is_not(None) | (ContactAttempt.mode == ContactMode.AGENT.value)
    with transaction(sessions) as session:
        return list(
            session.scalars(
                select(ContactAttempt.id)
                .where(
                    ContactAttempt.status == AttemptStatus.IN_PROGRESS.value,
                    agent if with_agent else ~agent,
                    _heard_of() < before,
                )
                .order_by(ContactAttempt.id)
                .limit(BATCH)
            )
        )


def _answered_ambiguous(sessions: sessionmaker[Session], *, before: datetime) -> list[int]:
    """`dialing` attempts whose create came back ambiguous (the worker wrote why) before
    `before`: the worker is done with them, the provider's list can be asked again."""
    with transaction(sessions) as session:
        return list(
            session.scalars(
                select(ContactAttempt.id)
                .where(
                    ContactAttempt.status == AttemptStatus.DIALING.value,
                    ContactAttempt.error_message.is_not(None),
                    ContactAttempt.updated_at < before,
                )
                .order_by(ContactAttempt.id)
                .limit(BATCH)
            )
        )


def _since() -> ColumnElement[datetime]:
    """When the attempt started, whichever stamp it has (an early callback may have bound
    the SID before the worker stored placed_at)."""
    return func.coalesce(
        ContactAttempt.placed_at, ContactAttempt.reserved_at, ContactAttempt.attempted_at
    )


def _ids(
    sessions: sessionmaker[Session],
    statuses: tuple[AttemptStatus, ...],
    *,
    before: datetime,
) -> list[int]:
    with transaction(sessions) as session:
        return list(
            session.scalars(
                select(ContactAttempt.id)
                .where(ContactAttempt.status.in_([s.value for s in statuses]), _since() < before)
                .order_by(ContactAttempt.id)
                .limit(BATCH)
            )
        )


def _with_failed_callbacks(sessions: sessionmaker[Session], *, before: datetime) -> list[int]:
    """Open attempts with a callback stored but not applied: asked sooner than the rest."""
    failed = select(ProviderEvent.id).where(
        ProviderEvent.attempt_id == ContactAttempt.id,
        ProviderEvent.applied_at.is_(None),
        ProviderEvent.received_at < before,
    )
    with transaction(sessions) as session:
        return list(
            session.scalars(
                select(ContactAttempt.id)
                .where(
                    ContactAttempt.status.in_([s.value for s in _OPEN]),
                    ContactAttempt.provider_sid.is_not(None),
                    exists(failed),
                )
                .order_by(ContactAttempt.id)
                .limit(BATCH)
            )
        )


def _resolve_stuck(
    sessions: sessionmaker[Session],
    telephony: Telephony,
    attempt_id: int,
    *,
    now: datetime,
    report: ReconcileReport,
) -> None:
    # The attempt stays locked while Twilio is asked: a worker still finishing its create
    # (it stores the SID on the `dialing` row) waits, and finds the row resolved.
    with transaction(sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id, with_for_update=True)
        if attempt is None or attempt.status not in (AttemptStatus.RESERVED, AttemptStatus.DIALING):
            return
        if attempt.status == AttemptStatus.RESERVED.value:
            _release(session, attempt, now=now, why="reserved but never sent (worker stopped)")
            report.released += 1
            return
        try:
            found = _lookup(session, telephony, attempt)
        except TelephonyError:
            report.unresolved += 1
            return
        if found is None:
            _release(session, attempt, now=now, why="not found at the provider")
            report.released += 1
            return
        attempt.provider_sid, attempt.placed_at = found.sid, found.created_at or now
        attempt.status, attempt.updated_at = AttemptStatus.QUEUED.value, now
        _apply(session, attempt, found, now=now)
        metrics.RECONCILED.labels(result="found").inc()
        report.adopted += 1


def _release(session: Session, attempt: ContactAttempt, *, now: datetime, why: str) -> None:
    release_attempt(session, attempt.id, now=now, retry_at=now, error=f"reconciled: {why}")
    metrics.RECONCILED.labels(result="not_placed").inc()


def _lookup(
    session: Session, telephony: Telephony, attempt: ContactAttempt
) -> ProviderCall | ProviderMessage | None:
    """The provider's record for this attempt: the oldest match no other attempt owns."""
    since = (attempt.reserved_at or attempt.attempted_at) - CLOCK_SKEW
    to, from_ = attempt.to_number or "", attempt.from_number or ""
    found: list[ProviderCall] | list[ProviderMessage]
    if attempt.channel == Channel.SMS.value:
        found = telephony.find_messages(to=to, from_=from_, created_after=since)
    else:
        found = telephony.find_calls(to=to, from_=from_, created_after=since)
    if not found:
        return None
    taken = set(
        session.scalars(
            select(ContactAttempt.provider_sid).where(
                ContactAttempt.provider_sid.in_([item.sid for item in found])
            )
        )
    )
    fresh = [item for item in found if item.sid not in taken]
    return min(fresh, key=lambda item: (item.created_at or since, item.sid)) if fresh else None


def _refresh(
    sessions: sessionmaker[Session],
    telephony: Telephony,
    attempt_id: int,
    *,
    now: datetime,
    report: ReconcileReport,
) -> None:
    """Fetch a placed attempt's status from Twilio and apply it.

    Twilio is asked with no transaction open (the attempt's callbacks are not held up behind
    the request), then the attempt is locked and the answer applied: the status machine is
    monotonic, so an answer overtaken meanwhile by a callback changes nothing."""
    with transaction(sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id)
        if attempt is None or attempt.provider_sid is None:
            return
        sid, channel = attempt.provider_sid, attempt.channel
    try:
        item: ProviderCall | ProviderMessage = (
            telephony.fetch_message(sid)
            if channel == Channel.SMS.value
            else telephony.fetch_call(sid)
        )
    except TelephonyError:
        report.unresolved += 1
        return
    with transaction(sessions) as session:
        attempt = session.get(ContactAttempt, attempt_id, with_for_update=True)
        if attempt is None or attempt.provider_sid != sid:
            return
        if _apply(session, attempt, item, now=now):
            metrics.RECONCILED.labels(result="final_status").inc()
            report.finalized += 1


def _apply(
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


__all__ = ["ReconcileReport", "reconcile"]
