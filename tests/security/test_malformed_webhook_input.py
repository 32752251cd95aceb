"""Attack: signed webhooks with a NUL byte, an oversized body, an out-of-range attempt id or a
call we never placed. Each gets a 2xx (stored safely) or a 4xx with a message: never a 500,
which would make Twilio retry it for hours."""

from __future__ import annotations

from sqlalchemy import select

from dialer.bootstrap import Services
from dialer.db.models import ProviderEvent
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row

CALL_SID = "CA" + "1" * 32
MESSAGE_SID = "SM" + "7" * 32


def _events(services: Services) -> list[ProviderEvent]:
    with services.sessions() as session:
        return list(session.scalars(select(ProviderEvent).order_by(ProviderEvent.id)))


def test_a_nul_byte_in_a_signed_sms_is_stored_without_it(
    twilio: Twilio, services: Services
) -> None:
    data = {
        "MessageSid": MESSAGE_SID,
        "From": "+16175550100",
        "To": "+16175559999",
        "Body": "STOP\x00 please",
    }
    response = twilio.post("/twilio/sms/inbound", data)
    assert response.status_code == 200
    [event] = _events(services)
    assert event.payload["form"]["Body"] == "STOP please"


def test_a_nul_byte_in_a_status_callback_field_is_stored_without_it(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    response = twilio.call_status(case.attempt_id, "ringing", 1, CallerName="x\x00y")
    assert response.status_code == 204
    assert attempt_row(services.sessions, case.attempt_id).status == "ringing"


def test_an_oversized_signed_body_is_refused_with_a_message(
    twilio: Twilio, services: Services
) -> None:
    data = {"MessageSid": MESSAGE_SID, "From": "+16175550100", "Body": "x" * 100_000}
    response = twilio.post("/twilio/sms/inbound", data)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True).lower()
    assert _events(services) == []


def test_a_callback_for_an_attempt_id_out_of_range_is_stored_and_answered_2xx(
    twilio: Twilio, services: Services
) -> None:
    data = {"CallSid": CALL_SID, "CallStatus": "completed", "SequenceNumber": "3"}
    response = twilio.post("/twilio/voice/status?attempt=99999999999", data)
    assert response.status_code == 204
    [event] = _events(services)
    assert (event.attempt_id, event.applied_at) == (None, None)


def test_a_signed_callback_for_a_call_we_do_not_know_is_stored_and_answered_2xx(
    twilio: Twilio, services: Services
) -> None:
    for path in ("/twilio/voice/status", "/twilio/voice/amd", "/twilio/voice/recording"):
        data = {"CallSid": "CA" + "5" * 32, "CallStatus": "completed", "SequenceNumber": "2"}
        assert twilio.post(path, data).status_code == 204, path
    sms = {"MessageSid": "SM" + "5" * 32, "MessageStatus": "delivered"}
    assert twilio.post("/twilio/sms/status", sms).status_code == 204
    events = _events(services)
    assert len(events) == 4
    assert all(e.error for e in events)  # kept for `dialer webhooks replay`


def test_malformed_numbers_in_a_signed_callback_never_reach_the_database_as_such(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    response = twilio.call_status(
        case.attempt_id,
        "completed",
        3,
        CallDuration="99999999999999",
        SipResponseCode="-99999999999",
        ErrorCode="abc",
    )
    assert response.status_code == 204
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.status == "completed"
    assert attempt.error_code is None
