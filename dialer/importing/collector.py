"""Fewer garbage-collector passes during an import.

An import allocates millions of short-lived, acyclic objects (cells, rows, parameters); each
allocation burst triggers collections, and every full collection walks the whole heap,
including the long-lived reference data (the ZIP index alone is tens of thousands of objects).
Freezing what exists before the import takes that heap out of the walk; a larger first
threshold makes the young-generation passes rarer. Both are undone afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_YOUNG_THRESHOLD = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    young, middle, old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(young, _YOUNG_THRESHOLD), middle, old)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)
        gc.unfreeze()
