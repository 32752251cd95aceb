"""The composition root: builds the service objects from settings, once per process.

Every entry point (the CLI commands, the scheduler and worker, the web factory, the demo) asks
`build_services` for a `Services` and takes what it needs from it: the engine and sessions, the
clock, the telephony gateway (one `TwilioTelephony.from_settings`), the rule packs, the pacer
and the webhook batch writer. Nothing else constructs them; tests build a `Services` with fakes.
The heavier parts are built on first use (a CLI command that never dials never loads twilio).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from dialer.clock import Clock, OffsetClock, SystemClock
from dialer.db.engine import make_engine, make_session_factory
from dialer.vocabulary import CollectorType

if TYPE_CHECKING:
    from dialer.callbacks.status_batch import Applied, StatusCallback
    from dialer.compliance.packs import RulePacks
    from dialer.db.group_commit import GroupCommit
    from dialer.pacing import Pacer, PacingConfig
    from dialer.telephony import Telephony

    CallStatusBatches = GroupCommit[StatusCallback, Applied]

T = TypeVar("T")


@dataclass
class Services:
    """Everything a process needs, wired once; tests build one with fakes."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    _built: dict[str, object] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def collector(self) -> CollectorType:
        """Whose debts this deployment collects (the setting DIALER_COLLECTOR_TYPE)."""
        return CollectorType(self.settings.collector_type)

    @property
    def telephony(self) -> Telephony:
        """The Twilio gateway (the official client; the emulator when TWILIO_API_BASE is set)."""
        return self._once("telephony", lambda: build_telephony(self.settings))

    @property
    def packs(self) -> RulePacks:
        """The rule packs of DIALER_RULES_DIR (the law the engine applies)."""
        return self._once("packs", lambda: build_rule_packs(self.settings))

    @property
    def pacer(self) -> Pacer:
        """The account's pacing window, shared by every process (Redis, else the database)."""
        return self._once("pacer", lambda: build_pacer(self.settings, self.engine))

    @property
    def call_status_batches(self) -> CallStatusBatches | None:
        """The webhook batch writer: call status callbacks that arrive together are written
        together, on a connection it keeps (PostgreSQL only; None on SQLite)."""
        return self._once("call_status_batches", lambda: build_call_status_batches(self.engine))

    def _once(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:  # web workers are threaded: one of each per process
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]  # type: ignore[return-value]

    def close(self) -> None:
        self.engine.dispose()


# The web process: connections are opened lazily, so a large pool only keeps what the busiest
# moment needed (a smaller pool than the worker's threads opens and closes a connection per
# request); a pool that is never idle for long needs no ping before each checkout.
WEB_POOL_SIZE = 32


def build_services(
    settings: Settings, *, clock: Clock | None = None, web: bool = False
) -> Services:
    """`web=True` for the web process: a pool sized for threaded workers, no pre-ping."""
    if web:
        engine = make_engine(settings.database_url, pool_size=WEB_POOL_SIZE, pre_ping=False)
    else:
        engine = make_engine(settings.database_url)
    return Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        clock=clock or clock_from_settings(settings),
    )


def clock_from_settings(settings: Settings) -> Clock:
    """The real clock, or the rehearsal clock DIALER_CLOCK_START / DIALER_CLOCK_EPOCH ask for."""
    if settings.clock_start is None:
        return SystemClock()
    return OffsetClock(settings.clock_start, epoch=settings.clock_epoch)


def build_telephony(settings: Settings) -> Telephony:
    from dialer.telephony.twilio_gateway import TwilioTelephony

    return TwilioTelephony.from_settings(settings)


def build_rule_packs(settings: Settings) -> RulePacks:
    from dialer.compliance.packs import load_rule_packs

    return load_rule_packs(settings.rules_dir)


def pacing_config(settings: Settings) -> PacingConfig:
    """The account's call rate, the per-sender SMS rate and the concurrent-call cap.

    These are what the Twilio account allows; an admin may lower the call rate and the cap
    (global contact limits), which `Dispatcher.tick` applies to the pacer at each tick."""
    from dialer.pacing import PacingConfig

    return PacingConfig(
        calls_per_second=settings.calls_per_second,
        sms_per_second=settings.sms_per_second,
        max_concurrent_calls=settings.max_concurrent_calls,
        storage_url=settings.redis_url,
        namespace=settings.pacing_namespace,
    )


def build_pacer(settings: Settings, engine: Engine) -> Pacer:
    """Without Redis the pacing window lives in the database, shared by every process."""
    from dialer.pacing import Pacer

    return Pacer(pacing_config(settings), account=settings.twilio_account_sid, database=engine)


def build_call_status_batches(engine: Engine) -> CallStatusBatches | None:
    if engine.dialect.name != "postgresql":
        return None
    from functools import partial

    from dialer.callbacks.status_batch import apply_batch
    from dialer.db.engine import HeldConnection
    from dialer.db.group_commit import GroupCommit

    writer = partial(apply_batch, engine, connection=HeldConnection(engine))
    return GroupCommit(writer, key=lambda callback: callback.attempt_id)
