"""The worker loop: tick until stopped; a full batch means more is due, and a tick that placed
something may have left work due on its lanes (the claim takes the lanes with room first), so
either ticks again now; otherwise the worker waits `tick_seconds`.

Run as many workers as needed on PostgreSQL (claims skip each other's rows). On SQLite run
one worker (BEGIN IMMEDIATE serialises every writer, so more only queue behind each other).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from dialer.dispatch import Dispatcher, TickReport
from dialer.observability.logging import get_logger
from dialer.scheduling.heartbeat import HEARTBEAT_SECONDS, Heartbeat

log = get_logger(__name__)
MAX_BACKOFF = 30.0


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT end the loop after the current attempt (no attempt is cut in half)."""

    def _handler(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


def run_worker(
    dispatcher: Dispatcher,
    *,
    stop: threading.Event,
    tick_seconds: float,
    once: bool = False,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
) -> TickReport:
    """Loop ticks while beating; returns the last report (for --once). A failed tick (the
    database is away) is logged and retried after a growing pause (at most MAX_BACKOFF)."""
    report = TickReport()
    heartbeat = _heartbeat(dispatcher, heartbeat_seconds)
    failures = 0
    try:
        while not stop.is_set():
            try:
                report = dispatcher.tick(stop)
                failures = 0
            except Exception:
                log.exception("tick_failed")
                report = TickReport()
                failures += 1
            if once:
                break
            if failures:
                stop.wait(min(MAX_BACKOFF, tick_seconds * 2 ** min(failures, 6)))
            elif report.claimed < dispatcher.batch_size and not report.placed:
                stop.wait(tick_seconds)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    return report


def _heartbeat(dispatcher: Dispatcher, every: float) -> Heartbeat | None:
    if dispatcher.worker is None:
        return None
    return Heartbeat(dispatcher.sessions, dispatcher.clock, dispatcher.worker, every=every).start()
