"""Attack: scrape /metrics without credentials, strip TLS on a later visit, or read a case
page back from a shared browser or proxy cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config.settings import load_settings
from dialer.bootstrap import build_services
from dialer.clock import FakeClock
from tests.conftest import AS_SCRAPER
from tests.integration.console.seed import Seeded


def _app(db_url: str, clock: FakeClock, **settings: str) -> Iterator[Flask]:
    from web.app import create_app

    services = build_services(load_settings(DATABASE_URL=db_url, **settings), clock=clock)
    try:
        yield create_app(services=services)
    finally:
        services.close()


@pytest.fixture
def untokened_production(db_url: str, clock: FakeClock) -> Iterator[Flask]:
    yield from _app(
        db_url,
        clock,
        DIALER_ENV="production",
        SECRET_KEY="s" * 32,
        TWILIO_ACCOUNT_SID="AC" + "b" * 32,
        TWILIO_AUTH_TOKEN="t" * 32,
        PUBLIC_BASE_URL="https://dialer.example.com",
    )


@pytest.fixture
def development(db_url: str, clock: FakeClock) -> Iterator[Flask]:
    yield from _app(db_url, clock, DIALER_ENV="development")


def test_metrics_need_the_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
    assert wrong.status_code == 401
    assert "dialer_" not in wrong.get_data(as_text=True)
    scraped = client.get("/metrics", headers=AS_SCRAPER)
    assert scraped.status_code == 200
    assert "dialer_webhook_events_total" in scraped.get_data(as_text=True)


def test_metrics_are_refused_outside_development_without_a_token(
    untokened_production: Flask, development: Flask
) -> None:
    refused = untokened_production.test_client().get("/metrics")
    assert refused.status_code == 403
    assert "DIALER_METRICS_TOKEN" in refused.get_data(as_text=True)
    assert development.test_client().get("/metrics").status_code == 200


def test_hsts_when_the_public_address_is_https(
    untokened_production: Flask, development: Flask
) -> None:
    secure = untokened_production.test_client().get("/login")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in development.test_client().get("/login").headers


def test_pages_and_api_answers_with_personal_data_are_never_stored(
    client_for: Callable[[str | None], FlaskClient], seeded: Seeded
) -> None:
    client = client_for("supervisor")
    for path in (f"/cases/{seeded.debt_id}", "/cases?q=Maria", "/login"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    api = client.get("/api/v1/cases")  # even the 401 answer
    assert api.headers["Cache-Control"] == "no-store"
