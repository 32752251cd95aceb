"""`dialer import ...`: cases, history, and a synthetic portfolio generator."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import click

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.clock import monotonic
from dialer.compliance import load_rule_packs
from dialer.importing import (
    CaseImportSummary,
    HistoryImportSummary,
    ImportOptions,
    RowIssue,
    import_cases,
    import_history,
)


class TerminalReporter:
    """Errors and warnings on stderr as they are found; a progress line only on a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self._last = 0.0
        self._shown = False

    def issue(self, issue: RowIssue, *, error: bool) -> None:
        self._clear()
        click.echo(f"{'error' if error else 'warning'}: {issue}", err=True)

    def progress(self, rows: int, fraction: float) -> None:
        now = monotonic()
        if self.live and (now - self._last >= 0.2 or fraction >= 1.0):
            self._last = now
            click.echo(f"\r  {rows:,} rows read ({fraction:.0%})", err=True, nl=False)
            self._shown = True

    def _clear(self) -> None:
        if self._shown:
            click.echo("\r\033[K", err=True, nl=False)
            self._shown = False

    def done(self) -> None:
        self._clear()


@click.group("import")
def import_group() -> None:
    """Load cases and past contacts from CSV files (columns: docs/csv-format.md)."""


def _options(
    file: Path,
    *,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    move_debts: bool = False,
) -> ImportOptions:
    rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
    if file.suffix == ".csv":
        rejects_path = rejects or file.with_suffix(".rejects.csv")
    return ImportOptions(
        dry_run=dry_run, skip_invalid=skip_invalid, rejects_path=rejects_path, move_debts=move_debts
    )


_FILE = click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
_DRY = click.option("--dry-run", is_flag=True, help="Validate only; change nothing.")
_SKIP = click.option(
    "--skip-invalid", is_flag=True, help="Import the good rows; write the bad ones to --rejects."
)
_REJECTS = click.option(
    "--rejects", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Where --skip-invalid writes the rejected rows [default: FILE.rejects.csv].",
)  # fmt: skip


S = TypeVar("S", CaseImportSummary, HistoryImportSummary)


@import_group.command("cases")
@_FILE
@_DRY
@_SKIP
@_REJECTS
@click.option(
    "--move-debts",
    is_flag=True,
    help="Let a debt_ref held by another consumer move to the row's consumer (a timeline "
    "event on both); without it such a row is an error.",
)
def cases_command(
    file: Path, dry_run: bool, skip_invalid: bool, rejects: Path | None, move_debts: bool
) -> None:
    """Load or update consumers, phones and debts from FILE (one row per debt)."""
    summary = _run(
        import_cases,
        file,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects=rejects,
        move_debts=move_debts,
    )
    _print_cases(summary)
    sys.exit(_status(summary))


@import_group.command("history")
@_FILE
@_DRY
@_SKIP
@_REJECTS
def history_command(file: Path, dry_run: bool, skip_invalid: bool, rejects: Path | None) -> None:
    """Load contacts made before this system took over (they count toward contact limits)."""
    summary = _run(
        partial(import_history, packs=load_rule_packs(load_settings().rules_dir)),
        file,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects=rejects,
    )
    _print_history(summary)
    sys.exit(_status(summary))


def _run(
    importer: Callable[..., S],
    file: Path,
    *,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    move_debts: bool = False,
) -> S:
    """One import with the process's settings, a terminal reporter, and everything closed."""
    services = build_services(load_settings())
    reporter = TerminalReporter()
    try:
        options = _options(
            file,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            rejects=rejects,
            move_debts=move_debts,
        )
        return importer(
            services.engine, file, clock=services.clock, options=options, reporter=reporter
        )
    finally:
        reporter.done()
        services.close()


@import_group.command("generate")
@click.option("--consumers", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--history", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--history-start", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"]))
@click.option("--seed", type=int, default=1, show_default=True)
def generate_command(
    consumers: int, out: Path, history: Path | None, history_start: datetime | None, seed: int
) -> None:
    """Write a deterministic synthetic portfolio (and optionally its contact history)."""
    from dialer.demo.portfolio import write_portfolio

    start = history_start
    if start is not None and start.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. 2026-03-01T00:00:00+0000")
    summary = write_portfolio(
        out, consumers=consumers, seed=seed, history_path=history, history_start=start
    )
    click.echo(
        f"wrote {summary.debts:,} debts of {summary.consumers:,} consumers to {out}"
        + (f"; {summary.history_rows:,} past contacts to {history}" if history else "")
    )


def _status(summary: CaseImportSummary | HistoryImportSummary) -> int:
    if summary.tally.rejected and not (summary.committed and not summary.dry_run):
        return 1
    return 0


def _head(summary: CaseImportSummary | HistoryImportSummary) -> None:
    tally = summary.tally
    if summary.dry_run:
        verdict = "dry run: nothing written"
    elif summary.committed:
        verdict = "imported"
    else:
        verdict = "NOTHING imported: fix the rows above or use --skip-invalid"
    click.echo(f"{summary.file}: {verdict}")
    click.echo(
        f"  rows read {tally.rows_read:,}, valid {tally.rows_valid:,}, "
        f"rejected {tally.rejected:,}, warnings {tally.warnings:,}"
    )
    if tally.rejects_path is not None:
        click.echo(f"  rejected rows and reasons written to {tally.rejects_path}")


def _print_cases(summary: CaseImportSummary) -> None:
    _head(summary)
    if not summary.committed:
        return
    c = summary.counts
    click.echo(
        f"  consumers: {c.consumers_created:,} created, {c.consumers_updated:,} updated, "
        f"{c.consumers_unchanged:,} unchanged\n"
        f"  debts: {c.debts_created:,} created, {c.debts_updated:,} updated, "
        f"{c.debts_unchanged:,} unchanged, {c.debts_moved:,} moved to another consumer\n"
        f"  phones: {c.phones_created:,} created, {c.phones_updated:,} updated; "
        f"flags added {c.flags_added:,}, opt-outs added {c.opt_outs_added:,}, "
        f"inconvenient times added {c.inconvenient_times_added:,}; "
        f"clients created {c.clients_created:,}"
    )


def _print_history(summary: HistoryImportSummary) -> None:
    _head(summary)
    if not summary.committed:
        return
    c = summary.counts
    click.echo(
        f"  past contacts: {c.attempts_added:,} added, {c.already_present:,} already present; "
        f"opt-outs added {c.opt_outs_added:,}, opt-ins {c.opt_ins:,}"
    )
