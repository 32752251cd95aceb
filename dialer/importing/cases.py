"""`import_cases`: load or update consumers, phones and debts from a cases CSV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from dialer.clock import Clock
from dialer.db.engine import READ_ONLY
from dialer.importing.background import BackgroundWriter
from dialer.importing.case_rows import (
    OPTIONAL_COLUMNS,
    REJECT_COLUMNS,
    REQUIRED_COLUMNS,
    CaseRow,
    validate_case_row,
)
from dialer.importing.case_store import CaseCounts, CaseWriter
from dialer.importing.collector import fewer_collections
from dialer.importing.csvio import CsvSource, SourceRow
from dialer.importing.fields import RowIssue
from dialer.importing.ownership import find_moves, move_issue
from dialer.importing.runner import (
    ImportOptions,
    ImportReporter,
    ImportRun,
    Pending,
    RunTally,
    SilentReporter,
)


@dataclass(frozen=True, slots=True)
class CaseImportSummary:
    file: str
    tally: RunTally
    counts: CaseCounts
    committed: bool
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "rows_read": self.tally.rows_read,
            "rows_valid": self.tally.rows_valid,
            "rejected": self.tally.rejected,
            "warnings": self.tally.warnings,
            "committed": self.committed,
            **asdict(self.counts),
        }


class _CaseSink:
    """Checks each batch for debts that would change hands (a late, database-found problem),
    then hands the rest to the writer thread."""

    def __init__(self, reader: Connection, writer: CaseWriter | None, *, move_debts: bool) -> None:
        self.reader = reader
        self.writer = writer
        self.move_debts = move_debts
        self.background = BackgroundWriter(writer.write) if writer is not None else None

    def write(
        self, batch: Sequence[Pending[CaseRow]], *, persist: bool
    ) -> list[tuple[Pending[CaseRow], list[RowIssue]]]:
        moves = {move.line: move for move in find_moves(self.reader, [p.row for p in batch])}
        late = (
            []
            if self.move_debts
            else [(p, [move_issue(moves[p.line])]) for p in batch if p.line in moves]
        )
        if persist and self.background is not None and self.writer is not None:
            if self.move_debts:
                self.writer.moves.update((move.debt_ref, move) for move in moves.values())
            refused = {p.line for p, _ in late}
            self.background.submit([p.row for p in batch if p.line not in refused])
        return late

    def finish(self) -> None:
        if self.background is not None:
            self.background.finish()

    def stop(self) -> None:
        if self.background is not None:
            self.background.stop()


class _DuplicateCheck:
    """A debt reference may appear once per file (the set holds references, not rows)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(
        self, source_row: SourceRow
    ) -> tuple[CaseRow | None, list[RowIssue], list[RowIssue]]:
        check = validate_case_row(source_row.line, source_row.cells)
        if check.row is not None:
            if check.row.debt_ref in self.seen:
                issue = RowIssue(source_row.line, "debt_ref", "appears on an earlier line too")
                return None, [issue], check.warnings
            self.seen.add(check.row.debt_ref)
        return check.row, check.errors, check.warnings


def import_cases(
    engine: Engine,
    path: Path,
    *,
    clock: Clock,
    options: ImportOptions | None = None,
    reporter: ImportReporter | None = None,
) -> CaseImportSummary:
    """Validate and (unless dry-run) import the file in one pass and one transaction."""
    with fewer_collections():
        return _import_cases(engine, path, clock=clock, options=options, reporter=reporter)


def _import_cases(
    engine: Engine,
    path: Path,
    *,
    clock: Clock,
    options: ImportOptions | None,
    reporter: ImportReporter | None,
) -> CaseImportSummary:
    options = options or ImportOptions()
    source = CsvSource(
        path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, ignored=REJECT_COLUMNS
    )
    with engine.connect().execution_options(**{READ_ONLY: True}) as reader:
        if options.dry_run:
            run = _run(
                source, _CaseSink(reader, None, move_debts=options.move_debts), options, reporter
            )
            return CaseImportSummary(path.name, run.run(), CaseCounts(), False, True)
        return _write_cases(
            engine, reader, source, path, clock=clock, options=options, reporter=reporter
        )


def _write_cases(
    engine: Engine,
    reader: Connection,
    source: CsvSource,
    path: Path,
    *,
    clock: Clock,
    options: ImportOptions,
    reporter: ImportReporter | None,
) -> CaseImportSummary:
    with engine.connect() as connection:
        transaction = connection.begin()
        writer = CaseWriter(connection, now=clock.now(), file_name=path.name)
        sink = _CaseSink(reader, None, move_debts=options.move_debts)
        try:
            sink = _CaseSink(reader, writer, move_debts=options.move_debts)
            run = _run(source, sink, options, reporter)
            tally = run.run()
            sink.finish()
            committed = run.should_commit
            if committed:
                transaction.commit()
            else:
                transaction.rollback()
        except BaseException:
            sink.stop()
            transaction.rollback()
            raise
    counts = writer.counts if committed else CaseCounts()
    return CaseImportSummary(path.name, tally, counts, committed, False)


def _run(
    source: CsvSource,
    sink: _CaseSink,
    options: ImportOptions,
    reporter: ImportReporter | None,
) -> ImportRun[CaseRow]:
    return ImportRun(
        source,
        validate=_DuplicateCheck(),
        sink=sink,
        options=options,
        reporter=reporter or SilentReporter(),
    )


__all__ = ["CaseImportSummary", "import_cases"]
