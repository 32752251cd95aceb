"""The migration history builds the same schema as the models, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dialer.bootstrap import Services
from dialer.db import migrate
from dialer.db.engine import transaction
from dialer.db.models import Consumer, Debt


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    migrate.check(db_url)


def _consumer(now: datetime) -> Consumer:
    return Consumer(
        external_ref="C1",
        first_name="Ana",
        last_name="Diaz",
        language="es",
        country="US",
        state="MA",
        postal_code="02139",
        created_at=now,
        updated_at=now,
    )


def test_times_come_back_aware_utc(services: Services) -> None:
    now = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    with transaction(services.sessions) as session:
        session.add(_consumer(now))
    with services.sessions() as session:
        stored = session.scalars(select(Consumer)).one()
    assert stored.created_at == now
    assert stored.created_at.tzinfo is not None


def test_negative_balance_is_refused_by_the_database(services: Services) -> None:
    now = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    with transaction(services.sessions) as session:
        consumer = _consumer(now)
        session.add(consumer)
    debt = Debt(
        external_ref="D1",
        consumer_id=consumer.id,
        creditor="ACME",
        balance=Decimal(-1),
        currency="USD",
        jurisdiction="US-MA",
        created_at=now,
        updated_at=now,
    )
    with services.sessions() as session:
        session.add(debt)
        with pytest.raises(IntegrityError):
            session.commit()
