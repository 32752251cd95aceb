"""Strict parsers for one CSV cell; each raises FieldError with a reason a user can act on."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from dialer.vocabulary import values

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")
_TRUE = frozenset({"1", "true", "yes", "y", "t"})
_FALSE = frozenset({"", "0", "false", "no", "n", "f"})
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_BALANCE = Decimal("999999999999.99")


class FieldError(ValueError):
    """A cell that cannot be used; the message is the reason shown to the user."""


@dataclass(frozen=True, slots=True)
class Window:
    """A consumer-stated inconvenient time: local 'HH:MM' bounds and optional days."""

    start: str
    end: str
    days: str | None  # "mon,tue" or None for every day


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    msg = f"expected yes or no, got {text!r}"
    raise FieldError(msg)


def parse_enum(text: str, kind: type[_E], *, default: _E | None = None) -> _E:
    lowered = text.strip().lower()
    if not lowered and default is not None:
        return default
    try:
        return kind(lowered)
    except ValueError:
        allowed = ", ".join(values(kind))
        msg = f"unknown value {text!r} (expected one of: {allowed})"
        raise FieldError(msg) from None


def parse_amount(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        msg = "is required"
        raise FieldError(msg)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        msg = f"not a number: {text!r}"
        raise FieldError(msg) from None
    if not amount.is_finite():
        msg = f"not a number: {text!r}"
        raise FieldError(msg)
    if amount < 0:
        msg = f"must not be negative, got {text!r}"
        raise FieldError(msg)
    if amount > MAX_BALANCE:
        msg = f"too large: {text!r}"
        raise FieldError(msg)
    if amount != amount.quantize(Decimal("0.01")):
        msg = f"more than 2 decimal places: {text!r}"
        raise FieldError(msg)
    return amount.quantize(Decimal("0.01"))


def parse_count(text: str, *, default: int = 0) -> int:
    cleaned = text.strip()
    if not cleaned:
        return default
    if not cleaned.isdigit():
        msg = f"expected a whole number of 0 or more, got {text!r}"
        raise FieldError(msg)
    return int(cleaned)


def parse_clock(text: str) -> str:
    match = _CLOCK.match(text.strip())
    if match is None or (match[1] == "24" and match[2] != "00"):
        msg = f"expected a time like 18:00, got {text!r}"
        raise FieldError(msg)
    return f"{int(match[1]):02d}:{match[2]}"


def parse_windows(text: str) -> tuple[Window, ...]:
    """'18:00-21:00' or 'mon,tue 09:00-12:00;sat 08:00-10:00' (items separated by ';')."""
    if not text:
        return ()
    windows: list[Window] = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        days_text, _, span = item.rpartition(" ")
        start_text, dash, end_text = span.partition("-")
        if not dash:
            msg = f"expected a window like 18:00-21:00 or 'mon,tue 09:00-12:00', got {item!r}"
            raise FieldError(msg)
        windows.append(Window(parse_clock(start_text), parse_clock(end_text), _days(days_text)))
    return tuple(windows)


def _days(text: str) -> str | None:
    if not text.strip():
        return None
    days = [day.strip().lower()[:3] for day in text.split(",") if day.strip()]
    unknown = [day for day in days if day not in DAY_NAMES]
    if unknown:
        msg = f"unknown day {unknown[0]!r} (expected mon, tue, wed, thu, fri, sat, sun)"
        raise FieldError(msg)
    return ",".join(sorted(set(days), key=DAY_NAMES.index))


def parse_instant(text: str) -> datetime:
    cleaned = text.strip()
    if not cleaned:
        msg = "is required"
        raise FieldError(msg)
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        msg = f"not an ISO 8601 time: {text!r}"
        raise FieldError(msg) from None
    if moment.tzinfo is None:
        msg = f"{text!r} has no UTC offset; write it like 2026-03-02T15:00:00Z"
        raise FieldError(msg)
    return moment.astimezone(UTC)


def parse_text(text: str, *, max_length: int, required: bool = False) -> str | None:
    cleaned = text.strip()
    if not cleaned:
        if required:
            msg = "is required"
            raise FieldError(msg)
        return None
    if len(cleaned) > max_length:
        msg = f"longer than {max_length} characters"
        raise FieldError(msg)
    return cleaned


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One problem with one cell: where (line and column) and why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


class Cells:
    """Reads cells of one row and collects every problem instead of stopping at the first."""

    def __init__(self, line: int, cells: Mapping[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []

    def raw(self, column: str) -> str:
        text = self.cells.get(column)
        return text.strip() if text else ""

    def take(self, column: str, parse: Callable[[str], _T]) -> _T | None:
        text = self.cells.get(column)
        try:
            return parse(text.strip() if text else "")
        except FieldError as exc:
            self.errors.append(RowIssue(self.line, column, str(exc)))
            return None

    def warn(self, column: str, reason: str) -> None:
        self.warnings.append(RowIssue(self.line, column, reason))
