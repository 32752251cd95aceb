"""The streaming loop shared by both imports: validate each row, batch the good ones, reject
the bad ones (to the reporter and, with --skip-invalid, to a rejects file).

All-or-nothing by default: the caller runs the whole file inside one transaction; after the
first bad row nothing more is written (every row is still validated and reported) and the
caller rolls back. Memory stays flat: one batch of rows at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from dialer.importing.csvio import CsvSource, RejectsFile, SourceRow
from dialer.importing.fields import RowIssue

T = TypeVar("T")
DEFAULT_BATCH_SIZE = 5000
PROGRESS_EVERY = 2000


@dataclass(frozen=True, slots=True)
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    rejects_path: Path | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    move_debts: bool = False  # cases: a debt_ref held by another consumer moves to this one


class ImportReporter(Protocol):
    def issue(self, issue: RowIssue, *, error: bool) -> None: ...

    def progress(self, rows: int, fraction: float) -> None: ...


class SilentReporter:
    def issue(self, issue: RowIssue, *, error: bool) -> None:
        """Problems are still counted in the summary."""

    def progress(self, rows: int, fraction: float) -> None:
        """No display."""


@dataclass(frozen=True, slots=True)
class Pending(Generic[T]):
    row: T
    line: int
    cells: dict[str, str]


class BatchSink(Protocol[T]):
    def write(
        self, batch: Sequence[Pending[T]], *, persist: bool
    ) -> list[tuple[Pending[T], list[RowIssue]]]:
        """Store the batch (when persist) and return rows found bad only now (unknown refs)."""
        ...


@dataclass(slots=True)
class RunTally:
    rows_read: int = 0
    rows_valid: int = 0
    rejected: int = 0
    warnings: int = 0
    rejects_path: Path | None = None
    errors: list[RowIssue] = field(default_factory=list)  # the first few, for callers and tests

    @property
    def rows_imported(self) -> int:
        return self.rows_valid


Validator = Callable[[SourceRow], tuple[T | None, list[RowIssue], list[RowIssue]]]


class ImportRun(Generic[T]):
    """One pass over a file; the caller decides afterwards whether to commit."""

    KEPT_ERRORS = 100

    def __init__(
        self,
        source: CsvSource,
        *,
        validate: Validator[T],
        sink: BatchSink[T],
        options: ImportOptions,
        reporter: ImportReporter,
    ) -> None:
        self.source = source
        self.validate = validate
        self.sink = sink
        self.options = options
        self.reporter = reporter
        self.tally = RunTally()
        self.persist = not options.dry_run
        path = options.rejects_path if options.skip_invalid and not options.dry_run else None
        self.rejects = RejectsFile(path) if path is not None else None
        self._batch: list[Pending[T]] = []

    def run(self) -> RunTally:
        try:
            for source_row in self.source.rows():
                self._take(source_row)
            self._flush()
        finally:
            if self.rejects is not None:
                self.rejects.close()
                self.tally.rejects_path = self.rejects.path if self.rejects.count else None
        self.reporter.progress(self.tally.rows_read, 1.0)
        return self.tally

    @property
    def should_commit(self) -> bool:
        return not self.options.dry_run and (self.tally.rejected == 0 or self.options.skip_invalid)

    def _take(self, source_row: SourceRow) -> None:
        self.tally.rows_read += 1
        row, errors, warnings = self.validate(source_row)
        if source_row.extra_cells:
            reason = f"{source_row.extra_cells} cell(s) beyond the header's columns"
            errors = [*errors, RowIssue(source_row.line, "(row)", reason)]
        for warning in warnings:
            self.tally.warnings += 1
            self.reporter.issue(warning, error=False)
        if errors or row is None:
            self._reject(source_row.line, source_row.cells, errors)
        else:
            self._batch.append(Pending(row, source_row.line, source_row.cells))
            if len(self._batch) >= self.options.batch_size:
                self._flush()
        if self.tally.rows_read % PROGRESS_EVERY == 0:
            self.reporter.progress(self.tally.rows_read, self.source.fraction)

    def _flush(self) -> None:
        if not self._batch:
            return
        late = self.sink.write(self._batch, persist=self.persist)
        self.tally.rows_valid += len(self._batch) - len(late)
        for pending, issues in late:
            self._reject(pending.line, pending.cells, issues)
        self._batch.clear()

    def _reject(self, line: int, cells: dict[str, str], issues: list[RowIssue]) -> None:
        self.tally.rejected += 1
        for issue in issues:
            self.reporter.issue(issue, error=True)
            if len(self.tally.errors) < self.KEPT_ERRORS:
                self.tally.errors.append(issue)
        if self.rejects is not None:
            reasons = "; ".join(f"{issue.column}: {issue.reason}" for issue in issues)
            self.rejects.write(self.source.header, cells, line=line, reasons=reasons)
        elif not self.options.skip_invalid:
            self.persist = False  # all-or-nothing: the caller will roll back
