"""`dialer cases ...`: look at the case record from the terminal."""

from __future__ import annotations

import click

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.cases.terminal_view import render_case


@click.group()
def cases() -> None:
    """The case record."""


@cases.command("show")
@click.argument("ref")
def show(ref: str) -> None:
    """Show the case of REF (a debt reference or a consumer reference), timeline included."""
    services = build_services(load_settings())
    try:
        with services.sessions() as session:
            click.echo(render_case(session, ref))
    finally:
        services.close()
