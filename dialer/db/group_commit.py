"""Group commit: many threads hand in one item each; one of them writes them all at once.

A thread that hands in an item while no write is in progress writes at once (a batch of one:
no added latency when the process is quiet). Items handed in while a write is in progress
wait; when it ends, the oldest waiting thread writes every item waiting by then as the next
batch (at most `max_batch`, and at most one item per `key`: two items with the same key go
into successive batches, in the order they came). Each thread gets its own item's result
back. If a write raises, every item of that batch gets `None`: the caller then takes its
ordinary, one-at-a-time path, so a failed batch loses nothing.

Under load the batches grow by themselves with the number of threads waiting, and every
batch costs one write (round trips, statement set-up and one commit in the database) instead
of one per item.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

log = logging.getLogger(__name__)


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(slots=True, eq=False)
class _Slot(Generic[Item, Result]):
    """One item handed in. A waiting thread is woken exactly once: with its result, or to
    write the next batch (a held lock released, cheaper than an Event's condition)."""

    item: Item
    key: Hashable
    wake: threading.Lock = field(default_factory=_held_lock)
    result: Result | None = None
    writes_next: bool = False


class GroupCommit(Generic[Item, Result]):
    """Writes the items handed in by concurrent threads in batches (see the module's doc)."""

    def __init__(
        self,
        write: Callable[[Sequence[Item]], Sequence[Result | None]],
        *,
        key: Callable[[Item], Hashable],
        max_batch: int = 64,
    ) -> None:
        if max_batch < 1:
            msg = "max_batch must be at least 1"
            raise ValueError(msg)
        self._write = write
        self._key = key
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._waiting: list[_Slot[Item, Result]] = []
        self._writing = False
        self.batches = 0
        self.items = 0

    def submit(self, item: Item) -> Result | None:
        """Write `item` (with whatever else is waiting); its result, or None if the write failed."""
        slot: _Slot[Item, Result] = _Slot(item, self._key(item))
        with self._lock:
            self._waiting.append(slot)
            writes_now = not self._writing
            self._writing = True
        if not writes_now:
            slot.wake.acquire()  # until the writer releases it
            if not slot.writes_next:
                return slot.result
        self._write_one_batch(slot)
        return slot.result

    def _write_one_batch(self, own: _Slot[Item, Result]) -> None:
        batch = self._take()
        assert batch[0] is own  # the writing thread's item is the oldest waiting
        results: Sequence[Result | None] = [None] * len(batch)
        try:
            written = self._write([s.item for s in batch])
            if len(written) != len(batch):
                msg = f"{len(written)} results for {len(batch)} items"
                raise RuntimeError(msg)
            results = written
        except Exception:
            log.exception("a batch of %d failed; each item takes its ordinary path", len(batch))
        finally:  # whatever happened, nobody is left waiting
            self._hand_over()
            own.result = results[0]
            for slot, result in zip(batch[1:], results[1:], strict=True):
                slot.result = result
                slot.wake.release()

    def _take(self) -> list[_Slot[Item, Result]]:
        """The next batch, oldest first; the writing thread's own slot is the oldest."""
        with self._lock:
            batch: list[_Slot[Item, Result]] = []
            keys: set[Hashable] = set()
            rest: list[_Slot[Item, Result]] = []
            for slot in self._waiting:
                if len(batch) < self._max_batch and slot.key not in keys:
                    keys.add(slot.key)
                    batch.append(slot)
                else:
                    rest.append(slot)
            self._waiting = rest
            self.batches += 1
            self.items += len(batch)
            return batch

    def _hand_over(self) -> None:
        """Let the oldest waiting thread write the next batch, or mark the writer idle."""
        with self._lock:
            if not self._waiting:
                self._writing = False
                return
            following = self._waiting[0]
        following.writes_next = True
        following.wake.release()
