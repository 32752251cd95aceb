"""One dispatch tick: claim what is due, reserve each contact, pace and place it.

Each channel runs at its own rate: a contact whose pacing lane has no free slot is deferred
(back in the queue, nothing written) and the lane is skipped for the rest of the tick, so the
SMS lane never holds up the calls (see lanes.py).

Many workers may tick at once on PostgreSQL (claims skip each other's rows); on SQLite run one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from dialer.admin.contact_limits import current_pacing
from dialer.clock import Clock, monotonic
from dialer.compliance import RulePacks
from dialer.db.engine import transaction
from dialer.dispatch.claim import LEASE, Claim, active_campaigns, claim_due, give_back
from dialer.dispatch.lanes import IDLE_PAUSE, Lanes, open_steps
from dialer.dispatch.leftovers import Leftovers
from dialer.dispatch.place import Placement, place
from dialer.dispatch.reserve import LimitsCache, Outcome, reserve
from dialer.observability import metrics
from dialer.observability.logging import get_logger
from dialer.pacing import Pacer
from dialer.scheduling.heartbeat import DEAD_AFTER, release_dead_claims
from dialer.telephony import Telephony

log = get_logger(__name__)
DEFAULT_BATCH = 50


@dataclass
class TickReport:
    claimed: int = 0
    reserved: int = 0
    blocked: int = 0
    planned: int = 0
    skipped: int = 0
    deferred: int = 0  # the lane had no slot: back in the queue for a later tick
    placed: int = 0
    released: int = 0
    refused: int = 0
    ambiguous: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class Dispatcher:
    """What a worker needs to tick; built once per process."""

    sessions: sessionmaker[Session]
    telephony: Telephony
    pacer: Pacer
    packs: RulePacks
    clock: Clock
    base_url: str
    batch_size: int = DEFAULT_BATCH
    lease: timedelta = LEASE  # how long a claim holds a debt if the worker dies
    worker: str | None = None  # this process's heartbeat id (its claims carry it)
    dead_after: timedelta = DEAD_AFTER  # a worker silent this long is dead: claims come back
    # What a tick that raised half-way left (claims, never-sent attempts): the next tick's.
    leftovers: Leftovers = field(default_factory=Leftovers, init=False, repr=False)

    def tick(self, stop: threading.Event | None = None) -> TickReport:
        """Claim a batch and work through it; on `stop`, hand back what is left. A tick that
        raises (the database went away) leaves its unfinished claims to the next one."""
        started = monotonic()
        report = TickReport()
        with transaction(self.sessions) as session:
            if self.leftovers:
                self.leftovers.settle(session, now=self.clock.now())
            self._refresh_pacing(session)
            release_dead_claims(session, now=self.clock.now(), dead_after=self.dead_after)
            claims = claim_due(
                session,
                now=self.clock.now(),
                limit=self.batch_size,
                lease=self.lease,
                worker=self.worker,
                open_steps=open_steps(active_campaigns(session), self.pacer),
            )
        self.leftovers.clear()  # settled with the claim (committed)
        report.claimed = len(claims)
        self._work(claims, report, stop)
        if report.deferred and not report.placed:
            _pause(stop)  # every lane met is full: let a slot free before the next claim
        report.seconds = monotonic() - started
        metrics.TICK_SECONDS.observe(report.seconds)
        if claims:
            log.info("dispatch_tick", **{k: v for k, v in vars(report).items() if v})
        return report

    def _work(self, claims: list[Claim], report: TickReport, stop: threading.Event | None) -> None:
        """Reserve and place each claim in turn; if one raises, the claims from it on and
        the attempt it had reserved (maybe never sent) are kept for the next tick."""
        limits_cache: LimitsCache = {}  # admin limits, read once per tick
        lanes = Lanes(self.pacer)  # pacing lanes saturated so far in this tick
        for index, claim in enumerate(claims):
            reserved: int | None = None
            try:
                if stop is not None and stop.is_set():
                    with transaction(self.sessions) as session:
                        give_back(session, claims[index:], now=self.clock.now())
                    return
                outcome = self._reserve(claim, limits_cache, lanes)
                self._count(report, outcome)
                if outcome.reservation is not None:
                    reserved = outcome.reservation.attempt_id
                    self._place(report, outcome)
            except Exception:
                self.leftovers.keep(claims[index:], reserved)
                raise

    def _reserve(self, claim: Claim, limits_cache: LimitsCache, lanes: Lanes) -> Outcome:
        with transaction(self.sessions) as session:
            return reserve(
                session,
                claim=claim,
                now=self.clock.now(),
                packs=self.packs,
                limits_cache=limits_cache,
                lanes=lanes,
            )

    def _place(self, report: TickReport, outcome: Outcome) -> None:
        assert outcome.reservation is not None
        placement = place(
            outcome.reservation,
            sessions=self.sessions,
            telephony=self.telephony,
            pacer=self.pacer,
            base_url=self.base_url,
            clock=self.clock,
        )
        self._placed(report, placement, outcome)

    def _refresh_pacing(self, session: Session) -> None:
        """An admin's change of the call rate or concurrent-call cap applies from this tick."""
        if self.pacer.apply_admin(current_pacing(session)):
            log.info(
                "pacing_changed",
                calls_per_second=self.pacer.config.calls_per_second,
                max_concurrent_calls=self.pacer.config.max_concurrent_calls,
            )

    def _count(self, report: TickReport, outcome: Outcome) -> None:
        if outcome.reservation is not None:
            report.reserved += 1
        elif outcome.blocked_reasons:
            report.blocked += 1
            for reason in outcome.blocked_reasons:
                report.reasons[reason] = report.reasons.get(reason, 0) + 1
                metrics.BLOCKS.labels(reason=reason).inc()
        elif outcome.skipped:
            report.skipped += 1
        elif outcome.deferred is not None:
            report.deferred += 1
        else:
            report.planned += 1

    def _placed(self, report: TickReport, placement: Placement, outcome: Outcome) -> None:
        assert outcome.reservation is not None
        channel = outcome.reservation.channel.value
        metrics.PACING_WAIT.observe(placement.pacing_wait)
        metrics.PLACEMENTS.labels(channel=channel, result=placement.result).inc()
        if placement.result == "placed":
            report.placed += 1
        elif placement.result == "released":
            report.released += 1
        elif placement.result == "refused":
            report.refused += 1
        else:
            report.ambiguous += 1
        log.info(
            "attempt_dispatched",
            result=placement.result,
            attempt_id=placement.attempt_id,
            channel=channel,
            to=outcome.reservation.to,
        )


def _pause(stop: threading.Event | None) -> None:
    if stop is None:
        time.sleep(IDLE_PAUSE)
    else:
        stop.wait(IDLE_PAUSE)
