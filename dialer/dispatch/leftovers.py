"""What a tick that failed half-way (the database went away) leaves behind, settled by the
next tick of the same worker once the database answers.

A worker whose tick raises is still alive: its heartbeat resumes with the database, so its
claims would wait out the whole lease (300 s), and an attempt it had reserved but not yet
moved to `dialing` would wait for the reconciler (2 min). Neither was ever sent: the create
is only made after the attempt is committed as `dialing`. The next tick gives those claims
back (only those still untouched: same lease) and releases those attempts (only those still
`reserved`), before it claims anything new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from dialer.db.models import ContactAttempt
from dialer.dispatch.claim import Claim, give_back
from dialer.dispatch.place import release_attempt
from dialer.observability.logging import get_logger
from dialer.vocabulary import AttemptStatus

log = get_logger(__name__)


@dataclass
class Leftovers:
    """Claims and reserved attempts of a failed tick, kept by the worker that made them."""

    claims: list[Claim] = field(default_factory=list)
    reserved: list[int] = field(default_factory=list)  # attempt ids, maybe still `reserved`

    def __bool__(self) -> bool:
        return bool(self.claims or self.reserved)

    def keep(self, claims: list[Claim], reserved: int | None) -> None:
        self.claims.extend(claims)
        if reserved is not None:
            self.reserved.append(reserved)

    def settle(self, session: Session, *, now: datetime) -> None:
        """Give the claims back and release the never-sent attempts (in the caller's
        transaction); forgotten once that transaction commits (see `clear`)."""
        give_back(session, self.claims, now=now)
        released = 0
        for attempt_id in self.reserved:
            attempt = session.get(ContactAttempt, attempt_id, with_for_update=True)
            if attempt is not None and attempt.status == AttemptStatus.RESERVED.value:
                release_attempt(
                    session, attempt_id, now=now, retry_at=now, error="tick failed before sending"
                )
                released += 1
        log.warning("failed_tick_settled", claims=len(self.claims), released=released)

    def clear(self) -> None:
        self.claims.clear()
        self.reserved.clear()
