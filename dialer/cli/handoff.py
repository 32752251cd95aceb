"""`dialer handoff export --party agency|legal`: escalated debts handed over with their case."""

from __future__ import annotations

from pathlib import Path

import click

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.clients.handoff import PARTIES, export_handoff
from dialer.db.engine import transaction


@click.group("handoff")
def handoff() -> None:
    """Hand escalated debts to an agency or the legal team."""


@handoff.command("export")
@click.option("--party", type=click.Choice(sorted(PARTIES)), required=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/handoffs"),
    show_default=True,
)
def export(party: str, out: Path) -> None:
    """Write the debts escalated to PARTY and not yet handed over (CSV and JSON) and mark them
    placed with PARTY; each debt is handed over once."""
    services = build_services(load_settings())
    try:
        with transaction(services.sessions) as session:
            done = export_handoff(session, party=party, out_dir=out, now=services.clock.now())
    finally:
        services.close()
    if done.debts == 0:
        click.echo(f"nothing to hand to the {party} team")
        return
    click.echo(
        f"{done.debts} debts placed with the {party} team: {done.csv_path}, {done.json_path}"
    )
