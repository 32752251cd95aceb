"""Person-level figures of a simulated run: the person is the unit, not the debt.

From the simulated contacts (each with when it was placed and when it ended): the most
contacts with one person in any hour (a sliding 60-minute window over each person's contacts)
and the most contacts in flight at once with one person (a sweep over the contacts' spans;
anything above 1 is two contacts with one person at the same time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from dialer.simulate.figures import Figures
from dialer.simulate.population import SimCase
from dialer.simulate.shard_state import AttemptRecord

HOUR = timedelta(hours=1)


def most_in_any_hour(starts: list[datetime]) -> int:
    """The largest number of `starts` (sorted) within any 60-minute window."""
    most, first = 0, 0
    for last, moment in enumerate(starts):
        while moment - starts[first] >= HOUR:
            first += 1
        most = max(most, last - first + 1)
    return most


def most_at_once(spans: list[tuple[datetime, datetime]]) -> int:
    """The largest number of spans [start, end) overlapping at one instant."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    most = current = 0
    for _, change in events:  # an end sorts before a start at the same instant
        current += change
        most = max(most, current)
    return most


def person_peaks(contacts: Iterable[tuple[int, datetime, datetime]]) -> tuple[int, int]:
    """(most contacts with one person in any hour, most in flight at once with one person)
    from (person, placed, ended) triples."""
    by_person: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for person, placed, ended in contacts:
        by_person[person].append((placed, max(ended, placed)))
    hourly = at_once = 0
    for spans in by_person.values():
        spans.sort()
        hourly = max(hourly, most_in_any_hour([start for start, _ in spans]))
        at_once = max(at_once, most_at_once(spans))
    return hourly, at_once


def count_people(figures: Figures, cases: Sequence[SimCase], records: list[AttemptRecord]) -> None:
    """Person-level figures of a shard: debts per person, and the peaks per person."""
    figures.debts += sum(len(case.debts) for case in cases)
    figures.people_with_several_debts += sum(len(c.debts) > 1 for c in cases)
    hourly, at_once = person_peaks(
        (record.case, record.at, record.ended or record.at) for record in records
    )
    figures.most_contacts_per_person_hour = hourly
    figures.most_in_flight_per_person = at_once
