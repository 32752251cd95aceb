"""Attack: a long signed SMS shaped to make the keyword reader backtrack (a run of
punctuation that does not end the text, the shape that made the old trailing-punctuation
pattern quadratic: 51 s for 100 KB). The body is capped before reading and every pattern is
linear, so the web worker answers at once and the text is still read for what it says."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from dialer.bootstrap import Services
from dialer.compliance.keywords import SmsIntent, read_inbound_sms
from dialer.db.models import ProviderEvent
from tests.integration.webhooks.conftest import Twilio

MESSAGE_SID = "SM" + "8" * 32
SHAPES = {
    "punctuation run": "!" * 100_000 + "x",
    "spaces and stops": "stop" + " ." * 50_000 + "x",
    "one long word": "stop " + "a" * 100_000,
    "chinese punctuation": "退订" + "！，" * 50_000 + "好",
}


@pytest.mark.parametrize("body", SHAPES.values(), ids=SHAPES.keys())
def test_a_100_kb_adversarial_body_is_read_in_linear_time(body: str) -> None:
    started = time.perf_counter()
    read_inbound_sms(body)
    assert time.perf_counter() - started < 0.5


def test_a_long_signed_text_is_answered_at_once_and_still_read(
    twilio: Twilio, services: Services
) -> None:
    """60 KB (under the 64 KB body limit): stored, read as the opt-out it starts with."""
    body = "STOP " + "!" * 60_000 + "x"
    started = time.perf_counter()
    response = twilio.post(
        "/twilio/sms/inbound", {"MessageSid": MESSAGE_SID, "From": "+16175550100", "Body": body}
    )
    assert response.status_code == 200
    assert time.perf_counter() - started < 2.0
    assert read_inbound_sms(body).intent is SmsIntent.OPT_OUT
    with services.sessions() as session:
        assert session.scalar(select(ProviderEvent.kind)) == "sms_inbound"
