"""Listening to and downloading call recordings: who may, and an audit entry for every access.

The audit entry is written (and committed by the caller) before the audio is fetched, so an
access is on record even when the fetch then fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.cases.page import can_work_case
from dialer.cases.record import add_audit_entry
from dialer.db.models import ContactAttempt
from dialer.errors import NotFoundError


class Access(StrEnum):
    LISTEN = "listen"
    DOWNLOAD = "download"


class RecordingRefusedError(NotFoundError):
    """Not this user's to hear (reported as not found: its existence is not disclosed)."""


@dataclass(frozen=True, slots=True)
class RecordingRow:
    attempt_id: int
    at: datetime
    duration: int | None
    basis: str | None
    deleted_at: datetime | None


def recordings_of(session: Session, *, consumer_id: int) -> list[RecordingRow]:
    """The consumer's recorded calls, newest first (deleted ones too, marked)."""
    rows = session.scalars(
        select(ContactAttempt)
        .where(
            ContactAttempt.consumer_id == consumer_id,
            ContactAttempt.recording_sid.is_not(None),
        )
        .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
    )
    return [
        RecordingRow(
            a.id, a.attempted_at, a.recording_duration, a.recording_basis, a.recording_deleted_at
        )
        for a in rows
    ]


def open_recording(
    session: Session,
    *,
    attempt_id: int,
    user_id: int,
    role: str,
    actor: str,
    access: Access,
    now: datetime,
) -> str:
    """The recording SID of `attempt_id` for this user, once the access is audited.

    Refused (as not found) when the user may not work the case, and when the recording does
    not exist or was deleted at the end of its retention."""
    attempt = session.get(ContactAttempt, attempt_id)
    if attempt is None or attempt.recording_sid is None:
        raise NotFoundError(f"no recording for call {attempt_id}")
    if attempt.recording_deleted_at is not None:
        raise NotFoundError(
            f"the recording of call {attempt_id} was deleted at the end of its retention"
        )
    if attempt.debt_id is None or not can_work_case(
        session, user_id=user_id, role=role, debt_id=attempt.debt_id
    ):
        raise RecordingRefusedError(f"no recording for call {attempt_id}")
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action=f"recording.{access.value}",
        entity="attempt",
        entity_id=str(attempt.id),
        before=None,
        after={"recording_sid": attempt.recording_sid},
        reason=None,
    )
    return attempt.recording_sid
