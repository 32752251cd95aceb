"""Small, strict parsers shared by the rule-pack loader and the scenario reader."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from dialer.errors import InputError

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_E = TypeVar("_E", bound=StrEnum)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}")


def parse_clock(value: object, where: str) -> time:
    """'HH:MM[:SS]'; an unquoted YAML 1.1 21:00 arrives as 1260 (minutes) and is accepted."""
    if isinstance(value, bool):
        raise fail(where, f"expected a time like '21:00', got {value!r}")
    if isinstance(value, int):
        if 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        raise fail(where, f"{value!r} is not a time; quote times like '21:00' in YAML")
    if isinstance(value, time):
        return value
    match = _CLOCK.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise fail(where, f"expected a time like '21:00', got {value!r}")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24 and minute == 0 and second == 0:
        return time(23, 59, 59, 999999)
    if hour > 23 or minute > 59 or second > 59:
        raise fail(where, f"{value!r} is not a valid time of day")
    return time(hour, minute, second)


def parse_instant(value: object, where: str) -> datetime:
    """An ISO 8601 instant with an offset or Z; returned in UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise fail(where, f"{value!r} is not an ISO 8601 time") from None
    else:
        raise fail(where, f"expected a time like '2026-03-02T15:00:00Z', got {value!r}")
    if moment.tzinfo is None:
        raise fail(where, f"{value!r} has no UTC offset; write it like '2026-03-02T15:00:00Z'")
    return moment.astimezone(UTC)


def parse_date(value: object, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(where, f"expected a date like 2026-01-31, got {value!r}")


def parse_int(value: object, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(where, f"expected a whole number >= {minimum}, got {value!r}")
    return value


def parse_str(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise fail(where, f"expected text, got {value!r}")
    return str(value).strip()


def parse_list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(where, f"expected a list, got {value!r}")
    return value


def parse_map(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(where, f"expected a mapping, got {value!r}")
    return value


def parse_enum(value: object, kind: type[_E], where: str) -> _E:
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise fail(where, f"{value!r} is not one of: {choices}") from None


def check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise fail(where, f"unknown field(s) {', '.join(map(str, unknown))}")


def parse_days(value: object, where: str) -> frozenset[int] | None:
    if value is None:
        return None
    days = set()
    for item in parse_list(value, where):
        name = str(item).strip().lower()[:3]
        if name not in DAY_NAMES:
            raise fail(where, f"unknown day {item!r}; use mon, tue, wed, thu, fri, sat, sun")
        days.add(DAY_NAMES.index(name))
    return frozenset(days)


def parse_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise fail(where, f"expected true or false, got {value!r}")
    return value


def parse_optional_str(value: object, where: str) -> str | None:
    return None if value is None else parse_str(value, where)
