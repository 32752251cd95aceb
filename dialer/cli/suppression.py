"""`dialer suppression ...`: the list of numbers never to contact, whoever's file they are on."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.db.engine import transaction
from dialer.errors import InputError
from dialer.suppression.admin import (
    active_entries,
    add_number,
    apply_upload,
    parse_number,
    read_upload,
    remove_number,
)
from dialer.suppression.numbers import describe

_COLUMNS = ("number", "kind", "scope", "source", "added_at", "added_by", "reason", "removed_at")
_ACTOR = click.option(
    "--actor", default="cli", show_default=True, help="who makes the change (audit log)"
)


@contextmanager
def _services() -> Iterator[Services]:
    services = build_services(load_settings())
    try:
        yield services
    finally:
        services.close()


@click.group()
def suppression() -> None:
    """Numbers not to contact (opt-outs, wrong numbers, admins' entries); follows the number."""


@suppression.command("add")
@click.argument("number")
@click.option("--reason", required=True, help="why (kept in the list and the audit log)")
@click.option(
    "--scope", type=click.Choice(["all", "sms", "call"]), default="all", show_default=True
)
@_ACTOR
def add(number: str, reason: str, scope: str, actor: str) -> None:
    """Put NUMBER on the list."""
    with _services() as services, transaction(services.sessions) as session:
        entry = add_number(
            session, number, scope=scope, reason=reason, actor=actor, now=services.clock.now()
        )
        if entry is None:
            click.echo(f"{parse_number(number)} is already on the list ({scope})")
        else:
            click.echo(f"added {entry.e164} ({entry.scope}): {entry.reason}")


@suppression.command("remove")
@click.argument("number")
@click.option("--reason", required=True, help="why it comes off the list")
@_ACTOR
def remove(number: str, reason: str, actor: str) -> None:
    """Take every entry in force for NUMBER off the list (the audit log keeps them)."""
    with _services() as services, transaction(services.sessions) as session:
        entries = remove_number(
            session, number, reason=reason, actor=actor, now=services.clock.now()
        )
        for entry in entries:
            click.echo(f"removed {entry.e164} {entry.kind} ({entry.scope})")


@suppression.command("list")
@click.option("--number", default=None, help="only this number")
@click.option("--all", "include_removed", is_flag=True, help="removed entries too")
def list_entries(number: str | None, *, include_removed: bool) -> None:
    """The entries in force, as tab-separated lines."""
    wanted = parse_number(number) if number else None
    with _services() as services, transaction(services.sessions) as session:
        entries = active_entries(session, number=wanted, include_removed=include_removed)
        click.echo("\t".join(_COLUMNS))
        for entry in entries:
            row = describe(entry)
            click.echo("\t".join(str(row[key] or "") for key in _COLUMNS))


@suppression.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", default=None, help="the reason for lines without a 'reason' cell")
@click.option("--dry-run", is_flag=True, help="check every line, change nothing")
@click.option("--skip-invalid", is_flag=True, help="add the good lines even if some are bad")
@_ACTOR
def import_file(
    file: Path, reason: str | None, actor: str, *, dry_run: bool, skip_invalid: bool
) -> None:
    """Add the numbers of a CSV file (columns: number, reason, scope)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    report = read_upload(text, default_reason=reason)
    for error in report.errors:
        click.echo(f"{file}: {error}", err=True)
    if dry_run:
        click.echo(f"dry run: {len(report.valid)} valid lines, {len(report.errors)} bad; no change")
        sys.exit(2 if report.errors else 0)
    if report.errors and not skip_invalid:
        click.echo(
            f"{len(report.errors)} bad lines: nothing changed (--skip-invalid adds the rest)"
        )
        sys.exit(2)
    with _services() as services, transaction(services.sessions) as session:
        apply_upload(session, report, actor=actor, now=services.clock.now(), skip_invalid=True)
    click.echo(
        f"added {report.added}, already listed {report.already}, skipped {len(report.errors)}"
    )
