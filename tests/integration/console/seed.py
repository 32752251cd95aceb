"""A small portfolio and one user per role, for the console's tests and screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy.orm import Session

from dialer.admin.accounts import create_user, hash_password
from dialer.campaigns import create_campaign, parse_definition
from dialer.compliance import RulePacks
from dialer.db.models import Consumer, Debt, Phone
from dialer.vocabulary import CampaignStatus, CollectorType

PASSWORD = "correct-horse-battery"
CAMPAIGN = {
    "name": "spring-reminders",
    "steps": [
        {"kind": "sms", "template": "reminder_friendly"},
        {"kind": "agent", "script": "agent_bridge"},
    ],
    "caller_ids": {"numbers": ["+16175550199"]},
}


@cache
def password_hash() -> str:
    """Argon2 is slow on purpose: hash the shared test password once per run."""
    return hash_password(PASSWORD)


def _user(session: Session, *, now: datetime, **fields: str | None) -> int:
    user = create_user(session, now=now, actor="test", **fields)  # type: ignore[arg-type]
    user.password_hash = password_hash()
    return user.id


@dataclass(frozen=True)
class Seeded:
    admin_id: int
    supervisor_id: int
    agent_id: int
    other_agent_id: int
    debt_id: int
    second_debt_id: int
    consumer_id: int
    campaign_id: int
    phone: str


def seed(session: Session, *, now: datetime, packs: RulePacks) -> Seeded:
    ids = {
        role: _user(
            session, now=now, username=name, role=role, display_name=display, phone_e164=phone
        )
        for name, role, display, phone in (
            ("alice", "admin", "Alice Admin", None),
            ("sam", "supervisor", "Sam Supervisor", None),
            ("ann", "agent", "Ann Agent", "+16175550111"),
        )
    }
    other = _user(
        session,
        now=now,
        username="bob",
        role="agent",
        display_name="Bob Agent",
        phone_e164="+16175550112",
    )
    campaign = create_campaign(
        session,
        parse_definition(CAMPAIGN, source="test"),
        packs=packs,
        now=now,
        collector=CollectorType.FIRST_PARTY,
        actor="test",
        status=CampaignStatus.ACTIVE,
    )
    consumer = Consumer(
        external_ref="C-1",
        first_name="Ada",
        last_name="Lovelace",
        language="en",
        country="US",
        state="MA",
        postal_code="02139",
        created_at=now,
        updated_at=now,
    )
    session.add(consumer)
    session.flush()
    phone = Phone(
        consumer_id=consumer.id,
        e164="+16175550100",
        phone_type="mobile",
        consent=True,
        status="valid",
        position=0,
    )
    session.add(phone)
    debts = [
        Debt(
            external_ref=ref,
            consumer_id=consumer.id,
            creditor=creditor,
            balance=Decimal(balance),
            currency="USD",
            days_past_due=45,
            stage="reminder",
            jurisdiction="US-MA",
            next_contact_at=now - timedelta(minutes=5),
            campaign_id=campaign.id,
            created_at=now,
            updated_at=now,
        )
        for ref, creditor, balance in (
            ("D-1001", "Acme Bank", "420.50"),
            ("D-1002", "Beta Card", "99.00"),
        )
    ]
    session.add_all(debts)
    session.flush()
    return Seeded(
        admin_id=ids["admin"],
        supervisor_id=ids["supervisor"],
        agent_id=ids["agent"],
        other_agent_id=other,
        debt_id=debts[0].id,
        second_debt_id=debts[1].id,
        consumer_id=consumer.id,
        campaign_id=campaign.id,
        phone=phone.e164,
    )
