"""Entry point of the `dialer` command: wires each feature's click group."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import DBAPIError

from config.errors import ConfigurationError
from dialer.db.readiness import explain_database_error
from dialer.errors import DialerError


class DialerGroup(click.Group):
    """Turns a DialerError, a bad setting, or a database that is down or not migrated, into a
    clear one-line message and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DialerError, ConfigurationError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except DBAPIError as exc:
            message = explain_database_error(exc)
            if message is None:
                raise
            click.echo(f"error: {message}", err=True)
            sys.exit(2)


@click.group(cls=DialerGroup)
@click.version_option(package_name="dialer")
def cli() -> None:
    """Compliant debt-collection contact campaigns on Twilio."""


def _register() -> None:
    from dialer.cli import compliance, db

    cli.add_command(db.db)
    cli.add_command(compliance.compliance)
    # The one place production code names the emulator (a DESIGN contract: `dialer
    # twilio-emulator`); the import-linter contracts name this import as their exception.
    from twilio_emulator.cli import twilio_emulator

    cli.add_command(twilio_emulator)
    from dialer.cli import users

    cli.add_command(users.users)
    from dialer.cli import cases, importing

    cli.add_command(importing.import_group, name="import")
    cli.add_command(cases.cases)
    from dialer.cli import webhooks

    cli.add_command(webhooks.webhooks)
    from dialer.cli import processes

    processes.register(cli)
    from dialer.cli import demo, simulate

    cli.add_command(demo.demo)
    from dialer.cli import handoff

    cli.add_command(handoff.handoff)
    from dialer.cli import reports

    cli.add_command(reports.report)
    cli.add_command(simulate.simulate)
    from dialer.cli import reconcile

    cli.add_command(reconcile.reconcile_command)
    from dialer.cli import suppression

    cli.add_command(suppression.suppression)


_register()


def main() -> None:
    cli(prog_name="dialer")
