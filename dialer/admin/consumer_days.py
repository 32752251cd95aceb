"""Each consumer's own calendar day, for reports counted "on the consumer's local day".

The zone is the one the compliance engine reads a consumer's local time in first: the confirmed
zone, else the likeliest candidate from the state, postal code and phone numbers (the same
choice as `dialer.cases.contact_check.consumer_zone`), loaded for many consumers in two queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialer.compliance.zones import candidate_zones
from dialer.db.models import Consumer, Phone

# Local time is at most 14 hours ahead of UTC (Kiribati) and 12 behind (Baker Island): every
# instant of local days start..end in any zone falls inside the UTC days widened by these.
AHEAD = timedelta(hours=14)
BEHIND = timedelta(hours=12)
DEFAULTS = {"US": "America/New_York", "CN": "Asia/Shanghai"}


def any_zone_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[first, after) in UTC holding every instant of local days start..end in any zone."""
    first = datetime.combine(start, time(0), tzinfo=ZoneInfo("UTC")) - AHEAD
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=ZoneInfo("UTC")) + BEHIND
    return first, after


class ConsumerDays:
    """The local date of an instant for a consumer, zones loaded once per report."""

    def __init__(self, session: Session, consumer_ids: Iterable[int]) -> None:
        self._zones = consumer_zones(session, set(consumer_ids))

    def day(self, consumer_id: int, at: datetime) -> date:
        zone = self._zones.get(consumer_id) or ZoneInfo("UTC")
        return at.astimezone(zone).date()


def consumer_zones(session: Session, ids: set[int]) -> dict[int, ZoneInfo]:
    if not ids:
        return {}
    numbers: dict[int, list[str]] = {}
    phones = select(Phone.consumer_id, Phone.e164).where(Phone.consumer_id.in_(ids))
    for consumer_id, e164 in session.execute(phones.order_by(Phone.position, Phone.id)):
        numbers.setdefault(consumer_id, []).append(e164)
    people = select(
        Consumer.id, Consumer.country, Consumer.state, Consumer.postal_code,
        Consumer.confirmed_timezone,
    ).where(Consumer.id.in_(ids))  # fmt: skip
    zones: dict[int, ZoneInfo] = {}
    for consumer_id, country, state, postal_code, confirmed in session.execute(people):
        place = state.split("-", 1)[-1] if state else None
        found = candidate_zones(
            country, place, postal_code, confirmed, tuple(numbers.get(consumer_id, ()))
        )
        zones[consumer_id] = _first_known([c.zone for c in found], DEFAULTS.get(country, "UTC"))
    return zones


def _first_known(names: list[str], fallback: str) -> ZoneInfo:
    for name in names:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            continue
    return ZoneInfo(fallback)
