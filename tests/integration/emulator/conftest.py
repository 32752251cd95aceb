"""Fixtures: an emulator served on a thread, the gateway on it, and a recording webhook app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dialer.telephony.twilio_gateway import TwilioTelephony
from twilio_emulator.recorder import WebhookRecorder, recording_webhooks
from twilio_emulator.testing import EmulatorHandle, running_emulator


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(speed=200, cps=50, seed=7) as handle:
        yield handle


@pytest.fixture
def telephony(emulator: EmulatorHandle) -> TwilioTelephony:
    return TwilioTelephony.create(emulator.account_sid, emulator.auth_token, emulator.base_url, 5)


@pytest.fixture
def webhooks(emulator: EmulatorHandle) -> Iterator[WebhookRecorder]:
    with recording_webhooks(emulator.auth_token) as recorder:
        yield recorder
