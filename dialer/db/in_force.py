"""Rows that start and may end (an opt-out revoked, a flag cleared, a list entry removed): the
condition for those in force now, or at a past moment (re-audits ask what was known then)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import InstrumentedAttribute


def in_force(
    started: InstrumentedAttribute[datetime],
    ended: InstrumentedAttribute[datetime | None],
    *,
    as_of: datetime | None,
) -> ColumnElement[bool]:
    """Not ended (as_of None), else started by `as_of` and not ended by then."""
    if as_of is None:
        return ended.is_(None)
    return and_(started <= as_of, ended.is_(None) | (ended > as_of))
