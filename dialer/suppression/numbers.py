"""One suppression list by number: an opt-out, a STOP, a wrong-number report follows the number.

Whatever consumer's file a number is on, now or in a later import, the engine sees its
entries as facts of the phone (`case_facts`): an SMS or call opt-out, or a wrong number.
Every opt-out the dialer writes goes through `add_opt_out` (inbound texts, the call menu,
carrier refusals, Twilio 21610), which records the phone's opt-out and the number's entry.
Admins add and remove entries with a reason; every change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dialer.cases.record import add_audit_entry
from dialer.db.models import OptOut, Phone, SuppressedNumber
from dialer.errors import InputError, NotFoundError
from dialer.vocabulary import Channel, PhoneStatus, SuppressionKind, SuppressionScope

CONSUMER_SOURCES = frozenset({"sms", "ivr", "carrier", "history"})  # an opt-in may revoke these


@dataclass(frozen=True, slots=True)
class NumberSuppression:
    """What the list says about one number."""

    sms: bool = False
    call: bool = False
    wrong_number: bool = False


def _audit(
    session: Session,
    entry: SuppressedNumber,
    *,
    action: str,
    actor: str,
    now: datetime,
    reason: str,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    add_audit_entry(
        session,
        at=now,
        actor=actor,
        action=f"suppression.{action}",
        entity="suppressed_number",
        entity_id=entry.e164,
        before=before,
        after=after,
        reason=reason,
    )


def describe(entry: SuppressedNumber) -> dict[str, object]:
    return {
        "id": entry.id,
        "number": entry.e164,
        "kind": entry.kind,
        "scope": entry.scope,
        "source": entry.source,
        "reason": entry.reason,
        "added_at": entry.added_at.isoformat(),
        "added_by": entry.added_by,
        "removed_at": entry.removed_at.isoformat() if entry.removed_at else None,
        "removed_by": entry.removed_by,
        "removal_reason": entry.removal_reason,
    }


def _active(session: Session, e164: str, kind: SuppressionKind, scope: SuppressionScope) -> bool:
    found = session.scalar(
        select(SuppressedNumber.id).where(
            SuppressedNumber.e164 == e164,
            SuppressedNumber.kind == kind.value,
            SuppressedNumber.scope == scope.value,
            SuppressedNumber.removed_at.is_(None),
        )
    )
    return found is not None


def suppress_number(
    session: Session,
    e164: str,
    *,
    kind: SuppressionKind,
    scope: SuppressionScope,
    source: str,
    reason: str,
    actor: str,
    now: datetime,
) -> SuppressedNumber | None:
    """Put the number on the list; None when the same entry is already in force."""
    if _active(session, e164, kind, scope):
        return None
    entry = SuppressedNumber(
        e164=e164,
        kind=kind.value,
        scope=scope.value,
        source=source[:100],
        reason=reason,
        added_at=now,
        added_by=actor[:100],
    )
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:  # another process added it between the check and the insert
        return None
    _audit(
        session, entry, action="add", actor=actor, now=now, reason=reason, before=None,
        after=describe(entry),
    )  # fmt: skip
    return entry


def remove_suppression(
    session: Session, entry: SuppressedNumber, *, actor: str, reason: str, now: datetime
) -> None:
    """Take an entry off the list (the row stays, with who removed it, when and why)."""
    if entry.removed_at is not None:
        return
    before = describe(entry)
    entry.removed_at, entry.removed_by, entry.removal_reason = now, actor[:100], reason
    session.flush()
    _audit(
        session, entry, action="remove", actor=actor, now=now, reason=reason, before=before,
        after=describe(entry),
    )  # fmt: skip


def add_opt_out(
    session: Session,
    *,
    phone_id: int,
    channel: Channel,
    source: str,
    detail: str,
    now: datetime,
) -> bool:
    """An opt-out of `channel` for the phone, and for its number on the list; False if one of
    the phone was already in force (the unique index `uq_opt_outs_active` backs the check)."""
    phone = session.get(Phone, phone_id)
    if phone is not None:
        scope = SuppressionScope(channel.value)
        suppress_number(
            session, phone.e164, kind=SuppressionKind.OPT_OUT, scope=scope, source=source,
            reason=detail, actor=source, now=now,
        )  # fmt: skip
    active = session.scalar(
        select(OptOut.id).where(
            OptOut.phone_id == phone_id, OptOut.channel == channel, OptOut.revoked_at.is_(None)
        )
    )
    if active is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                OptOut(
                    phone_id=phone_id, channel=channel.value, source=source[:100], detail=detail,
                    opted_out_at=now,
                )
            )  # fmt: skip
            session.flush()
    except IntegrityError:
        return False
    return True


def opt_in_to_texts(
    session: Session, e164: str, *, phone_ids: list[int], source: str, now: datetime
) -> None:
    """START: the phones' SMS opt-outs end, and the number's SMS opt-out entries that the
    consumer made (an admin's do-not-contact entry stays)."""
    if phone_ids:
        for opt_out in session.scalars(
            select(OptOut).where(
                OptOut.phone_id.in_(phone_ids),
                OptOut.channel == Channel.SMS,
                OptOut.revoked_at.is_(None),
            )
        ):
            opt_out.revoked_at = now
    entries = session.scalars(
        select(SuppressedNumber).where(
            SuppressedNumber.e164 == e164,
            SuppressedNumber.kind == SuppressionKind.OPT_OUT.value,
            SuppressedNumber.scope == SuppressionScope.SMS.value,
            SuppressedNumber.removed_at.is_(None),
        )
    )
    for entry in list(entries):
        if entry.source in CONSUMER_SOURCES or entry.source.startswith("twilio"):
            remove_suppression(session, entry, actor=source, reason="opted in (START)", now=now)


def mark_wrong_number(
    session: Session, phone: Phone, *, source: str, reason: str, now: datetime
) -> None:
    """The number is not the consumer's: no contact on any channel until an agent restores it."""
    phone.status = PhoneStatus.WRONG_PARTY.value
    phone.status_reason = reason[:200]
    suppress_number(
        session, phone.e164, kind=SuppressionKind.WRONG_NUMBER, scope=SuppressionScope.ALL,
        source=source, reason=reason, actor=source, now=now,
    )  # fmt: skip


def restore_number(
    session: Session, phone: Phone, *, actor: str, reason: str, now: datetime
) -> None:
    """An agent confirmed the number is the consumer's: valid again, off the wrong-number list."""
    if not reason.strip():
        raise InputError("restoring a number needs a reason (how it was confirmed)")
    before = {"status": phone.status, "status_reason": phone.status_reason}
    phone.status, phone.status_reason = PhoneStatus.VALID.value, f"restored by {actor}: {reason}"
    add_audit_entry(
        session, at=now, actor=actor, action="phone.restore", entity="phone",
        entity_id=str(phone.id), before=before,
        after={"status": phone.status, "status_reason": phone.status_reason}, reason=reason,
    )  # fmt: skip
    entries = session.scalars(
        select(SuppressedNumber).where(
            SuppressedNumber.e164 == phone.e164,
            SuppressedNumber.kind == SuppressionKind.WRONG_NUMBER.value,
            SuppressedNumber.removed_at.is_(None),
        )
    )
    for entry in list(entries):
        remove_suppression(session, entry, actor=actor, reason=reason, now=now)


def suppressions_for(
    session: Session, numbers: Iterable[str], *, as_of: datetime | None = None
) -> dict[str, NumberSuppression]:
    """What the list says about these numbers, in force now (or at `as_of`, for re-audits).

    An opt-out recorded on any phone with the same number counts too (an import's opt-out
    column, an older record), so it follows the number like the list's own entries.
    """
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    found: dict[str, NumberSuppression] = {}
    for e164, kind, scope in session.execute(_listed_query(wanted, as_of)):
        was = found.get(e164, NumberSuppression())
        wrong = kind == SuppressionKind.WRONG_NUMBER.value
        everything = scope == SuppressionScope.ALL.value and not wrong
        found[e164] = NumberSuppression(
            sms=was.sms or everything or scope == SuppressionScope.SMS.value,
            call=was.call or everything or scope == SuppressionScope.CALL.value,
            wrong_number=was.wrong_number or wrong,
        )
    for e164, channel in session.execute(_opt_out_query(wanted, as_of)):
        was = found.get(e164, NumberSuppression())
        found[e164] = NumberSuppression(
            sms=was.sms or channel == Channel.SMS.value,
            call=was.call or channel == Channel.CALL.value,
            wrong_number=was.wrong_number,
        )
    return found


def _listed_query(numbers: list[str], as_of: datetime | None) -> Select[str, str, str]:
    query = select(SuppressedNumber.e164, SuppressedNumber.kind, SuppressedNumber.scope).where(
        SuppressedNumber.e164.in_(numbers)
    )
    if as_of is None:
        return query.where(SuppressedNumber.removed_at.is_(None))
    return query.where(
        SuppressedNumber.added_at <= as_of,
        SuppressedNumber.removed_at.is_(None) | (SuppressedNumber.removed_at > as_of),
    )


def _opt_out_query(numbers: list[str], as_of: datetime | None) -> Select[str, str]:
    query = (
        select(Phone.e164, OptOut.channel)
        .join(Phone, Phone.id == OptOut.phone_id)
        .where(Phone.e164.in_(numbers))
        .distinct()
    )
    if as_of is None:
        return query.where(OptOut.revoked_at.is_(None))
    return query.where(
        OptOut.opted_out_at <= as_of,
        OptOut.revoked_at.is_(None) | (OptOut.revoked_at > as_of),
    )


def find_entry(session: Session, entry_id: int) -> SuppressedNumber:
    entry = session.get(SuppressedNumber, entry_id)
    if entry is None:
        raise NotFoundError(f"suppression entry {entry_id} does not exist")
    return entry
