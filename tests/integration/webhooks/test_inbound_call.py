"""A consumer calls one of our numbers: identified by number, a menu in their language, then
a free agent with whisper and screen pop, or a callback offer when nobody is free."""

from __future__ import annotations

import sqlalchemy as sa

from dialer.bootstrap import Services
from dialer.db.models import ContactAttempt, User
from dialer.vocabulary import AttemptStatus
from tests.integration.webhooks.builders import CONSUMER_NUMBER, OUR_NUMBER, make_agent, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import event_kinds, rows

CALL_SID = "CA" + "7" * 32


def _ring(twilio: Twilio, caller: str = CONSUMER_NUMBER) -> str:
    data = {
        "CallSid": CALL_SID,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": caller,
        "To": OUR_NUMBER,
    }
    return twilio.post("/twilio/voice/answer", data).get_data(as_text=True)


def _press(twilio: Twilio, attempt_id: int, stage: str, digits: str) -> str:
    path = f"/twilio/voice/gather?attempt={attempt_id}&stage={stage}&try=1"
    return twilio.post(path, {"CallSid": CALL_SID, "Digits": digits}).get_data(as_text=True)


def _inbound(services: Services) -> ContactAttempt:
    (attempt,) = rows(services.sessions, ContactAttempt, ContactAttempt.direction == "inbound")
    return attempt


def test_a_known_caller_hears_the_menu_in_their_language_and_reaches_a_free_agent(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    case = make_case(services.sessions, now=now, language="es", status=AttemptStatus.COMPLETED)
    agent_id = make_agent(services.sessions, now=now)
    menu = _ring(twilio)
    assert "Gracias por llamar a Account Services" in menu
    assert "Acme" not in menu  # nothing about the debt before the identity is confirmed
    attempt = _inbound(services)
    assert (attempt.consumer_id, attempt.origin, attempt.mode) == (
        case.consumer_id,
        "consumer",
        "agent",
    )
    assert attempt.provider_sid == CALL_SID
    dial = _press(twilio, attempt.id, "inbound", "1")
    assert "+16175550199</Number>" in dial
    assert f"whisper?attempt={attempt.id}" in dial
    agent = rows(services.sessions, User, User.id == agent_id)[0]
    assert (agent.availability, agent.current_attempt_id) == ("on_call", attempt.id)  # screen pop
    whisper = twilio.post(
        f"/twilio/voice/whisper?attempt={attempt.id}", {"CallSid": "CA" + "8" * 32}
    ).get_data(as_text=True)
    assert "Inbound call from the number on file for Maria" in whisper
    assert "inbound_call" in event_kinds(services.sessions, case.consumer_id)


def test_with_no_agent_free_the_caller_is_offered_a_callback(
    twilio: Twilio, services: Services
) -> None:
    make_case(services.sessions, now=services.clock.now(), status=AttemptStatus.COMPLETED)
    _ring(twilio)
    attempt = _inbound(services)
    body = _press(twilio, attempt.id, "inbound", "1")
    assert "All of our agents are busy right now" in body
    assert "stage=callback" in body
    assert "call you back in the evening" in _press(twilio, attempt.id, "callback", "3")
    assert _inbound(services).callback_requested


def test_an_unknown_number_hears_who_we_are_and_nothing_is_written(
    twilio: Twilio, services: Services
) -> None:
    body = _ring(twilio, caller="+19995550123")
    assert "could not find this number" in body
    assert "<Hangup" in body
    with services.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ContactAttempt)) == 0


def test_with_no_agent_and_no_time_chosen_the_caller_leaves_a_message(
    twilio: Twilio, services: Services
) -> None:
    make_case(services.sessions, now=services.clock.now(), status=AttemptStatus.COMPLETED)
    _ring(twilio)
    attempt = _inbound(services)
    _press(twilio, attempt.id, "inbound", "1")  # nobody free: the callback windows
    record = _press(twilio, attempt.id, "callback", "")
    assert "Please leave a message after the tone" in record
    assert "<Record" in record
    assert f"/twilio/voice/recording?attempt={attempt.id}" in record
    assert "stage=recorded" in record
    bye = _press(twilio, attempt.id, "recorded", "hangup")
    assert "We will call you back. Goodbye." in bye
    twilio.post(
        f"/twilio/voice/recording?attempt={attempt.id}",
        {
            "CallSid": CALL_SID,
            "RecordingSid": "RE" + "1" * 32,
            "RecordingUrl": "https://api.twilio.com/rec/RE1",
            "RecordingStatus": "completed",
            "RecordingDuration": "12",
        },
    )
    kept = _inbound(services)
    assert kept.callback_requested
    assert (kept.recording_sid, kept.recording_duration) == ("RE" + "1" * 32, 12)
    assert "callback_requested" in event_kinds(services.sessions, kept.consumer_id)
