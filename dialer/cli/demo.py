"""`dialer demo`: the main job end to end on loopback, with a live view and a report."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("demo")
@click.option(
    "--cases",
    "cases_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Cases CSV to import instead of the synthetic portfolio.",
)
@click.option(
    "--history",
    "history_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Prior contact history CSV (contacts made before this system).",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=5),
    default=60.0,
    show_default=True,
    help="Seconds the campaign runs.",
)
@click.option(
    "--cps",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Calls per second (DIALER_CALLS_PER_SECOND for the worker).",
)
@click.option(
    "--consumers",
    type=click.IntRange(10),
    default=2000,
    show_default=True,
    hidden=True,
    help="Size of the synthetic portfolio (development and tests).",
)
@click.option("--seed", type=int, default=7, hidden=True)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    hidden=True,
    help="Where the database, logs and report go (default var/demo).",
)
def demo(  # noqa: PLR0917 - click passes options positionally
    cases_file: Path | None,
    history_file: Path | None,
    duration: float,
    cps: float,
    consumers: int,
    seed: int,
    workdir: Path | None,
) -> None:
    """Run a staged campaign against the local Twilio emulator and write var/demo/report.html.

    Exit status 0 when it ran and the independent re-audit found no violation.
    """
    from dialer.demo import DemoOptions, run_demo

    options = DemoOptions(
        cases_file=cases_file,
        history_file=history_file,
        duration=duration,
        cps=cps,
        consumers=consumers,
        seed=seed,
        workdir=workdir,
    )
    sys.exit(run_demo(options))
