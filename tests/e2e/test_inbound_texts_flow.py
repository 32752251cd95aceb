"""End to end over loopback: texts in Spanish and Chinese sent through the Twilio emulator to
the app on a real port; the signed webhook answers, and the engine, reading the case record,
blocks what the consumer asked to stop (and only that: "no more texts, call me instead" keeps
automated calls)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from dialer.bootstrap import Services
from dialer.cases.why_not_now import explain_case
from dialer.compliance import load_rule_packs
from dialer.db.models import InboxMessage
from dialer.vocabulary import Channel
from tests.e2e.test_voice_flow import CONSUMER, OUR_NUMBER, _case, emulator, served
from twilio_emulator.testing import EmulatorHandle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
__all__ = ["emulator", "served"]  # the fixtures this module uses


def _reasons(services: Services, channel: Channel) -> set[str]:
    """The engine's answer for case E2E-D1 (one phone), a weekday mid-morning a day later."""
    at = services.clock.now() + timedelta(days=1)
    at = at.replace(hour=15, minute=0, second=0, microsecond=0, tzinfo=UTC)
    with services.sessions() as session:
        decision = explain_case(
            session, case_ref="E2E-D1", channel=channel, at=at, packs=load_rule_packs()
        )
    return {str(reason.code) for reason in decision.reasons}


def test_texts_in_spanish_and_chinese_through_the_emulator(
    emulator: EmulatorHandle, served: Services
) -> None:
    services = served
    url = f"{services.settings.public_base_url}/twilio/sms/inbound"
    _case(services)

    sent = emulator.inject_sms(
        from_=CONSUMER, to=OUR_NUMBER, body="No más mensajes, mejor llámenme", url=url
    )
    assert sent["webhook_status"] == 200
    assert "opted_out" in _reasons(services, Channel.SMS)
    assert "opted_out" not in _reasons(services, Channel.CALL)

    sent = emulator.inject_sms(from_=CONSUMER, to=OUR_NUMBER, body="打错了", url=url)
    assert sent["webhook_status"] == 200
    assert "invalid_number" in _reasons(services, Channel.CALL)
    with services.sessions() as session:
        kinds = [m.intent for m in session.query(InboxMessage).order_by(InboxMessage.id)]
    assert kinds == ["opt_out", "wrong_number"]
    stopped = emulator.inject_sms(from_=CONSUMER, to=OUR_NUMBER, body="STOP", url=url)
    assert "no more text messages" in stopped["webhook_body"]
