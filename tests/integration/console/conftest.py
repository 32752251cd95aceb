"""The console app on the test database, seeded, with a Flask test client per role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from console.context import state
from dialer.bootstrap import Services
from dialer.db.engine import transaction
from tests.integration.console.seed import PASSWORD, Seeded, seed
from web.app import create_app

USERNAMES = {"admin": "alice", "supervisor": "sam", "agent": "ann"}
_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


@pytest.fixture
def app(services: Services) -> Flask:
    return create_app(services=services)


@pytest.fixture
def seeded(app: Flask, services: Services) -> Seeded:
    with app.app_context(), transaction(services.sessions) as session:
        return seed(session, now=services.clock.now(), packs=state().packs)


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match is not None, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302, response.text


@pytest.fixture
def client_for(app: Flask, seeded: Seeded) -> Callable[[str | None], FlaskClient]:
    def make(role: str | None) -> FlaskClient:
        client = app.test_client()
        if role is not None:
            login(client, USERNAMES[role])
        return client

    return make


def form_post(client: FlaskClient, page: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """Post a form the way a browser does: with the CSRF token from the page it is on."""
    token = csrf_token(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token})
