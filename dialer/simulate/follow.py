"""Reading a CSV file while another process is still writing it (the portfolio generator).

The simulation's processes validate their consumers while the portfolio is being written,
instead of after: the generator is one sequential random stream and cannot be split.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from pathlib import Path

POLL_SECONDS = 0.01


def follow_lines(path: Path, finished: Callable[[], bool]) -> Iterator[str]:
    """Complete lines of `path` as they are written, until the writer has `finished`."""
    while not path.exists():
        if finished() and not path.exists():
            return
        time.sleep(POLL_SECONDS)
    with path.open("rb") as handle:  # bytes: a write may stop inside a character
        partial = b""
        while True:
            done = finished()  # checked before reading: what is written by then is read below
            while chunk := handle.readline():
                if chunk.endswith(b"\n"):
                    yield (partial + chunk).decode("utf-8")
                    partial = b""
                else:
                    partial += chunk
            if done:
                if partial:
                    yield partial.decode("utf-8")
                return
            time.sleep(POLL_SECONDS)


def follow_rows(path: Path, finished: Callable[[], bool]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cells by column) of a CSV file with a header, as it is written."""
    reader = csv.reader(follow_lines(path, finished), strict=True)
    header = [name.strip().lower() for name in next(reader, [])]
    for number, values in enumerate(reader, start=2):
        if any(values):
            yield (
                number,
                dict(zip(header, values + [""] * (len(header) - len(values)), strict=False)),
            )
