"""The callbacks an agent owes (the desk's Callbacks panel): the consented callbacks they recorded
or were on the call for, due today (the consumer's day) or overdue, and the callbacks nobody owns
that are due now, in a language the agent speaks. Each with the engine's answer for calling now
(the why-not-now path, as the consented callback the worker places)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from dialer.cases.contact_check import consumer_zone
from dialer.cases.why_not_now import explain_case
from dialer.clients.access import allowed_clients
from dialer.compliance import Decision, RulePacks
from dialer.compliance.plain_language import render_decision
from dialer.db.models import Consumer, ContactAttempt, Debt, Disposition, User
from dialer.errors import DialerError
from dialer.vocabulary import Channel, ContactMode

# A callback of the agent's own shows from the day before it is due (the consumer's day decides).
_AHEAD = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OwedCallback:
    debt_id: int
    debt_ref: str
    creditor: str
    consumer_name: str
    callback_at: datetime  # UTC
    zone: str  # the consumer's time zone
    mine: bool  # False: nobody owns it (the consumer chose it in the menu)
    overdue: bool
    decision: Decision | None  # the engine's answer for calling now (None: not asked, or no
    explanation: str  # answer: then why) and its trace, in English

    @property
    def signature(self) -> str:
        """What the desk compares to refresh the panel: the row, and whether it is due yet."""
        return f"{self.debt_id}@{self.callback_at:%Y%m%d%H%M}{'!' if self.overdue else ''}"


def callback_owner() -> ColumnElement[int | None]:
    """The agent who owns a debt's open callback: who recorded it as a disposition, else the
    agent on the call in which it was asked for; NULL when nobody did (a menu choice)."""
    recorded = (
        select(Disposition.agent_id)
        .where(
            Disposition.debt_id == Debt.id,
            Disposition.callback_at == Debt.callback_at,
            Disposition.agent_id.is_not(None),
        )
        .order_by(Disposition.id.desc())
        .limit(1)
        .correlate(Debt)
        .scalar_subquery()
    )
    asked = (
        select(ContactAttempt.agent_id)
        .where(
            ContactAttempt.debt_id == Debt.id,
            ContactAttempt.callback_requested,
            ContactAttempt.callback_at == Debt.callback_at,
            ContactAttempt.agent_id.is_not(None),
        )
        .order_by(ContactAttempt.id.desc())
        .limit(1)
        .correlate(Debt)
        .scalar_subquery()
    )
    return func.coalesce(recorded, asked)


def spoken(user: User) -> list[str]:
    """The languages the agent speaks to consumers (their console language if they listed none)."""
    return [code for code in user.languages.split(",") if code] or [user.language]


def _owed(user: User, now: datetime) -> ColumnElement[bool]:
    owner = callback_owner()
    return and_(
        Debt.callback_at.is_not(None),
        or_(
            and_(owner == user.id, Debt.callback_at <= now + _AHEAD),
            and_(
                owner.is_(None),
                Debt.callback_at <= now,
                Consumer.language.in_(spoken(user)),
            ),
        ),
    )


def _rows(
    session: Session, user: User, now: datetime, limit: int
) -> list[tuple[Debt, Consumer, int | None]]:
    statement = (
        select(Debt, Consumer, callback_owner())
        .join(Consumer, Consumer.id == Debt.consumer_id)
        .where(_owed(user, now))
        .order_by(Debt.callback_at, Debt.id)
        .limit(limit)
    )
    allowed = allowed_clients(session, user.id)
    if allowed is not None:
        statement = statement.where(Debt.client_id.in_(allowed))
    return [(debt, consumer, owner) for debt, consumer, owner in session.execute(statement)]


def owed_callbacks(
    session: Session, *, user_id: int, now: datetime, packs: RulePacks | None, limit: int = 20
) -> list[OwedCallback]:
    """The agent's callbacks, soonest first; with `packs`, the engine's answer for each."""
    user = session.get(User, user_id)
    if user is None:
        return []
    found = []
    for debt, consumer, owner in _rows(session, user, now, limit):
        if debt.callback_at is None:
            continue  # (the query's condition)
        zone = consumer_zone(session, consumer_id=consumer.id)
        local = debt.callback_at.astimezone(zone)
        if local.date() > now.astimezone(zone).date():
            continue  # tomorrow in the consumer's day
        decision, explanation = _answer(session, debt, now, packs)
        found.append(
            OwedCallback(
                debt_id=debt.id,
                debt_ref=debt.external_ref,
                creditor=debt.creditor,
                consumer_name=f"{consumer.first_name} {consumer.last_name}".strip(),
                callback_at=debt.callback_at,
                zone=zone.key,
                mine=owner == user.id,
                overdue=debt.callback_at <= now,
                decision=decision,
                explanation=explanation,
            )
        )
    return found


def owes_callback(session: Session, *, user_id: int, debt_id: int, now: datetime) -> bool:
    """The case has a callback on the agent's list (so they may open it)."""
    return any(
        row.debt_id == debt_id
        for row in owed_callbacks(session, user_id=user_id, now=now, packs=None, limit=200)
    )


def _answer(
    session: Session, debt: Debt, now: datetime, packs: RulePacks | None
) -> tuple[Decision | None, str]:
    if packs is None:
        return None, ""
    try:
        decision = explain_case(
            session,
            case_ref=debt.external_ref,
            channel=Channel.CALL,
            at=now,
            packs=packs,
            mode=ContactMode.AGENT,
            callback=True,
        )
    except DialerError as exc:
        return None, str(exc)
    return decision, render_decision(decision)
