"""Read models of a case for the console and the API: what an agent sees when the case pops.

A case is a debt; the page shows its consumer, their other debts, flags, phones, promises,
previous dispositions, the timeline, and the engine's answer to "why not now?".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dialer.cases.callbacks_owed import owes_callback
from dialer.cases.contact_check import consumer_zone
from dialer.cases.why_not_now import explain_case
from dialer.clients.access import allowed_clients
from dialer.compliance import Decision, RulePacks, render_decision
from dialer.db.models import (
    CaseEvent,
    Consumer,
    ConsumerFlagRecord,
    ContactAttempt,
    Debt,
    Disposition,
    OptOut,
    Phone,
    PromiseToPay,
    User,
)
from dialer.errors import DialerError, NotFoundError
from dialer.vocabulary import Channel, Role

TIMELINE_LENGTH = 60


@dataclass(frozen=True)
class CaseView:
    debt: Debt
    consumer: Consumer
    other_debts: list[Debt]
    phones: list[Phone]
    flags: list[ConsumerFlagRecord]
    promises: list[PromiseToPay]
    dispositions: list[Disposition]
    timeline: list[CaseEvent]
    decision: Decision | None
    decision_text: str
    zone: ZoneInfo
    local_now: datetime


def load_case_view(session: Session, *, debt_id: int, now: datetime, packs: RulePacks) -> CaseView:
    debt = session.get(Debt, debt_id)
    if debt is None:
        raise NotFoundError(f"no case with id {debt_id}")
    consumer = debt.consumer
    decision: Decision | None
    try:
        decision = explain_case(
            session, case_ref=debt.external_ref, channel=Channel.CALL, at=now, packs=packs
        )
        text = render_decision(decision)
    except DialerError as exc:
        decision, text = None, str(exc)
    zone = consumer_zone(session, consumer_id=consumer.id)
    return CaseView(
        debt=debt,
        consumer=consumer,
        other_debts=[d for d in consumer.debts if d.id != debt.id],
        phones=list(consumer.phones),
        flags=[f for f in consumer.flags if f.cleared_at is None],
        promises=list(
            session.scalars(
                select(PromiseToPay)
                .where(PromiseToPay.debt_id == debt.id)
                .order_by(PromiseToPay.id.desc())
            )
        ),
        dispositions=list(
            session.scalars(
                select(Disposition)
                .where(Disposition.debt_id == debt.id)
                .order_by(Disposition.id.desc())
            )
        ),
        timeline=list(
            session.scalars(
                select(CaseEvent)
                .where(CaseEvent.consumer_id == consumer.id)
                .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
                .limit(TIMELINE_LENGTH)
            )
        ),
        decision=decision,
        decision_text=text,
        zone=zone,
        local_now=now.astimezone(zone),
    )


def explain_text(
    session: Session, *, debt: Debt, channel: Channel, now: datetime, packs: RulePacks
) -> tuple[Decision | None, str]:
    """The engine's decision for contacting the case now on `channel`, and its explanation."""
    try:
        decision = explain_case(
            session, case_ref=debt.external_ref, channel=channel, at=now, packs=packs
        )
    except DialerError as exc:
        return None, str(exc)
    return decision, render_decision(decision)


def find_cases(
    session: Session, *, query: str, limit: int = 50, client_ids: frozenset[int] | None = None
) -> list[Debt]:
    """Cases whose reference, consumer reference, name or phone number matches `query` (of the
    given clients only, when the user is limited to some)."""
    text = query.strip()
    if not text:
        return []
    like = f"%{text.lower()}%"
    digits = "".join(ch for ch in text if ch.isdigit())
    conditions = [
        Debt.external_ref.ilike(like),
        Consumer.external_ref.ilike(like),
        (Consumer.first_name + " " + Consumer.last_name).ilike(like),
        Consumer.last_name.ilike(like),
    ]
    if len(digits) >= 4:
        conditions.append(
            Consumer.id.in_(select(Phone.consumer_id).where(Phone.e164.like(f"%{digits}%")))
        )
    found = select(Debt).join(Consumer, Debt.consumer_id == Consumer.id).where(or_(*conditions))
    if client_ids is not None:
        found = found.where(Debt.client_id.in_(client_ids))
    return list(session.scalars(found.order_by(Debt.external_ref).limit(limit)))


def debt_by_ref(session: Session, ref: str) -> Debt:
    debt = session.scalars(select(Debt).where(Debt.external_ref == ref)).first()
    if debt is None:
        raise NotFoundError(f"no case with reference {ref!r}")
    return debt


def can_work_case(
    session: Session, *, user_id: int, role: str, debt_id: int, now: datetime | None = None
) -> bool:
    """Supervisors and admins see every case; an agent sees the cases they worked (a call
    connected to them or one they placed, or the case live on their desk) and, given `now` (the
    case page), the cases with a callback on their desk's list. A user limited to some clients
    sees only those clients' cases, whatever the role."""
    debt = session.get(Debt, debt_id)
    allowed = allowed_clients(session, user_id)
    if allowed is not None and (debt is None or debt.client_id not in allowed):
        return False
    if role in {Role.ADMIN, Role.SUPERVISOR}:
        return True
    user = session.get(User, user_id)
    if debt is None or user is None:
        return False
    if user.current_attempt_id is not None:
        live = session.get(ContactAttempt, user.current_attempt_id)
        if live is not None and live.consumer_id == debt.consumer_id:
            return True
    worked = session.scalar(
        select(ContactAttempt.id)
        .where(ContactAttempt.agent_id == user_id, ContactAttempt.consumer_id == debt.consumer_id)
        .limit(1)
    )
    if worked is not None:
        return True
    return now is not None and owes_callback(session, user_id=user_id, debt_id=debt_id, now=now)


def opt_out_list(session: Session, *, limit: int = 500) -> list[tuple[OptOut, Phone, Consumer]]:
    rows = session.execute(
        select(OptOut, Phone, Consumer)
        .join(Phone, OptOut.phone_id == Phone.id)
        .join(Consumer, Phone.consumer_id == Consumer.id)
        .order_by(OptOut.opted_out_at.desc())
        .limit(limit)
    )
    return [(o, p, c) for o, p, c in rows]
