"""`dialer reconcile`: one reconciliation pass now (what the scheduler runs every 15 s)."""

from __future__ import annotations

from datetime import timedelta

import click

from config.settings import load_settings
from dialer.reconciliation.resolve import FAILED_CALLBACK_AFTER, LOST_AFTER, STUCK_AFTER, reconcile


@click.command("reconcile")
@click.option(
    "--stuck-after",
    type=click.FloatRange(min=0),
    default=STUCK_AFTER.total_seconds(),
    show_default=True,
    help="Seconds before a reserved or dialing attempt is looked up at the provider.",
)
@click.option(
    "--lost-after",
    type=click.FloatRange(min=0),
    default=LOST_AFTER.total_seconds(),
    show_default=True,
    help="Seconds before a placed attempt with no final status is fetched from the provider.",
)
@click.option(
    "--failed-after",
    type=click.FloatRange(min=0),
    default=FAILED_CALLBACK_AFTER.total_seconds(),
    show_default=True,
    help="Seconds before an attempt whose callback could not apply is fetched.",
)
def reconcile_command(stuck_after: float, lost_after: float, failed_after: float) -> None:
    """Resolve attempts left without a known fate: ask the provider, apply what it says."""
    from dialer.scheduling.runtime import build_runtime

    runtime = build_runtime(load_settings())
    try:
        report = reconcile(
            runtime.services.sessions,
            runtime.telephony,
            now=runtime.services.clock.now(),
            stuck_after=timedelta(seconds=stuck_after),
            lost_after=timedelta(seconds=lost_after),
            failed_after=timedelta(seconds=failed_after),
        )
    finally:
        runtime.close()
    click.echo(
        f"released {report.released}, adopted {report.adopted}, "
        f"finalized {report.finalized}, unresolved {report.unresolved}"
    )
