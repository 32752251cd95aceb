"""Signing in: passwords, throttling, CSRF and cookie settings."""

from __future__ import annotations

from flask import Flask

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from tests.integration.console.conftest import csrf_token, login
from tests.integration.console.seed import PASSWORD, Seeded
from web.app import create_app


def test_a_user_signs_in_and_lands_on_their_page(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    assert client.get("/").headers["Location"].endswith("/desk")
    supervisor = app.test_client()
    login(supervisor, "sam")
    assert supervisor.get("/").headers["Location"].endswith("/dashboard")


def test_a_wrong_password_is_refused_and_five_failures_lock_the_username(
    app: Flask, seeded: Seeded
) -> None:
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    for _ in range(5):
        response = client.post(
            "/login", data={"username": "ann", "password": "nope-nope-nope", "csrf_token": token}
        )
        assert response.status_code == 401
        assert "Wrong username or password" in response.text
    locked = client.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token}
    )
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    # another user from the same address is not affected
    other = client.post(
        "/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token}
    )
    assert other.status_code == 302


def test_a_form_without_its_csrf_token_is_rejected(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    response = client.post("/login", data={"username": "ann", "password": PASSWORD})
    assert response.status_code == 400
    login(client, "ann")
    assert client.post("/desk/availability", data={"availability": "available"}).status_code == 400


def test_session_cookie_is_http_only_and_same_site_lax(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "ann", "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # http:// public URL in tests


def test_cookies_are_secure_when_the_public_url_is_https(db_url: str) -> None:
    settings = load_settings(
        DATABASE_URL=db_url, DIALER_ENV="test", PUBLIC_BASE_URL="https://dialer.example.com"
    )
    services: Services = build_services(settings)
    try:
        app = create_app(services=services)
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
    finally:
        services.close()


def test_signing_out_needs_a_post_with_the_token(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "ann")
    assert client.get("/logout").status_code == 405
    token = csrf_token(client.get("/desk").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/desk").status_code == 302
