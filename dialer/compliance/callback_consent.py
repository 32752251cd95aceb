"""Consented callbacks (12 CFR 1006.14(b)(3)(i)): the call placed as the callback the consumer
asked for, within a rule's `consent_exempt_days` of the request (its date is day 1) and, when
the consumer said when (`callback_at`), not more than `CALLBACK_EARLY` before that, is left out
of that rule's count and is not blocked by it; a request is used up by that call."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialer.compliance.context import Moment
from dialer.vocabulary import Channel, Direction

# How early an agent may place the callback the consumer asked for at a given time.
CALLBACK_EARLY = timedelta(minutes=15)
_OUTBOUND = Direction.OUTBOUND
_CALL = Channel.CALL
# (first day, last day, index of the request in the history)
_Windows = list[tuple[int, int, int]]


def consent_windows(moment: Moment, zone_index: int, days: int) -> _Windows:
    """Local-day ranges covered by each callback request, with the request's index."""
    if days <= 0:
        return []
    past = moment.past
    requests = past.memo(
        "consent", lambda: [i for i, e in enumerate(past.entries) if e.callback_requested]
    )
    if not requests:
        return []

    def build() -> _Windows:
        local = past.history.local_days(zone_index, requests)
        return [(day, day + days - 1, i) for day, i in zip(local, requests, strict=True)]

    return past.memo(("consent", zone_index, days), build)


def in_window(day: int, windows: _Windows) -> bool:
    return any(first <= day <= last for first, last, _ in windows)


def _open_requests(moment: Moment, zone_index: int, days: int) -> _Windows:
    """The consent windows of callback requests not yet used up by a callback call, if the
    proposal is a callback at all."""
    if not moment.proposed.callback or moment.proposed.channel is not _CALL:
        return []
    windows = consent_windows(moment, zone_index, days)
    if not windows:
        return []
    past = moment.past
    placed = past.memo(
        "callbacks",
        lambda: [
            i
            for i, e in enumerate(past.entries)
            if e.callback and e.channel is _CALL and e.direction is _OUTBOUND
        ],
    )
    last_placed = placed[-1] if placed else -1
    return [w for w in windows if w[2] > last_placed]


def callback_consented(moment: Moment, zone_index: int, days: int) -> bool:
    """Is the proposed call the consented callback: asked for within `days` (local), not yet
    placed, and not much earlier than the time the consumer asked for?"""
    today, at, entries = moment.days[zone_index], moment.at, moment.past.entries
    return any(
        first <= today <= last and _at_the_asked_time(entries[request].callback_at, at)
        for first, last, request in _open_requests(moment, zone_index, days)
    )


def callback_opens(moment: Moment, zone_index: int, days: int) -> datetime | None:
    """When a proposed callback that is early becomes the consented one (None: it never does)."""
    today, at, entries = moment.days[zone_index], moment.at, moment.past.entries
    opens = [
        asked - CALLBACK_EARLY
        for first, last, request in _open_requests(moment, zone_index, days)
        if today <= last
        and (asked := entries[request].callback_at) is not None
        and at < asked - CALLBACK_EARLY
    ]
    return min(opens) if opens else None


def sooner(until: datetime | None, opens: datetime | None) -> datetime | None:
    if opens is None:
        return until
    return opens if until is None else min(until, opens)


def _at_the_asked_time(asked: datetime | None, at: datetime) -> bool:
    """A callback is the one asked for from `CALLBACK_EARLY` before the asked time on."""
    return asked is None or at >= asked - CALLBACK_EARLY


def callback_note(moment: Moment, zone_index: int, days: int) -> str:
    """Why a call marked as the callback is not exempt (empty if it is no callback)."""
    if not days or not moment.proposed.callback:
        return ""
    opens = callback_opens(moment, zone_index, days)
    if opens is not None:
        return (
            f"; the consumer asked to be called back at "
            f"{opens + CALLBACK_EARLY:%Y-%m-%d %H:%M}Z: the callback may be placed from "
            f"{opens:%H:%M}Z"
        )
    return (
        f"; the call is marked as a callback, but no callback request within {days} days "
        "is still open (one request covers one call)"
    )
