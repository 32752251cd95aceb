"""Whole numbers that go into an INTEGER column: ids, counts, codes and durations.

PostgreSQL's INTEGER holds -2**31 .. 2**31-1; a bigger number from a URL, a form or a webhook
would fail inside the database (a 500). Read such numbers here instead: out of range is None.
"""

from __future__ import annotations

MAX_INTEGER = 2**31 - 1


def parse_integer(text: object) -> int | None:
    """'42' -> 42; '', 'abc', '1.5' and anything outside INTEGER's range -> None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    elif isinstance(text, str) and text.strip().lstrip("-").isdigit() and len(text.strip()) < 20:
        value = int(text.strip())
    else:
        return None
    return value if -MAX_INTEGER - 1 <= value <= MAX_INTEGER else None


def parse_record_id(text: object) -> int | None:
    """A row id: a positive INTEGER, else None."""
    value = parse_integer(text)
    return value if value is not None and value > 0 else None
