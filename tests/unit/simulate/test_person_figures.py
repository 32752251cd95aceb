"""`dialer simulate` models consumers with several debts: one contact about every debt of the
person (counted against each), and person-level figures in the results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialer.simulate import SimulationConfig, run_simulation
from dialer.simulate.person import person_peaks
from dialer.simulate.runner import load_population
from dialer.simulate.text import render_result

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_peaks_are_per_person_in_any_hour_and_at_once() -> None:
    contacts = [
        (1, _at(0), _at(3)),
        (1, _at(2), _at(4)),  # overlaps the first: two at once
        (1, _at(50), _at(51)),
        (1, _at(61), _at(62)),  # 0..50..61: at most three within any 60 minutes (2, 50, 61)
        (2, _at(0), _at(1)),  # another person at the same time: not counted with person 1
        (2, _at(1), _at(2)),  # starts as the previous ends: not at once
    ]
    assert person_peaks(contacts) == (3, 2)
    assert person_peaks([]) == (0, 0)


@pytest.fixture(scope="module")
def population():
    return load_population(SimulationConfig(days=3, seed=3), consumers=300)


def test_a_person_with_several_debts_gets_one_contact_about_all_of_them(population) -> None:
    several = [case for case in population.cases if len(case.debts) > 1]
    assert several  # the synthetic portfolio has consumers with two and three debts

    result = run_simulation(SimulationConfig(days=3, seed=3), population=population)

    f = result.figures
    assert f.people_with_several_debts == len(several)
    assert f.debts == sum(len(case.debts) for case in population.cases)
    assert 0 < f.shared_contacts <= f.total_attempts
    assert f.most_in_flight_per_person == 1  # never two contacts with one person at once
    assert f.most_contacts_per_person_hour == 1  # the person-level gap is on by default
    assert f.violation_count == 0  # each debt's caps counted every shared contact
    text = render_result(result)
    assert "people with several debts" in text
    assert "most contacts with one person in an hour" in text
    assert "most contacts in flight with one person" in text
