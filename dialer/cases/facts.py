"""Reading the case record into the compliance engine's plain facts."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.compliance.facts import ConsumerFacts, HistoryEntry, InconvenientTime, PhoneFacts
from dialer.db.models import (
    AttemptDebt,
    ConsumerFlagRecord,
    ContactAttempt,
    InconvenientTimeRecord,
    OptOut,
    Phone,
)
from dialer.db.models import Consumer as ConsumerRow
from dialer.errors import NotFoundError
from dialer.suppression.numbers import NumberSuppression, suppressions_for
from dialer.vocabulary import (
    AttemptStatus,
    Channel,
    ConsumerFlag,
    ContactMode,
    Direction,
    PhoneRelationship,
    PhoneStatus,
    PhoneType,
)

_UNLISTED = NumberSuppression()
HISTORY_DAYS = 35  # longer than every rolling window the rule packs use (7 days, a month)
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def debt_key(debt_id: int | None) -> str:
    """How a debt is named to the engine (history entries and proposed contacts agree)."""
    return f"debt-{debt_id}" if debt_id is not None else "none"


def load_consumer_facts(
    session: Session,
    consumer_id: int,
    *,
    debt_id: int | None = None,
    as_of: datetime | None = None,
) -> ConsumerFacts:
    """The consumer as the engine sees them (see load_consumer_facts_with_phones)."""
    return load_consumer_facts_with_phones(session, consumer_id, debt_id=debt_id, as_of=as_of)[0]


def load_consumer_facts_with_phones(
    session: Session,
    consumer_id: int,
    *,
    debt_id: int | None = None,
    as_of: datetime | None = None,
) -> tuple[ConsumerFacts, list[Phone]]:
    """The consumer as the engine sees them; flags scoped to another debt are left out.

    With `as_of`, flags and opt-outs are those in force at that moment (for re-audits); phone
    validity has no history and is taken as valid then.
    """
    consumer = session.get(ConsumerRow, consumer_id)
    if consumer is None:
        raise NotFoundError(f"consumer {consumer_id} does not exist")
    phones = list(
        session.scalars(
            select(Phone).where(Phone.consumer_id == consumer_id).order_by(Phone.position, Phone.id)
        )
    )
    opt_query = select(OptOut.phone_id, OptOut.channel).where(
        OptOut.phone_id.in_([p.id for p in phones])
    )
    flag_query = select(ConsumerFlagRecord.flag, ConsumerFlagRecord.debt_id).where(
        ConsumerFlagRecord.consumer_id == consumer_id
    )
    if as_of is None:
        opt_query = opt_query.where(OptOut.revoked_at.is_(None))
        flag_query = flag_query.where(ConsumerFlagRecord.cleared_at.is_(None))
    else:
        opt_query = opt_query.where(
            OptOut.opted_out_at <= as_of,
            (OptOut.revoked_at.is_(None)) | (OptOut.revoked_at > as_of),
        )
        flag_query = flag_query.where(
            ConsumerFlagRecord.learned_at <= as_of,
            (ConsumerFlagRecord.cleared_at.is_(None)) | (ConsumerFlagRecord.cleared_at > as_of),
        )
    opted = {(row.phone_id, row.channel) for row in session.execute(opt_query)}
    listed = suppressions_for(session, (p.e164 for p in phones), as_of=as_of)
    flag_rows = session.execute(flag_query).all()
    # Whole-consumer flags; with `debt_id`, that debt's own flags too (the contact is about it).
    flags = frozenset(
        ConsumerFlag(row.flag)
        for row in flag_rows
        if row.debt_id is None or (debt_id is not None and row.debt_id == debt_id)
    )
    debt_flags = frozenset(
        (debt_key(row.debt_id), ConsumerFlag(row.flag))
        for row in flag_rows
        if row.debt_id is not None
    )
    windows = session.scalars(
        select(InconvenientTimeRecord).where(InconvenientTimeRecord.consumer_id == consumer_id)
    ).all()
    facts = ConsumerFacts(
        country=consumer.country,
        phones=tuple(
            _phone_facts(p, opted, listed.get(p.e164, _UNLISTED), as_of=as_of) for p in phones
        ),
        state=_bare_state(consumer.state),
        postal_code=consumer.postal_code,
        timezone=consumer.confirmed_timezone,
        flags=flags,
        inconvenient_times=tuple(_window(w) for w in windows),
        debt_flags=debt_flags,
    )
    return facts, phones


def _phone_facts(
    phone: Phone,
    opted: set[tuple[int, str]],
    listed: NumberSuppression,
    *,
    as_of: datetime | None,
) -> PhoneFacts:
    """The phone's own record, plus what the suppression list says about its number."""
    status = PhoneStatus(phone.status) if as_of is None else PhoneStatus.VALID
    if listed.wrong_number:
        status = PhoneStatus.WRONG_PARTY
    return PhoneFacts(
        number=phone.e164,
        type=PhoneType(phone.phone_type),
        consent=phone.consent,
        status=status,
        sms_opted_out=(phone.id, Channel.SMS.value) in opted or listed.sms,
        call_opted_out=(phone.id, Channel.CALL.value) in opted or listed.call,
        relationship=PhoneRelationship(phone.relationship_to_debtor),
    )


