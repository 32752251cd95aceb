"""Reading the case record back in tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialer.db.models import CaseEvent, ContactAttempt, Debt, Phone


def attempt_row(sessions: sessionmaker[Session], attempt_id: int) -> ContactAttempt:
    with sessions() as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        return attempt


def debt_row(sessions: sessionmaker[Session], debt_id: int) -> Debt:
    with sessions() as session:
        debt = session.get(Debt, debt_id)
        assert debt is not None
        return debt


def phone_row(sessions: sessionmaker[Session], phone_id: int) -> Phone:
    with sessions() as session:
        phone = session.get(Phone, phone_id)
        assert phone is not None
        return phone


def event_kinds(sessions: sessionmaker[Session], consumer_id: int) -> list[str]:
    with sessions() as session:
        query = select(CaseEvent.kind).where(CaseEvent.consumer_id == consumer_id)
        return list(session.scalars(query.order_by(CaseEvent.id)))


def rows(sessions: sessionmaker[Session], model: Any, *criteria: Any) -> list[Any]:
    with sessions() as session:
        return list(session.scalars(select(model).where(*criteria)))
