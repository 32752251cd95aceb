"""The worker loop: tick until stopped; a full batch means more is due, so tick again now.

Run as many workers as needed on PostgreSQL (claims skip each other's rows). On SQLite run
one worker (BEGIN IMMEDIATE serialises every writer, so more only queue behind each other).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from dialer.dispatch import Dispatcher, TickReport
from dialer.logging import get_logger

log = get_logger(__name__)


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT end the loop after the current attempt (no attempt is cut in half)."""

    def _handler(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


def run_worker(
    dispatcher: Dispatcher, *, stop: threading.Event, tick_seconds: float, once: bool = False
) -> TickReport:
    """Loop ticks; returns the last report (for --once)."""
    report = TickReport()
    while not stop.is_set():
        try:
            report = dispatcher.tick(stop)
        except Exception:
            log.exception("tick_failed")
            report = TickReport()
        if once:
            break
        if report.claimed < dispatcher.batch_size:
            stop.wait(tick_seconds)
    return report
