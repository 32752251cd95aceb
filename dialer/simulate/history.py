"""Prior contacts (the history CSV) as the engine's history entries, validated by the importer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dialer.compliance import HistoryEntry
from dialer.importing.csvio import CsvSource
from dialer.importing.history_rows import HISTORY_OPTIONAL, HISTORY_REQUIRED, validate_history_row
from dialer.vocabulary import Direction


def read_history(
    path: Path, *, owners: dict[str, tuple[str, str]]
) -> Iterator[tuple[str, HistoryEntry]]:
    """(consumer_ref, entry) for each valid row whose debt is known.

    `owners` maps a debt_ref to (consumer_ref, the debt's name for the engine).
    """
    source = CsvSource(path, required=HISTORY_REQUIRED, optional=HISTORY_OPTIONAL)
    for raw in source.rows():
        row, _issues = validate_history_row(raw.line, raw.cells)
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
                debt=debt,
                callback_requested=row.callback_requested,
                body=row.body if inbound else None,
            ),
        )
