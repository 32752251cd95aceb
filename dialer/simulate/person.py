"""Person-level figures of a simulated run: the person is the unit, not the debt.

From the simulated contacts (each with when it was placed and when it ended): the most
contacts with one person in any hour (a sliding 60-minute window over each person's contacts)
and the most contacts in flight at once with one person (a sweep over the contacts' spans;
anything above 1 is two contacts with one person at the same time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

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
