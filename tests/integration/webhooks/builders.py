"""A small case (consumer, phone, debt, attempt) for the webhook tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from dialer.db.engine import transaction
from dialer.db.models import Consumer, ContactAttempt, Debt, Phone, User
from dialer.vocabulary import AgentAvailability, AttemptStatus, Channel, Role

CONSUMER_NUMBER = "+16175550100"
OUR_NUMBER = "+16175559999"


@dataclass(frozen=True)
class Case:
    consumer_id: int
    phone_id: int
    debt_id: int
    attempt_id: int


def make_case(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    channel: Channel = Channel.CALL,
    language: str = "en",
    number: str = CONSUMER_NUMBER,
    ref: str = "C1",
    status: AttemptStatus = AttemptStatus.QUEUED,
) -> Case:
    with transaction(sessions) as session:
        consumer = Consumer(
            external_ref=ref,
            first_name="Maria",
            last_name="Lopez",
            language=language,
            country="US",
            state="MA",
            created_at=now,
            updated_at=now,
        )
        session.add(consumer)
        session.flush()
        phone = Phone(consumer_id=consumer.id, e164=number, phone_type="mobile", consent=True)
        debt = Debt(
            external_ref=f"D-{ref}",
            consumer_id=consumer.id,
            creditor="Acme Bank",
            balance=Decimal("1234.50"),
            currency="USD",
            jurisdiction="US-MA",
            created_at=now,
            updated_at=now,
        )
        session.add_all([phone, debt])
        session.flush()
        attempt = ContactAttempt(
            consumer_id=consumer.id,
            debt_id=debt.id,
            phone_id=phone.id,
            channel=channel.value,
            status=status.value,
            attempted_at=now,
            reserved_at=now,
            from_number=OUR_NUMBER,
            to_number=number,
        )
        session.add(attempt)
        session.flush()
        return Case(consumer.id, phone.id, debt.id, attempt.id)


def make_agent(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    username: str = "agent1",
    phone: str = "+16175550199",
    available: bool = True,
) -> int:
    with transaction(sessions) as session:
        user = User(
            username=username,
            display_name="Sam Agent",
            role=Role.AGENT.value,
            phone_e164=phone,
            language="en",
            created_at=now,
            availability=(
                AgentAvailability.AVAILABLE if available else AgentAvailability.AWAY
            ).value,
            availability_changed_at=now,
        )
        session.add(user)
        session.flush()
        return user.id
