"""Background time: a timer heap thread, worker pools, the time scale and an idle check."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)


class Engine:
    """Runs callables later (in emulated seconds, scaled by `speed`) on a small thread pool."""

    def __init__(self, speed: float = 1.0, workers: int = 64, callback_workers: int = 16) -> None:
        self.speed = speed
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._busy = 0
        self._stopped = False
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="emu-call")
        self._callback_pool = ThreadPoolExecutor(
            max_workers=callback_workers, thread_name_prefix="emu-callback"
        )
        self._thread = threading.Thread(target=self._run, name="emu-timer", daemon=True)
        self._thread.start()

    def real(self, emulated_seconds: float) -> float:
        return max(emulated_seconds, 0.0) / self.speed

    def after(self, emulated_seconds: float, fn: Callable[[], None]) -> None:
        self.after_real(self.real(emulated_seconds), fn)

    def after_real(self, seconds: float, fn: Callable[[], None]) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + seconds, next(self._counter), fn))
            self._cond.notify()

    def submit(self, fn: Callable[[], None], *, callback: bool = False) -> None:
        with self._cond:
            if self._stopped:
                return
            self._busy += 1
        pool = self._callback_pool if callback else self._pool
        pool.submit(self._guarded, fn)

    def sleep(self, emulated_seconds: float, interrupt: threading.Event) -> bool:
        """Sleep; True if interrupted (hang-up or redirect)."""
        return interrupt.wait(self.real(emulated_seconds))

    def idle(self) -> bool:
        with self._cond:
            return not self._heap and self._busy == 0

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.01)
        return self.idle()

    def clear(self) -> None:
        with self._cond:
            self._heap.clear()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify()
        self._thread.join(timeout=2)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._callback_pool.shutdown(wait=False, cancel_futures=True)

    def _guarded(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:
            logger.exception("emulator task failed")
        finally:
            with self._cond:
                self._busy -= 1

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                if not self._heap:
                    self._cond.wait()
                    continue
                due, _, fn = self._heap[0]
                delay = due - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                # count it busy before it leaves the heap so idle() never sees a gap
                self._busy += 1
            try:
                self._pool.submit(self._guarded, fn)
            except RuntimeError:
                with self._cond:
                    self._busy -= 1
                return
