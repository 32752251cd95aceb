"""`dialer webhooks replay`: re-apply ledger events that were stored but not applied."""

from __future__ import annotations

import sys

import click

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.callbacks import APPLIERS
from dialer.ledger import replay_events


@click.group()
def webhooks() -> None:
    """The webhook event ledger."""


@webhooks.command("replay")
@click.option("--failed", "failed_only", is_flag=True, help="Only events that failed to apply.")
@click.option("--id", "event_id", type=int, default=None, help="Only this event.")
def replay(failed_only: bool, event_id: int | None) -> None:
    """Re-apply events whose applied_at is empty (or one event); exit 1 if any still fails."""
    services = build_services(load_settings())
    try:
        results = replay_events(
            services.sessions,
            appliers=APPLIERS,
            now=services.clock.now(),
            failed_only=failed_only,
            event_id=event_id,
        )
    finally:
        services.close()
    for result in results:
        line = f"event {result.event_id} ({result.kind}): {result.status}"
        click.echo(line + (f": {result.error}" if result.error else ""))
    if event_id is not None and not results:
        click.echo(f"event {event_id}: not found", err=True)
        sys.exit(1)
    click.echo(f"{sum(r.status == 'applied' for r in results)} of {len(results)} applied")
    if any(r.status != "applied" for r in results):
        sys.exit(1)
