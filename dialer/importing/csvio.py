"""Streaming CSV input and output: rows one at a time with their line numbers, never the file.

Progress is measured in bytes read, so a million-row file needs no counting pass.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dialer.errors import InputError

ProgressCallback = Callable[[int, float], None]  # (rows read, fraction of the file read)


@dataclass(frozen=True, slots=True)
class SourceRow:
    line: int  # physical line where the row starts (the header is line 1)
    cells: dict[str, str]
    extra_cells: int = 0  # cells beyond the header's columns (an error)


class CsvSource:
    """Iterates the data rows of a UTF-8 CSV file, checking the header first."""

    def __init__(
        self,
        path: Path,
        *,
        required: Sequence[str],
        optional: Sequence[str],
        ignored: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.size = max(os.path.getsize(path), 1) if path.exists() else 0
        self._required = required
        self._known = set(required) | set(optional) | set(ignored)
        self.bytes_read = 0
        self.header: list[str] = []

    def rows(self) -> Iterator[SourceRow]:
        if not self.path.is_file():
            msg = f"{self.path}: no such file"
            raise InputError(msg)
        with self.path.open("rb") as handle:
            reader = csv.reader(self._lines(handle), strict=True)
            self.header = self._check_header(next(reader, None))
            width = len(self.header)
            start = reader.line_num + 1
            for values in reader:
                if any(values):  # skip blank lines
                    extra = sum(1 for value in values[width:] if value.strip())
                    padded = values[:width] + [""] * (width - len(values))
                    cells = dict(zip(self.header, padded, strict=True))
                    yield SourceRow(start, cells, extra)
                start = reader.line_num + 1

    def _lines(self, handle: IO[bytes]) -> Iterator[str]:
        for index, raw in enumerate(handle):
            self.bytes_read += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                msg = f"{self.path}: line {index + 1} is not UTF-8 text"
                raise InputError(msg) from None
            yield text.removeprefix("\ufeff") if index == 0 else text

    def _check_header(self, header: list[str] | None) -> list[str]:
        if not header:
            msg = f"{self.path}: the file is empty (expected a header line)"
            raise InputError(msg)
        names = [name.strip().lower() for name in header]
        unknown = [name for name in names if name not in self._known]
        if unknown:
            msg = f"{self.path}: unknown column(s) {', '.join(unknown)}; see docs/csv-format.md"
            raise InputError(msg)
        missing = [name for name in self._required if name not in names]
        if missing:
            msg = f"{self.path}: missing required column(s) {', '.join(missing)}"
            raise InputError(msg)
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            msg = f"{self.path}: column(s) repeated: {', '.join(duplicated)}"
            raise InputError(msg)
        return names

    @property
    def fraction(self) -> float:
        return min(self.bytes_read / self.size, 1.0) if self.size else 1.0


class RejectsFile:
    """The rows that were skipped, as they were, plus their line number and reasons."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None
        self.count = 0

    def write(
        self, header: Sequence[str], cells: dict[str, str], *, line: int, reasons: str
    ) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            columns = [name for name in header if name not in ("reject_line", "reject_reasons")]
            self._writer = csv.DictWriter(
                self._handle,
                fieldnames=[*columns, "reject_line", "reject_reasons"],
                extrasaction="ignore",
            )
            self._writer.writeheader()
        self._writer.writerow({**cells, "reject_line": str(line), "reject_reasons": reasons})
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
