"""The app on the test database, and requests signed the way Twilio signs them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from dialer.bootstrap import Services
from web.app import create_app


class Twilio:
    """Posts to the app like Twilio: form-encoded, signed over the public URL."""

    def __init__(self, client: FlaskClient, services: Services) -> None:
        self.client = client
        self.base = services.settings.public_base_url
        self.validator = RequestValidator(services.settings.twilio_auth_token.get_secret_value())

    def post(
        self,
        path: str,
        data: dict[str, Any],
        *,
        token: str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        sig = (
            signature
            if signature is not None
            else self.validator.compute_signature(self.base + path, data)
        )
        sent = {"X-Twilio-Signature": sig, **(headers or {})}
        if token:
            sent["I-Twilio-Idempotency-Token"] = token
        return self.client.post(path, data=data, headers=sent)

    def call_status(self, attempt_id: int, status: str, seq: int, **extra: str) -> TestResponse:
        data = {
            "CallSid": "CA" + "1" * 32,
            "CallStatus": status,
            "SequenceNumber": str(seq),
            "AccountSid": "AC" + "0" * 32,
            **extra,
        }
        return self.post(f"/twilio/voice/status?attempt={attempt_id}", data)

    def gather(self, attempt_id: int, stage: str, digits: str, tries: int = 1) -> TestResponse:
        path = f"/twilio/voice/gather?attempt={attempt_id}&stage={stage}&try={tries}"
        return self.post(path, {"CallSid": "CA" + "1" * 32, "Digits": digits})

    def answer(self, attempt_id: int, **extra: str) -> TestResponse:
        return self.post(
            f"/twilio/voice/answer?attempt={attempt_id}",
            {"CallSid": "CA" + "1" * 32, "CallStatus": "in-progress", **extra},
        )


@pytest.fixture
def app(services: Services) -> Flask:
    return create_app(services=services)


@pytest.fixture
def twilio(app: Flask, services: Services) -> Iterator[Twilio]:
    with app.test_client() as client:
        yield Twilio(client, services)
