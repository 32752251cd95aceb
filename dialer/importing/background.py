"""Writes batches on a second thread so that reading and validating the next batch overlaps
the database round trips of the current one (psycopg releases the GIL while it waits).

The database connection is used by the writer thread only, from the first batch until
`finish()` returns; the caller commits or rolls back afterwards. A failure on the writer thread
is raised again on the caller's thread at the next `submit()` or at `finish()`.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_SWITCH_INTERVAL = 0.0005  # seconds
_DEPTH = 2  # batches waiting: memory stays bounded (streaming), the reader never waits long


class BackgroundWriter(Generic[T]):
    def __init__(self, write: Callable[[list[T]], None]) -> None:
        self._write = write
        self._queue: queue.Queue[list[T] | None] = queue.Queue(maxsize=_DEPTH)
        self._error: BaseException | None = None
        # The writer thread wakes up after each database round trip; with the default 5 ms
        # switch interval it would often wait that long for the reader to release the GIL.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_INTERVAL)
        self._thread = threading.Thread(target=self._work, name="import-writer", daemon=True)
        self._thread.start()

    def submit(self, rows: list[T]) -> None:
        self._raise_failure()
        self._queue.put(rows)

    def finish(self) -> None:
        """Wait until every submitted batch is written (or the writer failed); idempotent."""
        self._end()
        self._raise_failure()

    def stop(self) -> None:
        """Wait for the thread to end, dropping any failure (the caller is already failing)."""
        self._end()
        self._error = None

    def _end(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
            sys.setswitchinterval(self._interval)

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _work(self) -> None:
        while (rows := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._write(rows)
                except BaseException as exc:
                    self._error = exc
