"""`dialer compliance explain CASE_REF`: why not now, and when? (the case record's decision)"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.cases.why_not_now import explain_case
from dialer.compliance import render_decision
from dialer.errors import InputError
from dialer.vocabulary import Channel, ContactMode


def _parse_at(value: str | None, now: datetime) -> datetime:
    if value is None:
        return now
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"--at: not an ISO 8601 time: {value!r}") from exc
    if moment.tzinfo is None:
        raise InputError(f"--at: {value!r} has no UTC offset; write it like 2026-03-02T15:00:00Z")
    return moment.astimezone(UTC)


@click.command("explain")
@click.argument("case_ref")
@click.option("--channel", type=click.Choice([c.value for c in Channel]), default="call")
@click.option("--mode", type=click.Choice([m.value for m in ContactMode]), default="automated")
@click.option("--at", "at_text", default=None, help="ISO 8601 time with offset (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
def explain(case_ref: str, channel: str, mode: str, at_text: str | None, as_json: bool) -> None:
    """Would a CHANNEL contact about CASE_REF (debt or consumer reference) be lawful, and when?"""
    settings = load_settings()
    services = build_services(settings)
    try:
        at = _parse_at(at_text, services.clock.now())
        packs = services.packs
        with services.sessions() as session:
            decision = explain_case(
                session,
                case_ref=case_ref,
                channel=Channel(channel),
                at=at,
                packs=packs,
                mode=ContactMode(mode),
            )
    finally:
        services.close()
    if as_json:
        click.echo(json.dumps(decision.to_dict(), indent=2, sort_keys=True))
    else:
        click.echo(render_decision(decision))
