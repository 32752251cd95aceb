"""`dialer campaigns ...`: create from YAML, list, pause, resume, enrol."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.campaigns import (
    create_campaign,
    enrol,
    find_campaign,
    get_campaign,
    list_campaigns,
    set_status,
)
from dialer.campaigns.loader import load_definition
from dialer.db.engine import transaction
from dialer.vocabulary import CampaignStatus


@contextmanager
def _services() -> Iterator[Services]:
    services = build_services(load_settings())
    try:
        yield services
    finally:
        services.close()


@click.group("campaigns")
def campaigns() -> None:
    """Contact campaigns: staged strategies of SMS, IVR and agent calls."""


@campaigns.command("create")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--activate", is_flag=True, help="Make it active at once (default: draft).")
@click.option(
    "--if-missing",
    is_flag=True,
    help="a campaign of that name already there is kept as it is (definition, version and "
    "status; no error): safe to run twice",
)
def create(file: Path, activate: bool, *, if_missing: bool) -> None:
    """Create or update a campaign from FILE.yaml (validated; hours checked against the law)."""
    definition = load_definition(file)
    with _services() as services, transaction(services.sessions) as session:
        existing = find_campaign(session, definition.name) if if_missing else None
        if existing is not None:
            click.echo(
                f"campaign {existing.name} exists: kept (version {existing.version}, "
                f"{existing.status})"
            )
            return
        packs = services.packs
        # created as a draft, then activated: activation checks what the steps need (agents)
        campaign = create_campaign(
            session,
            definition,
            packs=packs,
            now=services.clock.now(),
            collector=services.collector,
            status=CampaignStatus.DRAFT,
        )
        if activate:
            set_status(session, campaign.name, CampaignStatus.ACTIVE, now=services.clock.now())
        click.echo(f"campaign {campaign.name}: version {campaign.version}, {campaign.status}")


@campaigns.command("list")
def list_command() -> None:
    """Each campaign with its status, version and steps."""
    with _services() as services, transaction(services.sessions) as session:
        rows = list_campaigns(session)
        if not rows:
            click.echo("no campaigns")
        for campaign in rows:
            steps = " > ".join(s["kind"] for s in campaign.definition.get("steps", []))
            click.echo(f"{campaign.name:<30} {campaign.status:<9} v{campaign.version:<3} {steps}")


def _move(name: str, status: CampaignStatus) -> None:
    with _services() as services, transaction(services.sessions) as session:
        campaign = set_status(session, name, status, now=services.clock.now())
        click.echo(f"campaign {campaign.name}: {campaign.status}")


@campaigns.command("pause")
@click.argument("name")
def pause(name: str) -> None:
    """Stop dispatching NAME (takes effect on the next tick)."""
    _move(name, CampaignStatus.PAUSED)


@campaigns.command("resume")
@click.argument("name")
def resume(name: str) -> None:
    """Activate (or resume) NAME."""
    _move(name, CampaignStatus.ACTIVE)


@campaigns.command("enrol")
@click.argument("name")
def enrol_command(name: str) -> None:
    """Put every matching, unenrolled debt on NAME's first step, due now."""
    with _services() as services, transaction(services.sessions) as session:
        count = enrol(session, get_campaign(session, name), now=services.clock.now())
        click.echo(f"campaign {name}: {count} debts enrolled")
