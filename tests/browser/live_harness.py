"""The desk against the real Twilio emulator: the emulator on a thread, the web app on a real
port wired to it (TwilioTelephony from settings, webhooks signed by the emulator with its auth
token: `serve_webhooks` of the e2e tests), dispatch ticks on a thread with the same services
(the worker loop of `dialer worker`), and Debian's chromium. Calls leave through the official
twilio client; what the consumer and the agent's phone got is read back from the emulator."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect
from twilio.rest import Client

from dialer.admin.accounts import create_user
from dialer.bootstrap import Services
from dialer.campaigns import create_campaign, parse_definition, set_status
from dialer.clock import OffsetClock
from dialer.db import migrate
from dialer.db.engine import transaction
from dialer.db.models import Campaign
from dialer.dispatch import Dispatcher
from dialer.scheduling.worker import run_worker
from dialer.telephony.twilio_gateway import RebasedHttpClient
from dialer.vocabulary import CampaignStatus, CollectorType
from tests.browser.harness import chromium, sign_in
from tests.e2e.workers_support import emulator_calls, serve_webhooks
from tests.integration.console.seed import password_hash
from tests.integration.dispatch.portfolio import Person, insert_portfolio
from twilio_emulator.testing import EmulatorHandle, free_port, running_emulator

# Tuesday 17 March 2026, 15:00 UTC: 11:00 in Boston and New York, a lawful time to call.
START = datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
ANN, BOB = "+16175550111", "+16175550112"
CALLER_ID = "+16175550199"
EASTERN = [("US", "MA", "617"), ("US", "NY", "212")]


class RunningClock(OffsetClock):
    """Real time from START, shared by the web app and the dispatch ticks; a test may jump it
    forward (a callback asked for later in the day)."""

    def advance(self, delta: timedelta) -> None:
        self._offset += delta


@dataclass
class Live:
    base_url: str
    emulator: EmulatorHandle
    services: Services
    clock: RunningClock
    browser: Browser
    users: dict[str, int]

    def calls(self) -> list[Any]:
        """Every call the emulator logged (Calls list, official client), oldest first."""
        return sorted(emulator_calls(self.emulator), key=lambda c: c.date_created)

    def twilio(self) -> Client:
        """The official client, on the emulator's account."""
        emulator = self.emulator
        http = RebasedHttpClient(emulator.base_url, timeout=30)
        return Client(emulator.account_sid, emulator.auth_token, http_client=http)

    def desk(self, username: str, *, available: bool = True) -> Page:
        page = self.browser.new_page()
        sign_in(page, self.base_url, username)
        if available:
            set_availability(page, "available")
        return page

    def campaign(self, name: str, steps: list[dict[str, Any]], **options: Any) -> int:
        definition = parse_definition(
            {"name": name, "steps": steps, "caller_ids": {"numbers": [CALLER_ID]}, **options},
            source="test",
        )
        with transaction(self.services.sessions) as session:
            campaign = create_campaign(
                session,
                definition,
                packs=self.services.packs,
                now=self.clock.now(),
                collector=CollectorType.FIRST_PARTY,
                actor="test",
                status=CampaignStatus.ACTIVE,
            )
            return campaign.id

    def people(
        self,
        count: int,
        *,
        start: int,
        campaign_id: int | None,
        places: list[tuple[str, str, str]] = EASTERN,
        due: bool = True,
        script: dict[str, Any] | None = None,
    ) -> list[Person]:
        """Consumers with one debt each on `campaign_id`, due now (or not due at all), whose
        phones the emulator answers as `script` says (default: a person who talks 6 s)."""
        now = self.clock.now()
        people = insert_portfolio(
            self.services.engine,
            count=count,
            now=now,
            places=places,
            start=start,
            campaign_id=campaign_id,
            next_contact_at=now if due else None,
        )
        for person in people:
            self.emulator.script(
                person.number, **{"call": "human", "ring_seconds": 1, **(script or {})}
            )
        return people

    def leave(self, page: Page) -> None:
        """The agent, back to available after their last call, goes offline and closes."""
        expect(page.locator("#availability-now")).to_have_text("available", timeout=10_000)
        set_availability(page, "offline")
        page.close()

    def finish(self, campaign_id: int) -> None:
        with transaction(self.services.sessions) as session:
            campaign = session.get(Campaign, campaign_id)
            assert campaign is not None
            set_status(session, campaign.name, CampaignStatus.FINISHED, now=self.clock.now())


def set_availability(page: Page, availability: str) -> None:
    page.select_option("select[name=availability]", availability)
    page.click("form[action='/desk/availability'] button")
    expect(page.locator("#availability-now")).to_have_text(availability)


def _seed_users(services: Services, now: datetime) -> dict[str, int]:
    """Two agents with phones (offline until they say otherwise on the desk), a supervisor."""
    people = (
        ("ann", "agent", "Ann Agent", ANN),
        ("bob", "agent", "Bob Agent", BOB),
        ("sam", "supervisor", "Sam Supervisor", None),
    )
    ids = {}
    with transaction(services.sessions) as session:
        for name, role, shown, phone in people:
            user = create_user(
                session,
                now=now,
                actor="test",
                username=name,
                role=role,
                display_name=shown,
                phone_e164=phone,
            )
            user.password_hash = password_hash()
            ids[name] = user.id
    return ids


@contextmanager
def _ticking(services: Services) -> Iterator[None]:
    """The worker loop of `dialer worker` on a thread, with the web app's services."""
    dispatcher = Dispatcher(
        sessions=services.sessions,
        telephony=services.telephony,
        pacer=services.pacer,
        packs=services.packs,
        clock=services.clock,
        base_url=services.settings.public_base_url,
        batch_size=10,
    )
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(dispatcher,), kwargs={"stop": stop, "tick_seconds": 0.2}
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


@contextmanager
def live_stack(directory: Path, *, speed: float = 4.0) -> Iterator[Live]:
    """The emulator, the web app wired to it, dispatch ticks and chromium, for one module."""
    url = f"sqlite:///{directory / 'live.sqlite3'}"
    migrate.upgrade(url)
    clock = RunningClock(START)
    port = free_port()
    with ExitStack() as stack:
        emulator = stack.enter_context(running_emulator(speed=speed, cps=20.0))
        services, server = serve_webhooks(
            url, emulator, port, clock=clock, DIALER_CALLS_PER_SECOND="10"
        )
        stack.callback(services.close)
        stack.callback(server.shutdown)
        users = _seed_users(services, clock.now())
        stack.enter_context(_ticking(services))
        browser = stack.enter_context(chromium())
        yield Live(server_url(port), emulator, services, clock, browser, users)


def server_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"
