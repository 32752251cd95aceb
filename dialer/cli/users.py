"""`dialer users ...`: console users and API tokens."""

from __future__ import annotations

import sys

import click

from config.settings import load_settings
from dialer.admin.accounts import create_user, find_user, issue_api_token
from dialer.bootstrap import build_services
from dialer.clients.access import limit_user_to_clients
from dialer.db.engine import transaction
from dialer.errors import InputError


@click.group()
def users() -> None:
    """Console users (admin, supervisor, agent) and their API tokens."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "supervisor", "agent"]), required=True)
@click.option("--phone", default=None, help="the agent's phone in E.164 (bridged calls ring it)")
@click.option("--name", "display_name", default=None, help="the name shown in the console")
@click.option("--language", type=click.Choice(["en", "zh", "es"]), default="en", show_default=True)
@click.option(
    "--speaks",
    "languages",
    multiple=True,
    type=click.Choice(["en", "zh", "es"]),
    help="a language the agent speaks with consumers (repeat; routing prefers a match)",
)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option(
    "--if-missing",
    is_flag=True,
    help="a user of that name already there is kept as it is (no error): safe to run twice",
)
def create(
    username: str,
    role: str,
    phone: str | None,
    display_name: str | None,
    language: str,
    *,
    languages: tuple[str, ...],
    password_stdin: bool,
    if_missing: bool,
) -> None:
    """Create USERNAME with a role (and a password, read from stdin or asked for)."""
    if if_missing and _kept(username):
        return
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    services = build_services(load_settings())
    try:
        with transaction(services.sessions) as session:
            user = create_user(
                session,
                username=username,
                role=role,
                now=services.clock.now(),
                actor="cli",
                display_name=display_name,
                phone_e164=phone,
                password=password,
                language=language,
                languages=languages,
                reason="created with dialer users create",
            )
            click.echo(f"created {user.username} ({user.role})")
    finally:
        services.close()


def _kept(username: str) -> bool:
    """USERNAME exists: say so and change nothing (its role, phone and password stay)."""
    services = build_services(load_settings())
    try:
        with transaction(services.sessions) as session:
            user = find_user(session, username)
            if user is not None:
                click.echo(f"{user.username} exists ({user.role}): kept")
            return user is not None
    finally:
        services.close()


@users.command("token")
@click.argument("username")
def token(username: str) -> None:
    """Issue a new API token for USERNAME (printed once; the previous token stops working)."""
    services = build_services(load_settings())
    try:
        with transaction(services.sessions) as session:
            user = find_user(session, username)
            if user is None:
                raise InputError(f"no user named {username!r}")
            click.echo(
                issue_api_token(session, user_id=user.id, now=services.clock.now(), actor="cli")
            )
    finally:
        services.close()


@users.command("clients")
@click.argument("username")
@click.argument("codes", nargs=-1)
def clients(username: str, codes: tuple[str, ...]) -> None:
    """Limit USERNAME to the clients CODES (their cases, reports and exports only); with no
    CODES the user sees every client again."""
    services = build_services(load_settings())
    try:
        with transaction(services.sessions) as session:
            kept = limit_user_to_clients(
                session, username=username, codes=list(codes), actor="cli", now=services.clock.now()
            )
        click.echo(
            f"{username}: limited to {', '.join(kept)}" if kept else f"{username}: every client"
        )
    finally:
        services.close()
