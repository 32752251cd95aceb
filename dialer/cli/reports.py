"""`dialer report contacts`: the contact report as CSV, in the operator's zone or by each
consumer's own local day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from config.settings import load_settings
from dialer.admin.reports import DayBasis, GroupBy, ReportQuery, contact_report, report_csv
from dialer.bootstrap import build_services
from dialer.db.engine import transaction
from dialer.errors import InputError


@click.group("report")
def report() -> None:
    """Reports over any range of days."""


@report.command("contacts")
@click.option("--start", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", "end", required=True, help="Last day (included), YYYY-MM-DD.")
@click.option("--zone", default="UTC", show_default=True, help="The operator's time zone.")
@click.option(
    "--days",
    type=click.Choice([d.value for d in DayBasis]),
    default=DayBasis.OPERATOR.value,
    show_default=True,
    help="operator: days in --zone; consumer: each contact on the consumer's own local day.",
)
@click.option(
    "--group-by",
    type=click.Choice([g.value for g in GroupBy]),
    default=GroupBy.CAMPAIGN.value,
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout.")
def contacts(  # noqa: PLR0917 - click passes one argument per option
    start: str, end: str, zone: str, days: str, group_by: str, out: Path | None
) -> None:
    """Attempts, contact and right-party rates, promises and blocks by reason, as CSV."""
    query = ReportQuery(
        start=_day(start, "--start"),
        end=_day(end, "--end"),
        zone=_zone(zone),
        group_by=GroupBy(group_by),
        days=DayBasis(days),
    )
    services = build_services(load_settings())
    try:
        with transaction(services.sessions) as session:
            text = report_csv(contact_report(session, query))
    finally:
        services.close()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"report written to {out}")


def _day(text: str, option: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day
    except ValueError:
        raise InputError(f"{option} {text!r} is not a day like 2026-03-17") from None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"--zone {name!r} is not a time zone like America/New_York") from None