def load_history(
    session: Session, consumer_id: int, *, since: datetime, until: datetime | None = None
) -> list[HistoryEntry]:
    """Every committed contact with the consumer since `since`, oldest first.

    Every attempt that may have reached the consumer counts: attempts in flight (reserved,
    dialing, an ambiguous create not yet settled) as contacts with no outcome yet, and a
    `not_placed` attempt that carries a provider SID. Only attempts known never to have
    reached the provider (`not_placed` with no SID) are left out.
    """
    query = select(ContactAttempt).where(
        ContactAttempt.consumer_id == consumer_id,
        ContactAttempt.attempted_at >= since,
        (ContactAttempt.status != AttemptStatus.NOT_PLACED.value)
        | ContactAttempt.provider_sid.is_not(None),
    )
    if until is not None:
        query = query.where(ContactAttempt.attempted_at < until)
    rows = session.scalars(query.order_by(ContactAttempt.attempted_at, ContactAttempt.id)).all()
    covered = covered_debts(session, [row.id for row in rows])
    return [history_entry(row, covered.get(row.id)) for row in rows]


def covered_debts(session: Session, attempt_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Every debt each attempt was about (`attempt_debts`), by attempt id."""
    if not attempt_ids:
        return {}
    found: dict[int, list[str]] = {}
    pairs = session.execute(
        select(AttemptDebt.attempt_id, AttemptDebt.debt_id)
        .where(AttemptDebt.attempt_id.in_(attempt_ids))
        .order_by(AttemptDebt.attempt_id, AttemptDebt.debt_id)
    )
    for attempt_id, debt_id in pairs:
        found.setdefault(attempt_id, []).append(debt_key(debt_id))
    return {key: tuple(value) for key, value in found.items()}


def covered_debt_ids(session: Session, attempt: ContactAttempt) -> list[int]:
    """Every debt the attempt was about (`attempt_debts`), else its own debt."""
    ids = list(
        session.scalars(select(AttemptDebt.debt_id).where(AttemptDebt.attempt_id == attempt.id))
    )
    if not ids and attempt.debt_id is not None:
        ids = [attempt.debt_id]
    return ids


def history_entry(row: ContactAttempt, debts: tuple[str, ...] | None = None) -> HistoryEntry:
    """One attempt as the engine sees it; `debts` from `attempt_debts` (else the attempt's own
    debt)."""
    direction = Direction(row.direction)
    return HistoryEntry(
        at=row.attempted_at,
        channel=Channel(row.channel),
        direction=direction,
        to=row.to_number,
        from_=row.from_number,
        outcome=row.outcome,
        debts=debts or (debt_key(row.debt_id),),
        callback_requested=row.callback_requested,
        mode=ContactMode(row.mode),
        callback_at=row.callback_at,
        callback=row.callback,
        body=row.body if direction is Direction.INBOUND else None,
    )


def _bare_state(state: str | None) -> str | None:
    if state and "-" in state:
        return state.split("-", 1)[1]
    return state


def _window(row: InconvenientTimeRecord) -> InconvenientTime:
    days = None
    if row.days:
        days = frozenset(_DAYS[d.strip().lower()[:3]] for d in row.days.split(",") if d.strip())
    return InconvenientTime(start=_clock(row.start), end=_clock(row.end), days=days)


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(23, 59, 59) if hours == 24 else time(hours, minutes)
