"""Which days are holidays where the consumer is, for the "no contact on holidays" setting.

US: the federal holidays and the public holidays of every state the consumer may be in (the
stated state and the ZIP code's state), from the `holidays` package's public category; optional
observances (a day a state lets its employees take, or only commemorates) are left out.

China: the State Council's yearly arrangement (国务院办公厅关于 YYYY 年部分节假日安排的通知),
from the `chinesecalendar` package: every day of an official break is a holiday, weekends
inside the break included, and an adjusted working day (调休上班日, e.g. Saturday 2026-02-14)
is a working day. The 2026 arrangement (notice of 2025-11-04) is in the package and checked by
the tests. For a year the package does not cover yet (2027: the notice could not be read
here), the statutory days from the `holidays` package are used and each run of them is
widened over the weekend days next to it, the strict reading of "a break"; update the package
when the notice is out.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

# Days in the `holidays` public category that are optional observances, not days off:
# Texas' optional holidays (Tex. Gov't Code 662.003(b)) and California's commemorative days
# (state offices stay open). Matched case-insensitively against one holiday name.
OPTIONAL_OBSERVANCES: dict[str, frozenset[str]] = {
    "TX": frozenset({"cesar chavez day", "good friday", "rosh hashanah", "yom kippur"}),
    "CA": frozenset({"susan b. anthony day", "diwali"}),
}
_WEEKEND = (5, 6)


@lru_cache(maxsize=16384)
def holiday_name(country: str, states: frozenset[str], day: int) -> str | None:
    """The holiday on date ordinal `day` in any of `states` (or the country), else None."""
    if country == "CN":
        return china_holiday(day)
    choices: list[str | None] = [*sorted(states)] or [None]
    for state in choices:
        name = _us_holiday(country, state, day)
        if name is not None:
            return name
    return None


@lru_cache(maxsize=16384)
def _us_holiday(country: str, state: str | None, day: int) -> str | None:
    when = date.fromordinal(day)
    names = _calendar(country, state, when.year).get(when)
    if names is None:
        return None
    optional = OPTIONAL_OBSERVANCES.get(state or "", frozenset())
    kept = [n for n in names.split("; ") if n.strip().casefold() not in optional]
    return "; ".join(kept) or None


@lru_cache(maxsize=256)
def _calendar(country: str, state: str | None, year: int) -> dict[date, str]:
    try:
        found = holidays.country_holidays(
            country, subdiv=state, years=year, categories=(holidays.PUBLIC,)
        )
    except NotImplementedError:  # an unknown subdivision: the country's own holidays
        found = holidays.country_holidays(country, years=year, categories=(holidays.PUBLIC,))
    return {day: str(name) for day, name in found.items()}


@lru_cache(maxsize=4096)
def china_holiday(day: int) -> str | None:
    """The official break `day` falls in (weekends inside it included); None on working days."""
    when = date.fromordinal(day)
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(when)
    except NotImplementedError:
        return _china_estimated(when)
    if not on_holiday or name is None:  # a working day, an adjusted working day or a weekend
        return None
    return str(name)


def _china_estimated(when: date) -> str | None:
    """A year without the State Council's arrangement: statutory days, widened over weekends."""
    statutory = _calendar("CN", None, when.year)
    if when in statutory:
        return statutory[when]
    if when.weekday() not in _WEEKEND:
        return None
    for step in (-1, 1):
        near = when + timedelta(days=step)
        while near.weekday() in _WEEKEND and near not in statutory:
            near += timedelta(days=step)
        if near in statutory:
            return f"{statutory[near]} (weekend next to it; arrangement not yet known)"
    return None
