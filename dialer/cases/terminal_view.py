"""A case record for the terminal: consumer, phones, flags, debts and the timeline.

An operator tool: phone numbers are shown in full. Never log what this renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from dialer.cases.decisions import contact_in_flight_now, in_flight_reason
from dialer.db.models import CaseEvent, Consumer, ContactAttempt, Debt, Phone
from dialer.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class TimelineLine:
    at: datetime
    text: str


def find_consumer(session: Session, ref: str) -> Consumer:
    """The consumer whose reference, or one of whose debts' reference, is `ref`."""
    debt_owner = select(Debt.consumer_id).where(Debt.external_ref == ref).scalar_subquery()
    query = (
        select(Consumer)
        .where(or_(Consumer.external_ref == ref, Consumer.id == debt_owner))
        .options(
            selectinload(Consumer.phones).selectinload(Phone.opt_outs),
            selectinload(Consumer.flags),
            selectinload(Consumer.inconvenient_times),
            selectinload(Consumer.debts),
        )
    )
    consumer = session.scalars(query).first()
    if consumer is None:
        msg = f"no case with debt or consumer reference {ref!r}"
        raise NotFoundError(msg)
    return consumer


def timeline(session: Session, consumer: Consumer) -> list[TimelineLine]:
    """Case events and the attempts no event describes (e.g. imported history), oldest first."""
    events = session.scalars(select(CaseEvent).where(CaseEvent.consumer_id == consumer.id)).all()
    described = {event.attempt_id for event in events if event.attempt_id is not None}
    attempts = session.scalars(
        select(ContactAttempt).where(ContactAttempt.consumer_id == consumer.id)
    ).all()
    refs = {debt.id: debt.external_ref for debt in consumer.debts}
    lines = [
        TimelineLine(e.at, f"{e.kind:<10} {refs.get(e.debt_id or 0, '-'):<12} {e.summary}")
        for e in events
    ]
    lines += [
        TimelineLine(a.attempted_at, _attempt_text(a, refs.get(a.debt_id or 0, "-")))
        for a in attempts
        if a.id not in described
    ]
    return sorted(lines, key=lambda line: line.at)


def _attempt_text(attempt: ContactAttempt, debt_ref: str) -> str:
    number = attempt.to_number if attempt.direction == "outbound" else attempt.from_number
    parts = [
        f"{attempt.origin:<10} {debt_ref:<12} {attempt.direction} {attempt.channel}",
        f"{'to' if attempt.direction == 'outbound' else 'from'} {number or '?'}",
        f"{attempt.status}/{attempt.outcome or '-'}",
    ]
    if attempt.callback_requested:
        parts.append("callback requested")
    if attempt.body:
        parts.append(f'"{attempt.body}"')
    return " ".join(parts)


def render_case(session: Session, ref: str) -> str:
    consumer = find_consumer(session, ref)
    out = [
        f"Consumer {consumer.external_ref}: {consumer.first_name} {consumer.last_name}",
        f"  language {consumer.language}; {_location(consumer)}",
        f"  confirmed time zone: {consumer.confirmed_timezone or '-'}",
        "Phones:",
    ]
    out += [_phone_line(phone) for phone in consumer.phones] or ["  (none)"]
    out.append("Flags:")
    out += [
        f"  {f.flag}{' (debt ' + _ref(consumer, f.debt_id) + ')' if f.debt_id else ''}"
        f" since {_fmt(f.learned_at)} via {f.source}"
        + (f", cleared {_fmt(f.cleared_at)}" if f.cleared_at else "")
        for f in consumer.flags
    ] or ["  (none)"]
    if consumer.inconvenient_times:
        out.append("Inconvenient times (local):")
        out += [f"  {w.days or 'every day'} {w.start}-{w.end}" for w in consumer.inconvenient_times]
    out.append("Debts:")
    out += [
        f"  {d.external_ref}: {d.creditor}, {d.balance} {d.currency}, {d.days_past_due} days past"
        f" due, stage {d.stage}, {d.jurisdiction}, next contact {_fmt(d.next_contact_at)}"
        for d in consumer.debts
    ]
    out += _in_flight(session, consumer)
    out.append("Timeline (oldest first):")
    out += [f"  {_fmt(line.at)}  {line.text}" for line in timeline(session, consumer)] or [
        "  (empty)"
    ]
    return "\n".join(out)


def _in_flight(session: Session, consumer: Consumer) -> list[str]:
    """Why nothing else goes out now: a contact with the person (or to one of their numbers)
    in flight, as dispatch and "why not now" say it."""
    numbers = [phone.e164 for phone in consumer.phones]
    found = contact_in_flight_now(session, consumer_id=consumer.id, numbers=numbers)
    if found is None:
        return []
    return [f"In flight (nothing else goes out until it ends): {in_flight_reason(found).message}"]


def _location(consumer: Consumer) -> str:
    parts = [consumer.city, consumer.state, consumer.postal_code, consumer.country]
    return ", ".join(part for part in parts if part)


def _phone_line(phone: Phone) -> str:
    active = sorted(o.channel for o in phone.opt_outs if o.revoked_at is None)
    consent = f"consent ({phone.consent_source})" if phone.consent else "no consent"
    opted = f"opted out of {', '.join(active)}" if active else "no opt-out"
    kind = f"{phone.phone_type}, {phone.status}"
    return f"  {phone.position}. {phone.e164} {kind}, {consent}, {opted}"


def _ref(consumer: Consumer, debt_id: int) -> str:
    return next((d.external_ref for d in consumer.debts if d.id == debt_id), str(debt_id))


def _fmt(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"
