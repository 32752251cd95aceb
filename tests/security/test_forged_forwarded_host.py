"""Attack: with one trusted proxy, send X-Forwarded-Host so that a signature made for another
URL (another deployment, a captured request) is checked against that URL instead of
PUBLIC_BASE_URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from twilio.request_validator import RequestValidator

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.clock import FakeClock
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.helpers import attempt_row
from web.app import create_app

PUBLIC = "https://hooks.example.com"
DATA = {"CallSid": "CA" + "1" * 32, "CallStatus": "ringing", "SequenceNumber": "1"}


@pytest.fixture
def proxied(db_url: str, clock: FakeClock) -> Iterator[tuple[Flask, Services]]:
    settings = load_settings(
        DATABASE_URL=db_url,
        DIALER_ENV="test",
        DIALER_TRUSTED_PROXY_COUNT=1,
        PUBLIC_BASE_URL=PUBLIC,
    )
    services = build_services(settings, clock=clock)
    try:
        yield create_app(services=services), services
    finally:
        services.close()


def _sign(services: Services, url: str) -> str:
    token = services.settings.twilio_auth_token.get_secret_value()
    return RequestValidator(token).compute_signature(url, DATA)


def test_a_signature_for_the_forwarded_host_is_refused(
    proxied: tuple[Flask, Services],
) -> None:
    app, services = proxied
    case = make_case(services.sessions, now=services.clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    forged = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "staging.evil.example",
        "X-Twilio-Signature": _sign(services, "https://staging.evil.example" + path),
    }
    with app.test_client() as client:
        assert client.post(path, data=DATA, headers=forged).status_code == 403
    assert attempt_row(services.sessions, case.attempt_id).status == "queued"


def test_twilios_own_signature_passes_whatever_the_forwarded_host(
    proxied: tuple[Flask, Services],
) -> None:
    app, services = proxied
    case = make_case(services.sessions, now=services.clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    headers = {
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "internal:8080",
        "X-Twilio-Signature": _sign(services, PUBLIC + path),
    }
    with app.test_client() as client:
        assert client.post(path, data=DATA, headers=headers).status_code == 204
    assert attempt_row(services.sessions, case.attempt_id).status == "ringing"
