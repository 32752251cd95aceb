"""Holidays for "no contact on holidays": the consumer's states, optional observances, China."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dialer.compliance import (
    AdminLimits,
    ConsumerFacts,
    PhoneFacts,
    ProposedContact,
    RulePacks,
    evaluate,
)
from dialer.compliance.calendars import china_holiday, holiday_name
from dialer.vocabulary import Channel, PhoneType

HOLIDAYS_OFF = AdminLimits(no_contact_on_holidays=True)


def _day(iso: str) -> int:
    return date.fromisoformat(iso).toordinal()


def test_a_state_holiday_counts_in_any_of_the_consumers_states() -> None:
    patriots_day = _day("2026-04-20")
    assert holiday_name("US", frozenset({"MA"}), patriots_day) == "Patriots' Day"
    assert holiday_name("US", frozenset({"NY", "MA"}), patriots_day) == "Patriots' Day"
    assert holiday_name("US", frozenset({"NY"}), patriots_day) is None
    assert holiday_name("US", frozenset(), _day("2026-07-03")) == "Independence Day (observed)"


@pytest.mark.parametrize(
    ("iso", "name"),
    [
        ("2026-03-31", None),  # Cesar Chavez Day: optional in Texas
        ("2026-04-03", None),  # Good Friday: optional in Texas
        ("2026-03-02", "Texas Independence Day"),
        ("2026-04-21", "San Jacinto Day"),
        ("2026-12-26", "Day After Christmas"),
    ],
)
def test_texas_optional_holidays_are_not_days_off(iso: str, name: str | None) -> None:
    assert holiday_name("US", frozenset({"TX"}), _day(iso)) == name


def test_california_commemorative_days_are_not_days_off() -> None:
    assert holiday_name("US", frozenset({"CA"}), _day("2026-02-15")) is None  # Susan B. Anthony
    assert holiday_name("US", frozenset({"CA"}), _day("2026-03-31")) == "Cesar Chavez Day"


@pytest.mark.parametrize(
    ("iso", "holiday"),
    [
        ("2026-01-01", True),
        ("2026-01-03", True),  # Saturday inside the New Year break
        ("2026-01-04", False),  # Sunday, adjusted working day
        ("2026-02-14", False),  # Saturday, adjusted working day
        ("2026-02-15", True),  # Sunday, first day of the Spring Festival break
        ("2026-02-21", True),  # Saturday inside the break
        ("2026-02-22", True),  # Sunday inside the break
        ("2026-02-23", True),  # last day of the break
        ("2026-02-24", False),
        ("2026-02-28", False),  # Saturday, adjusted working day
        ("2026-04-04", True),  # Saturday, Qingming break
        ("2026-05-05", True),
        ("2026-05-09", False),  # Saturday, adjusted working day
        ("2026-06-21", True),  # Sunday, Dragon Boat break
        ("2026-09-20", False),  # Sunday, adjusted working day
        ("2026-10-04", True),  # Sunday inside the National Day break
        ("2026-10-07", True),
        ("2026-10-10", False),  # Saturday, adjusted working day
        ("2026-03-14", False),  # an ordinary Saturday
    ],
)
def test_china_2026_follows_the_state_council_arrangement(iso: str, holiday: bool) -> None:
    # 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
    assert (china_holiday(_day(iso)) is not None) is holiday


def test_china_without_an_arrangement_widens_holidays_over_next_weekends() -> None:
    # The 2027 arrangement is not in the data: New Year's Day is Friday 2027-01-01 and
    # Qingming Monday 2027-04-05, so the weekends next to them count as part of the break.
    assert china_holiday(_day("2027-01-01")) is not None
    assert china_holiday(_day("2027-01-02")) is not None
    assert china_holiday(_day("2027-01-03")) is not None
    assert china_holiday(_day("2027-01-04")) is None  # Monday
    assert china_holiday(_day("2027-04-03")) is not None
    assert china_holiday(_day("2027-04-04")) is not None
    assert china_holiday(_day("2027-03-14")) is None  # an ordinary Sunday


def _decide(consumer: ConsumerFacts, at: datetime, packs: RulePacks) -> tuple[str, datetime | None]:
    proposed = ProposedContact(at=at, channel=Channel.CALL, to=consumer.phones[0].number)
    decision = evaluate(consumer, [], proposed, packs=packs, limits=HOLIDAYS_OFF)
    return decision.decision, decision.next_allowed_at


def test_a_holiday_from_the_zip_codes_state_lifts_at_local_8_the_next_day(
    packs: RulePacks,
) -> None:
    boston = ConsumerFacts(
        country="US",
        postal_code="02108",
        phones=(PhoneFacts("+16175550130", PhoneType.MOBILE, True),),
    )
    verdict, after = _decide(boston, datetime(2026, 4, 20, 16, tzinfo=UTC), packs)
    assert verdict == "block"
    assert after == datetime(2026, 4, 21, 12, tzinfo=UTC)  # 08:00 EDT


def test_a_holiday_in_two_zones_lifts_when_it_is_over_in_both(packs: RulePacks) -> None:
    # Tuba City (Navajo, MDT) and the Hopi village in its ZIP code (MST): Independence Day
    # observed on Friday 3 July runs into Saturday 4 July; the later zone's 08:00 on the 5th.
    tuba_city = ConsumerFacts(
        country="US",
        postal_code="86045",
        phones=(PhoneFacts("+16025550131", PhoneType.MOBILE, True),),
    )
    verdict, after = _decide(tuba_city, datetime(2026, 7, 3, 18, tzinfo=UTC), packs)
    assert verdict == "block"
    assert after == datetime(2026, 7, 5, 15, tzinfo=UTC)  # 08:00 MST = 09:00 MDT


def test_a_chinese_break_lifts_on_the_first_working_day(packs: RulePacks) -> None:
    consumer = ConsumerFacts(
        country="CN", phones=(PhoneFacts("+8613700005555", PhoneType.MOBILE, True),)
    )
    verdict, after = _decide(consumer, datetime(2026, 2, 21, 3, tzinfo=UTC), packs)
    assert verdict == "block"
    assert after == datetime(2026, 2, 24, 0, tzinfo=UTC)  # 08:00 Beijing time
