"""The composition root: builds the service objects from settings, once per process."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from dialer.clock import Clock, OffsetClock, SystemClock
from dialer.db.engine import make_engine, make_session_factory
from dialer.vocabulary import CollectorType


@dataclass
class Services:
    """Everything a process needs, wired once; tests build one with fakes."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)

    @property
    def collector(self) -> CollectorType:
        """Whose debts this deployment collects (the setting DIALER_COLLECTOR_TYPE)."""
        return CollectorType(self.settings.collector_type)

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
