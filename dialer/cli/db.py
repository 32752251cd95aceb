"""`dialer db ...`: migrations."""

from __future__ import annotations

import click

from config.settings import load_settings
from dialer.db import migrate


@click.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    settings = load_settings()
    migrate.upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")


@db.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree (run in CI)."""
    settings = load_settings()
    migrate.check(settings.database_url)
    click.echo("models and migrations agree")
