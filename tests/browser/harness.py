"""The whole web app served on a real loopback port (werkzeug in a thread, SQLite temp DB),
Debian's chromium driven by Playwright, and a signed-Twilio-webhook driver for bridged calls."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import requests
from playwright.sync_api import Browser, Page, sync_playwright
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from config.settings import load_settings
from console.context import state
from dialer.bootstrap import Services, build_services
from dialer.clock import FakeClock
from dialer.db import migrate
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt
from dialer.telephony.fake import FakeTelephony
from tests.integration.console.seed import PASSWORD, Seeded, seed
from twilio_emulator.testing import free_port
from web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Tuesday 17 March 2026, 15:00 UTC: 11:00 in Massachusetts, a lawful time to call.
START = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)


@dataclass
class Served:
    base_url: str
    services: Services
    seeded: Seeded
    app_telephony: FakeTelephony


@contextmanager
def served_app(directory: Path) -> Iterator[Served]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    url = f"sqlite:///{directory / 'console.sqlite3'}"
    migrate.upgrade(url)
    settings = load_settings(DATABASE_URL=url, DIALER_ENV="test", PUBLIC_BASE_URL=base_url)
    services = build_services(settings, clock=FakeClock(START))
    app = create_app(services=services)
    fake = FakeTelephony(clock=services.clock)
    app.extensions["dialer.telephony"] = fake
    with app.app_context(), transaction(services.sessions) as session:
        seeded = seed(session, now=services.clock.now(), packs=state().packs)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(base_url, services, seeded, fake)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        services.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/(desk|dashboard)$"))


class BridgedCall:
    """An outbound IVR call to the consumer, driven by the signed webhooks Twilio would send:
    the consumer answers, confirms who they are (1), then asks for an agent (1)."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.sid = "CA" + secrets.token_hex(16)
        self.documents: list[str] = []  # the TwiML the call was given, in order
        token = served.services.settings.twilio_auth_token.get_secret_value()
        self.validator = RequestValidator(token)
        now = served.services.clock.now()
        with transaction(served.services.sessions) as session:
            attempt = ContactAttempt(
                consumer_id=served.seeded.consumer_id,
                debt_id=served.seeded.debt_id,
                channel="call",
                direction="outbound",
                mode="automated",
                origin="dialer",
                from_number="+16175550199",
                to_number=served.seeded.phone,
                campaign_id=served.seeded.campaign_id,
                step_index=1,
                status="ringing",
                provider_sid=self.sid,
                attempted_at=now,
                reserved_at=now,
                placed_at=now,
                updated_at=now,
                decision={"decision": "allow", "allowed": True},
            )
            session.add(attempt)
            session.flush()
            self.attempt_id = attempt.id

    def post(self, url: str, **fields: str) -> str:
        params = {
            "CallSid": self.sid,
            "AccountSid": self.served.services.settings.twilio_account_sid,
            "From": "+16175550199",
            "To": self.served.seeded.phone,
            "CallStatus": "in-progress",
            "Direction": "outbound-api",
            **fields,
        }
        signature = self.validator.compute_signature(url, params)
        response = requests.post(
            url, data=params, timeout=10, headers={"X-Twilio-Signature": signature}
        )
        response.raise_for_status()
        return response.text

    def press_through_to_an_agent(self) -> str:
        """The consumer answers, confirms (1) and asks for an agent (1); the bridge's TwiML.
        Every document the call was given is kept in `documents`, the answer's first."""
        base = self.served.base_url
        twiml = self.post(f"{base}/twilio/voice/answer?attempt={self.attempt_id}")
        self.documents[:] = [twiml]
        for _ in ("identity", "menu"):
            action = re.search(r'<Gather[^>]*action="([^"]+)"', twiml)
            assert action is not None, twiml
            twiml = self.post(
                urljoin(base + "/", action.group(1).replace("&amp;", "&")), Digits="1"
            )
            self.documents.append(twiml)
        return twiml
