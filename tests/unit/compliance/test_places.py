"""A ZIP code's zones from map data, state names, and what the engine decides from them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialer.compliance import ConsumerFacts, PhoneFacts, ProposedContact, RulePacks, evaluate
from dialer.compliance.postal_zones import postal_lookup, postal_zones
from dialer.compliance.zones import candidate_zones, consumer_states, state_code, state_zones
from dialer.vocabulary import Channel, PhoneType

PHOENIX_MOBILE = "+16025550100"  # area code 602: Arizona time only


@pytest.mark.parametrize(
    ("zip_code", "zone", "where"),
    [
        ("86045", "America/Denver", "Tuba City AZ, Navajo Nation (keeps daylight time)"),
        ("86033", "America/Denver", "Kayenta AZ, Navajo Nation"),
        ("86515", "America/Denver", "Window Rock AZ, Navajo Nation capital"),
        ("86039", "America/Phoenix", "Kykotsmovi Village AZ, Hopi reservation"),
        ("86043", "America/Phoenix", "Second Mesa AZ, Hopi reservation"),
        ("85001", "America/Phoenix", "Phoenix AZ"),
        ("32501", "America/Chicago", "Pensacola FL, the panhandle"),
        ("32440", "America/Chicago", "Graceville FL, the panhandle"),
        ("32301", "America/New_York", "Tallahassee FL"),
        ("42001", "America/Chicago", "Paducah KY, western Kentucky"),
        ("40202", "America/Kentucky/Louisville", "Louisville KY"),
        ("38103", "America/Chicago", "Memphis TN, west Tennessee"),
        ("37902", "America/New_York", "Knoxville TN, east Tennessee"),
        ("58523", "America/North_Dakota/Beulah", "Beulah ND, Mercer County"),
        ("58530", "America/North_Dakota/Center", "Center ND, Oliver County"),
        ("58563", "America/North_Dakota/New_Salem", "New Salem ND, Morton County"),
        ("58623", "America/Denver", "Bowman ND, south-west"),
        ("83814", "America/Los_Angeles", "Coeur d'Alene ID, the north"),
        ("83702", "America/Boise", "Boise ID"),
        ("97914", "America/Boise", "Ontario OR, Malheur County"),
        ("97201", "America/Los_Angeles", "Portland OR"),
        ("79901", "America/Denver", "El Paso TX"),
        ("75201", "America/Chicago", "Dallas TX"),
        ("99546", "America/Adak", "Adak AK"),
        ("96801", "Pacific/Honolulu", "Honolulu HI"),
    ],
)
def test_a_zip_codes_zone_comes_from_its_place_on_the_map(
    zip_code: str, zone: str, where: str
) -> None:
    assert postal_lookup("US", zip_code)[0] == zone, where
    assert zone in postal_zones("US", zip_code), where


def test_the_hopi_reservation_keeps_arizona_time_only() -> None:
    for zip_code in ("86039", "86043", "86030"):
        assert postal_zones("US", zip_code) == ("America/Phoenix",)


def test_a_zip_code_without_coordinates_falls_back_to_the_table() -> None:
    # Military ZIP codes have no coordinates in the data (0,0): the table's zone, if any.
    assert postal_lookup("US", "09001") == (None, "AE")
    assert postal_zones("US", "99999") == ()
    assert postal_lookup("CN", "310000") == (None, None)


def test_a_zip_code_on_a_zone_line_yields_both_zones() -> None:
    # Tuba City's ZIP code takes in Moenkopi, a Hopi village on Arizona time.
    assert set(postal_zones("US", "86045")) == {"America/Denver", "America/Phoenix"}


def test_a_zip_code_near_mexico_gives_only_us_zones() -> None:
    assert all(not z.startswith("America/Ciudad") for z in postal_zones("US", "79901"))


def test_every_candidate_source_still_counts_with_the_zip_code() -> None:
    found = candidate_zones("US", "AZ", "86045", "America/Los_Angeles", (PHOENIX_MOBILE,))
    zones = {c.zone for c in found}
    assert zones == {"America/Los_Angeles", "America/Denver", "America/Phoenix"}
    sources = {c.source for c in found}
    assert {"confirmed", "postal_code:86045", f"phone:{PHOENIX_MOBILE}"} <= sources


def _tuba_city(packs: RulePacks, at: datetime, channel: Channel = Channel.CALL) -> str:
    consumer = ConsumerFacts(
        country="US",
        state="AZ",
        postal_code="86045",
        phones=(PhoneFacts(PHOENIX_MOBILE, PhoneType.MOBILE, True),),
    )
    proposed = ProposedContact(at=at, channel=channel, to=PHOENIX_MOBILE)
    return evaluate(consumer, [], proposed, packs=packs).decision


@pytest.mark.parametrize(
    ("at", "expected", "why"),
    [
        (datetime(2026, 7, 16, 3, 30, tzinfo=UTC), "block", "21:30 MDT (20:30 in Phoenix)"),
        (datetime(2026, 3, 9, 3, 15, tzinfo=UTC), "block", "DST start day, 21:15 MDT"),
        (datetime(2026, 3, 8, 2, 30, tzinfo=UTC), "allow", "day before DST, 19:30 MST"),
        (datetime(2026, 11, 1, 3, 30, tzinfo=UTC), "block", "Oct 31, 21:30 MDT, last DST day"),
        (datetime(2026, 11, 2, 3, 30, tzinfo=UTC), "allow", "Nov 1, 20:30 MST after DST ends"),
        (datetime(2026, 11, 2, 4, 0, tzinfo=UTC), "block", "Nov 1, 21:00 MST"),
        (datetime(2026, 7, 15, 18, 0, tzinfo=UTC), "allow", "midday"),
    ],
)
def test_a_call_to_tuba_city_follows_navajo_daylight_time(
    packs: RulePacks, at: datetime, expected: str, why: str
) -> None:
    assert _tuba_city(packs, at) == expected, why
    assert _tuba_city(packs, at, Channel.SMS) == expected, why


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Massachusetts", "MA"),
        ("massachusetts", "MA"),
        ("MASSACHUSETTS", "MA"),
        ("  New   York ", "NY"),
        ("district of columbia", "DC"),
        ("ma", "MA"),
        ("Masachusetts", "MASACHUSETTS"),  # kept as written, never guessed
    ],
)
def test_a_state_is_read_from_its_code_or_its_full_name(written: str, code: str) -> None:
    assert state_code("US", written) == code


def test_a_full_state_name_selects_that_states_overlays_and_zones() -> None:
    assert consumer_states("US", "Massachusetts", None) == frozenset({"MA"})
    assert consumer_states("US", "new york", "02108") == frozenset({"NY", "MA"})
    assert state_zones("US", "Oregon") == state_zones("US", "OR")
    assert state_code("US", None) is None
    assert state_code("US", "  ") is None
