"""On a rehearsal clock the emulator lives at that time: its logs and callbacks say so."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from twilio.rest import Client

from dialer.clock import FakeClock, OffsetClock
from dialer.telephony.twilio_gateway import RebasedHttpClient
from twilio_emulator.recorder import WebhookRecorder, recording_webhooks
from twilio_emulator.testing import EmulatorHandle, running_emulator

pytestmark = pytest.mark.slow

FROM = "+15005550006"
# 07:59:58 in New York on the morning US daylight saving time starts (EDT, UTC-4).
SIMULATED = datetime(2027, 3, 14, 11, 59, 58, tzinfo=UTC)


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(speed=200, cps=50, seed=3, clock=FakeClock(SIMULATED)) as handle:
        yield handle


@pytest.fixture
def webhooks(emulator: EmulatorHandle) -> Iterator[WebhookRecorder]:
    with recording_webhooks(emulator.auth_token) as recorder:
        yield recorder


def _client(emulator: EmulatorHandle) -> Client:
    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=10),
    )
    client.edge = client.region = None
    return client


def test_calls_are_stamped_and_reported_on_the_emulators_clock(
    emulator: EmulatorHandle, webhooks: WebhookRecorder
) -> None:
    emulator.script("+15551230001", call="human", ring_seconds=2)
    client = _client(emulator)
    created = client.calls.create(
        to="+15551230001",
        from_=FROM,
        url=webhooks.url("/twilio/voice/answer"),
        status_callback=webhooks.url("/twilio/voice/status"),
        status_callback_event=["initiated", "ringing", "answered", "completed"],
    )
    assert emulator.wait_idle()
    [listed] = client.calls.list(to="+15551230001")
    assert listed.sid == created.sid
    assert created.date_created == SIMULATED
    for stamp in (listed.date_created, listed.date_updated, listed.start_time, listed.end_time):
        assert stamp == SIMULATED
    assert [c.sid for c in client.calls.list(start_time_after=SIMULATED - timedelta(1))] == [
        created.sid
    ]
    statuses = webhooks.wait_for("/twilio/voice/status", count=4)
    stamps = {email.utils.parsedate_to_datetime(h.form["Timestamp"][0]) for h in statuses}
    assert stamps == {SIMULATED}
    logged = [c["at"] for c in emulator.callbacks()]
    assert logged
    assert {datetime.fromtimestamp(at, UTC) for at in logged} == {SIMULATED}


def test_messages_are_stamped_and_reported_on_the_emulators_clock(
    emulator: EmulatorHandle, webhooks: WebhookRecorder
) -> None:
    client = _client(emulator)
    sent = client.messages.create(
        to="+15551230002",
        from_=FROM,
        body="Reminder",
        status_callback=webhooks.url("/twilio/sms/status"),
    )
    assert sent.date_created == SIMULATED
    assert emulator.wait_idle()
    fetched = client.messages(sent.sid).fetch()
    assert fetched.status == "delivered"
    assert (fetched.date_created, fetched.date_updated, fetched.date_sent) == (SIMULATED,) * 3
    assert [m.sid for m in client.messages.list(date_sent=SIMULATED)] == [sent.sid]


def test_an_offset_clock_runs_on_from_its_start() -> None:
    clock = OffsetClock(SIMULATED)
    with running_emulator(speed=200, cps=50, clock=clock) as emulator:
        sent = _client(emulator).messages.create(to="+15551230003", from_=FROM, body="x")
    assert sent.date_created is not None
    assert SIMULATED <= sent.date_created <= SIMULATED + timedelta(seconds=30)
