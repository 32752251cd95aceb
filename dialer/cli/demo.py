"""`dialer demo`: the main job end to end on loopback, with a live view and a report."""

from __future__ import annotations

import sys
from datetime import datetime
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
@click.option(
    "--at",
    "at_text",
    default=None,
    metavar="ISO",
    help="Rehearse: the campaign starts at this ISO 8601 time with offset "
    "(e.g. 2027-03-15T07:55:00-04:00); every process shares that clock.",
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
    at_text: str | None,
    seed: int,
    workdir: Path | None,
) -> None:
    """Run a staged campaign against the local Twilio emulator and write var/demo/report.html.

    Exit status 0 when it ran and the independent re-audit found no violation.
    """
    from dialer.demo import DemoOptions, run_demo

    at = None if at_text is None else _parse_at(at_text)
    options = DemoOptions(
        at=at,
        cases_file=cases_file,
        history_file=history_file,
        duration=duration,
        cps=cps,
        consumers=consumers,
        seed=seed,
        workdir=workdir,
    )
    sys.exit(run_demo(options))


def _parse_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {text!r}", param_hint="--at") from None
    if moment.tzinfo is None:
        msg = f"{text!r} has no UTC offset; write it like 2027-03-15T07:55:00-04:00"
        raise click.BadParameter(msg, param_hint="--at")
    return moment
