"""What the suppression list says about numbers, as the engine reads it (now, or at a past
moment for re-audits): the list's own entries and every opt-out recorded on a phone with the
same number."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dialer.db.in_force import in_force
from dialer.db.models import OptOut, Phone, SuppressedNumber
from dialer.vocabulary import Channel, SuppressionKind, SuppressionScope


@dataclass(frozen=True, slots=True)
class NumberSuppression:
    """What the list says about one number."""

    sms: bool = False
    call: bool = False
    wrong_number: bool = False


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
    return select(SuppressedNumber.e164, SuppressedNumber.kind, SuppressedNumber.scope).where(
        SuppressedNumber.e164.in_(numbers),
        in_force(SuppressedNumber.added_at, SuppressedNumber.removed_at, as_of=as_of),
    )


def _opt_out_query(numbers: list[str], as_of: datetime | None) -> Select[str, str]:
    return (
        select(Phone.e164, OptOut.channel)
        .join(Phone, Phone.id == OptOut.phone_id)
        .where(
            Phone.e164.in_(numbers), in_force(OptOut.opted_out_at, OptOut.revoked_at, as_of=as_of)
        )
        .distinct()
    )
