"""Synthetic consumers and debts for dispatch tests and benchmarks, inserted in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from dialer.db.models import Consumer, Debt, Phone

# (country, state, area/prefix): US zones from Eastern to Pacific, and China.
PLACES = [
    ("US", "MA", "617"),
    ("US", "NY", "212"),
    ("US", "IL", "312"),
    ("US", "TX", "214"),
    ("US", "CO", "303"),
    ("US", "AZ", "602"),
    ("US", "CA", "310"),
    ("US", "WA", "206"),
    ("CN", "GD", "138"),
    ("CN", "BJ", "139"),
]


@dataclass(frozen=True)
class Person:
    consumer_id: int
    debt_id: int
    number: str
    country: str
    state: str


def number_for(index: int, place: tuple[str, str, str]) -> str:
    country, _, prefix = place
    if country == "US":
        return f"+1{prefix}{2_000_000 + index:07d}"
    return f"+86{prefix}{10_000_000 + index:08d}"


def insert_portfolio(
    engine: sa.Engine,
    *,
    count: int,
    now: datetime,
    places: list[tuple[str, str, str]] = PLACES,
    start: int = 0,
    consent: bool = True,
    next_contact_at: datetime | None = None,
    campaign_id: int | None = None,
) -> list[Person]:
    """`count` consumers, each with one mobile number (consent as given) and one debt."""
    consumers, phones, debts = [], [], []
    people: list[Person] = []
    for offset in range(count):
        index = start + offset
        place = places[index % len(places)]
        country, state, _ = place
        cid = index + 1
        consumers.append(
            {
                "id": cid,
                "external_ref": f"C{index:08d}",
                "first_name": "Test",
                "last_name": f"Person{index}",
                "language": "zh" if country == "CN" else "en",
                "country": country,
                "state": state,
                "created_at": now,
                "updated_at": now,
            }
        )
        number = number_for(index, place)
        phones.append(
            {
                "id": cid,
                "consumer_id": cid,
                "e164": number,
                "phone_type": "mobile",
                "status": "valid",
                "sms_capable": True,
                "consent": consent,
                "position": 0,
            }
        )
        debts.append(
            {
                "id": cid,
                "external_ref": f"D{index:08d}",
                "consumer_id": cid,
                "creditor": "Acme Bank",
                "balance": Decimal("250.00"),
                "currency": "CNY" if country == "CN" else "USD",
                "days_past_due": 60,
                "stage": "new",
                "jurisdiction": f"{country}-{state}",
                "next_contact_at": next_contact_at,
                "campaign_id": campaign_id,
                "step_index": 0,
                "step_attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        people.append(Person(cid, cid, number, country, state))
    with engine.begin() as connection:
        for table, rows in ((Consumer, consumers), (Phone, phones), (Debt, debts)):
            for chunk in range(0, len(rows), 2000):
                connection.execute(sa.insert(table.__table__), rows[chunk : chunk + 2000])
        if engine.dialect.name == "postgresql":
            for table in ("consumers", "phones", "debts"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    return people
