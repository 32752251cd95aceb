"""Admins' changes to the suppression list: add, remove, list, and upload a CSV file.

CSV columns: `number` (required; E.164, or a US number), `reason` (required unless the upload
gives a default reason), `scope` (sms, call or all; default all). A bad line is reported with its
line number and why, and nothing changes unless the caller asks to skip bad lines.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.db.models import SuppressedNumber
from dialer.errors import InputError
from dialer.importing.fields import FieldError
from dialer.importing.reference import parse_phone
from dialer.suppression.numbers import remove_suppression, suppress_number
from dialer.vocabulary import SuppressionKind, SuppressionScope, values

ADMIN_SOURCE = "admin"
MAX_UPLOAD_LINES = 100_000


def parse_number(text: str) -> str:
    """A number as an admin typed it -> E.164 (a number without + is read as a US number)."""
    cleaned = text.strip()
    if not cleaned:
        raise InputError("the number is empty")
    try:
        return parse_phone(cleaned, "US")
    except FieldError as exc:
        raise InputError(str(exc)) from None


def parse_scope(text: str | None) -> SuppressionScope:
    cleaned = (text or "").strip().lower() or SuppressionScope.ALL.value
    try:
        return SuppressionScope(cleaned)
    except ValueError:
        allowed = ", ".join(values(SuppressionScope))
        raise InputError(f"scope {cleaned!r} is not one of {allowed}") from None


def add_number(
    session: Session, number: str, *, scope: str | None, reason: str, actor: str, now: datetime
) -> SuppressedNumber | None:
    """An admin's do-not-contact entry; None if the same entry is already in force."""
    if not reason.strip():
        raise InputError("a reason is required")
    return suppress_number(
        session, parse_number(number), kind=SuppressionKind.DO_NOT_CONTACT,
        scope=parse_scope(scope), source=ADMIN_SOURCE, reason=reason.strip(), actor=actor,
        now=now,
    )  # fmt: skip


def remove_number(
    session: Session, number: str, *, reason: str, actor: str, now: datetime
) -> list[SuppressedNumber]:
    """Every entry in force for the number comes off the list; an error if there is none."""
    if not reason.strip():
        raise InputError("a reason is required")
    e164 = parse_number(number)
    entries = active_entries(session, number=e164)
    if not entries:
        raise InputError(f"{e164} is not on the suppression list")
    for entry in entries:
        remove_suppression(session, entry, actor=actor, reason=reason.strip(), now=now)
    return entries


def active_entries(
    session: Session, *, number: str | None = None, include_removed: bool = False
) -> list[SuppressedNumber]:
    query = select(SuppressedNumber).order_by(SuppressedNumber.e164, SuppressedNumber.id)
    if number:
        query = query.where(SuppressedNumber.e164 == number)
    if not include_removed:
        query = query.where(SuppressedNumber.removed_at.is_(None))
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class UploadLine:
    line: int
    number: str
    scope: SuppressionScope
    reason: str


@dataclass(slots=True)
class UploadReport:
    valid: list[UploadLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line 3: not a valid phone number: '12'"
    added: int = 0
    already: int = 0
    applied: bool = False


def read_upload(text: str, *, default_reason: str | None = None) -> UploadReport:
    """Check every line of the file; nothing is written here."""
    reader = csv.DictReader(io.StringIO(text.replace("\x00", "")))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if "number" not in columns:
        raise InputError("line 1: the header must have a 'number' column (and 'reason', 'scope')")
    report = UploadReport()
    for row in reader:
        line = reader.line_num
        if line > MAX_UPLOAD_LINES:
            raise InputError(f"line {line}: more than {MAX_UPLOAD_LINES} lines")
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            reason = cells.get("reason") or (default_reason or "").strip()
            if not reason:
                raise InputError("no reason (add a 'reason' column or give a default reason)")
            report.valid.append(
                UploadLine(
                    line, parse_number(cells.get("number", "")), parse_scope(cells.get("scope")),
                    reason,
                )
            )  # fmt: skip
        except InputError as exc:
            report.errors.append(f"line {line}: {exc}")
    return report


def apply_upload(
    session: Session,
    report: UploadReport,
    *,
    actor: str,
    now: datetime,
    skip_invalid: bool = False,
) -> UploadReport:
    """Write the valid lines, unless a line is bad and `skip_invalid` is not set."""
    if report.errors and not skip_invalid:
        return report
    for entry in report.valid:
        added = suppress_number(
            session, entry.number, kind=SuppressionKind.DO_NOT_CONTACT, scope=entry.scope,
            source=ADMIN_SOURCE, reason=entry.reason, actor=actor, now=now,
        )  # fmt: skip
        if added is None:
            report.already += 1
        else:
            report.added += 1
    report.applied = True
    return report
