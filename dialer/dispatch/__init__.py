"""Dispatch: claim due debts, reserve before dialing, pace, place and record."""

from __future__ import annotations

from dialer.dispatch.claim import Claim, claim_due
from dialer.dispatch.place import Placement, place, webhook_urls
from dialer.dispatch.reserve import reserve
from dialer.dispatch.reserved import Outcome, Reservation
from dialer.dispatch.tick import Dispatcher, TickReport

__all__ = [
    "Claim",
    "Dispatcher",
    "Outcome",
    "Placement",
    "Reservation",
    "TickReport",
    "claim_due",
    "place",
    "reserve",
    "webhook_urls",
]
