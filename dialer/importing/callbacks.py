"""A `callback_at` in the history file is the call the consumer asked for: it must be ahead of
now and at a lawful hour for them. A refused one names why and the next lawful time in the
consumer's zone, as the agent's disposition does (the same decision path: `check_contact`
with the consented callback, mode agent, by call)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from dialer.compliance import Decision, ReasonCode, RulePacks
from dialer.db.models import Debt
from dialer.errors import NotFoundError
from dialer.importing.fields import RowIssue
from dialer.vocabulary import Channel, ContactMode

# The blocks that make the asked-for time itself wrong (not the consumer's other facts).
HOUR_BLOCKS = frozenset(
    {ReasonCode.OUTSIDE_HOURS, ReasonCode.INCONVENIENT_TIME, ReasonCode.HOLIDAY}
)
LEAD = timedelta(minutes=5)  # "the next lawful time" is looked for from a little after now


class CallbackTimes:
    """Checks each row's callback_at against the case record (read only, on the import's own
    connection and transaction)."""

    def __init__(self, connection: Connection, *, now: datetime, packs: RulePacks) -> None:
        self.session = Session(bind=connection)
        self.now = now
        self.packs = packs

    def issue(self, *, line: int, debt_id: int, at: datetime, to: str) -> RowIssue | None:
        """Why `at` cannot be the callback asked for, with the next lawful time; or None."""
        debt = self.session.get(Debt, debt_id)
        if debt is None:
            return None
        if at <= self.now:
            stamp = self.now.isoformat(timespec="seconds").replace("+00:00", "Z")
            later = self._decide(debt, self.now + LEAD, to)
            nxt = self.now + LEAD if later is not None and later.allowed else None
            if later is not None and not later.allowed:
                nxt = later.next_allowed_at
            why = f"is in the past (now {stamp}): a callback must be asked for a later time"
            return RowIssue(line, "callback_at", why + self._next(debt, nxt))
        decision = self._decide(debt, at, to)
        if decision is None or decision.allowed:
            return None
        hours = [r.message for r in decision.reasons if r.code in HOUR_BLOCKS]
        if not hours:
            return None  # the time is fine; other blocks are the case's, checked when due
        why = "is not a lawful time for the consumer: " + "; ".join(hours)
        return RowIssue(line, "callback_at", why + self._next(debt, decision.next_allowed_at))

    def _decide(self, debt: Debt, at: datetime, to: str) -> Decision | None:
        # imported here: dialer.admin.contact_limits imports this package while it loads
        from dialer.cases.contact_check import check_contact

        try:
            return check_contact(
                self.session, debt=debt, at=at, packs=self.packs, to=to or None,
                channel=Channel.CALL, mode=ContactMode.AGENT, callback=True,
            )  # fmt: skip
        except NotFoundError:  # no phone at all: nothing to say about the hour
            return None

    def _next(self, debt: Debt, moment: datetime | None) -> str:
        if moment is None:
            return ""
        from dialer.cases.contact_check import consumer_zone

        zone = consumer_zone(self.session, consumer_id=debt.consumer_id)
        local = moment.astimezone(zone)
        return f". The next lawful time is {local:%Y-%m-%d %H:%M} {zone.key}"

    def close(self) -> None:
        self.session.close()
