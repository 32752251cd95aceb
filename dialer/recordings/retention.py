"""Recordings past the rule packs' retention (Reg F 1006.100(b): three years after the call)
are deleted at the provider, then marked deleted on the attempt, audited and noted on the
case timeline.

Two phases, as for dialing: the expired recordings are read, each is deleted through the
telephony port outside any transaction, then its row is updated in a short transaction. A
recording the provider no longer has (20404) counts as deleted; any other failure leaves it for
the next run. A country whose packs set no retention keeps its recordings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from dialer.cases.record import add_attempt_event, add_audit_entry
from dialer.compliance.packs import RulePacks
from dialer.compliance.recording import retention
from dialer.db.engine import transaction
from dialer.db.models import Consumer, ContactAttempt
from dialer.observability.logging import get_logger
from dialer.telephony import Telephony, TelephonyError

log = get_logger(__name__)
NOT_FOUND = 20404
COUNTRIES = ("US", "CN")
BATCH = 500
ACTOR = "recording-retention"


@dataclass(frozen=True, slots=True)
class Expired:
    attempt_id: int
    recording_sid: str
    rule_id: str
    citation: str
    days: int


@dataclass
class RetentionReport:
    deleted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def expired_recordings(
    session: Session, *, packs: RulePacks, now: datetime, after_id: int = 0, limit: int = BATCH
) -> list[Expired]:
    """Recordings still kept whose call ended longer ago than its country's retention: the
    first `limit` by attempt id after `after_id` (the job pages through them)."""
    found: list[Expired] = []
    for country in COUNTRIES:
        rule = retention(packs, country=country, day=now.date())
        if rule is None:
            continue
        cutoff = now - timedelta(days=rule.days)
        rows = session.execute(
            select(ContactAttempt.id, ContactAttempt.recording_sid)
            .join(Consumer, Consumer.id == ContactAttempt.consumer_id)
            .where(
                ContactAttempt.id > after_id,
                ContactAttempt.recording_sid.is_not(None),
                ContactAttempt.recording_deleted_at.is_(None),
                or_(
                    ContactAttempt.ended_at < cutoff,
                    and_(ContactAttempt.ended_at.is_(None), ContactAttempt.attempted_at < cutoff),
                ),
                Consumer.country == country,
            )
            .order_by(ContactAttempt.id)
            .limit(limit)
        ).all()
        found += [
            Expired(r.id, str(r.recording_sid), rule.id, rule.citation, rule.days) for r in rows
        ]
    return sorted(found, key=lambda item: item.attempt_id)[:limit]


def delete_expired_recordings(
    sessions: sessionmaker[Session],
    telephony: Telephony,
    *,
    packs: RulePacks,
    now: datetime,
    batch: int = BATCH,
) -> RetentionReport:
    """Every expired recording, a page at a time (a failed one is left for the next run)."""
    report = RetentionReport()
    after_id = 0
    while True:
        with transaction(sessions) as session:
            page = expired_recordings(session, packs=packs, now=now, after_id=after_id, limit=batch)
        if not page:
            break
        for item in page:
            _delete_one(sessions, telephony, item, now=now, report=report)
        after_id = page[-1].attempt_id
    if report.deleted or report.failed:
        log.info("recordings_expired", deleted=len(report.deleted), failed=len(report.failed))
    return report


def _delete_one(
    sessions: sessionmaker[Session],
    telephony: Telephony,
    item: Expired,
    *,
    now: datetime,
    report: RetentionReport,
) -> None:
    try:
        telephony.delete_recording(item.recording_sid)
    except TelephonyError as exc:
        if exc.code != NOT_FOUND:
            report.failed[item.recording_sid] = str(exc)
            log.warning("recording_delete_failed", attempt_id=item.attempt_id, error=str(exc))
            return
    with transaction(sessions) as session:
        _mark_deleted(session, item, now=now)
    report.deleted.append(item.recording_sid)


def _mark_deleted(session: Session, item: Expired, *, now: datetime) -> None:
    attempt = session.get(ContactAttempt, item.attempt_id, with_for_update=True)
    if attempt is None or attempt.recording_deleted_at is not None:
        return
    attempt.recording_deleted_at = now
    attempt.recording_url = None
    reason = f"kept {item.days} days after the call ({item.citation}, rule {item.rule_id})"
    add_audit_entry(
        session,
        at=now,
        actor=ACTOR,
        action="recording.delete",
        entity="attempt",
        entity_id=str(attempt.id),
        before={"recording_sid": item.recording_sid},
        after={"recording_deleted_at": now.isoformat()},
        reason=reason,
    )
    add_attempt_event(
        session,
        attempt,
        at=now,
        kind="recording_deleted",
        summary=f"call recording deleted: {reason}",
        detail={"recording_sid": item.recording_sid, "rule": item.rule_id},
    )
