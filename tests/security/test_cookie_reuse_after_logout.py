"""Attack: copy a session cookie, wait for the user to sign out, and use the copy."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.console.conftest import csrf_token, login
from tests.integration.console.seed import Seeded

COOKIE = "dialer_session"


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def test_a_copied_cookie_stops_working_at_sign_out(
    app: Flask, client_for: Callable[[str | None], FlaskClient], seeded: Seeded
) -> None:
    victim = client_for("admin")
    assert victim.get("/users").status_code == 200
    stolen = _cookie(victim)

    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert thief.get("/users").status_code == 200  # the copy works while the user is in

    token = csrf_token(victim.get("/users").text)
    assert victim.post("/logout", data={"csrf_token": token}).status_code == 302

    replayed = thief.get("/users")
    assert replayed.status_code == 302
    assert "/login" in replayed.headers["Location"]


def test_signing_in_again_works_after_sign_out(
    client_for: Callable[[str | None], FlaskClient], seeded: Seeded
) -> None:
    client = client_for("admin")
    token = csrf_token(client.get("/users").text)
    client.post("/logout", data={"csrf_token": token})
    login(client, "alice")
    assert client.get("/users").status_code == 200
