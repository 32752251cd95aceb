"""Prior contacts (the history CSV) as the engine's history entries, validated by the importer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from dialer.compliance import HistoryEntry
from dialer.importing.csvio import CsvSource
from dialer.importing.history_rows import HISTORY_OPTIONAL, HISTORY_REQUIRED, validate_history_row
from dialer.simulate.follow import follow_rows
from dialer.vocabulary import Direction


def read_history(
    path: Path,
    *,
    owners: dict[str, tuple[str, str]],
    finished: Callable[[], bool] | None = None,
) -> Iterator[tuple[str, HistoryEntry]]:
    """(consumer_ref, entry) for each valid row whose debt is known.

    `owners` maps a debt_ref to (consumer_ref, the debt's name for the engine). With
    `finished`, the file is read as it is written (see `follow.follow_rows`).
    """
    if finished is not None:
        rows: Iterable[tuple[int, dict[str, str]]] = follow_rows(path, finished)
    else:
        source = CsvSource(path, required=HISTORY_REQUIRED, optional=HISTORY_OPTIONAL)
        rows = ((raw.line, raw.cells) for raw in source.rows())
    for line, cells in rows:
        if cells.get("debt_ref", "").strip() not in owners:
            continue  # another process's consumer (or not sampled): not validated here
        row, _issues = validate_history_row(line, cells)
        if row is None or row.debt_ref not in owners:
            continue
        consumer_ref, debt = owners[row.debt_ref]
        inbound = row.direction is Direction.INBOUND
        yield (
            consumer_ref,
            HistoryEntry(
                at=row.at,
                channel=row.channel,
                direction=row.direction,
                to=row.our_number if inbound else row.consumer_number,
                from_=row.consumer_number if inbound else row.our_number,
                outcome=row.outcome.value,
                debts=(debt,),
                callback_requested=row.callback_requested,
                body=row.body if inbound else None,
                mode=row.mode,
            ),
        )
