"""Call status callbacks: forward-only, duplicates ignored, outcome and timeline at the end."""

from __future__ import annotations

from datetime import timedelta

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, debt_row, event_kinds


def test_a_call_in_order_ends_as_a_conversation_and_replans_the_debt(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    case = make_case(services.sessions, now=clock.now())
    for seq, status in enumerate(["initiated", "ringing", "in-progress"]):
        assert twilio.call_status(case.attempt_id, status, seq).status_code == 204
    clock.advance(timedelta(minutes=2))
    done = twilio.call_status(
        case.attempt_id,
        "completed",
        3,
        CallDuration="42",
        SipResponseCode="200",
        AnsweredBy="human",
    )
    assert done.status_code == 204
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.status, attempt.outcome) == ("completed", "conversation")
    assert attempt.duration_seconds == 42
    assert attempt.sip_response_code == 200
    assert attempt.answered_by == "human"
    assert attempt.provider_sid == "CA" + "1" * 32
    assert attempt.last_sequence == 3
    assert event_kinds(services.sessions, case.consumer_id) == ["call_ended"]
    assert debt_row(services.sessions, case.debt_id).next_contact_at == clock.now()


def test_late_ringing_never_overwrites_completed(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.call_status(case.attempt_id, "completed", 3, CallDuration="10")
    twilio.call_status(case.attempt_id, "ringing", 1)
    twilio.call_status(case.attempt_id, "busy", 4)
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.status == "completed"
    assert attempt.duration_seconds == 10
    assert event_kinds(services.sessions, case.consumer_id) == ["call_ended"]


def test_a_duplicate_is_acknowledged_and_changes_nothing(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    case = make_case(services.sessions, now=clock.now())
    first = twilio.call_status(case.attempt_id, "no-answer", 2, SipResponseCode="487")
    clock.advance(timedelta(minutes=5))
    again = twilio.call_status(case.attempt_id, "no-answer", 2, SipResponseCode="487")
    assert (first.status_code, again.status_code) == (204, 204)
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.status, attempt.outcome, attempt.sip_response_code) == (
        "no_answer",
        "no_answer",
        487,
    )
    assert event_kinds(services.sessions, case.consumer_id) == ["call_ended"]
    # Replanned at the first delivery, not moved by the duplicate.
    assert debt_row(services.sessions, case.debt_id).next_contact_at == clock.now() - timedelta(
        minutes=5
    )


def test_idempotency_token_deduplicates_retries(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    data = {"CallSid": "CA" + "1" * 32, "CallStatus": "failed", "ErrorCode": "13224"}
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    assert twilio.post(path, data, token="tok-1").status_code == 204
    assert twilio.post(path, data, token="tok-1").status_code == 204
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.status, attempt.outcome, attempt.error_code) == ("failed", "failed", 13224)
    assert event_kinds(services.sessions, case.consumer_id) == ["call_ended"]


def test_machine_answer_by_async_amd_makes_a_voicemail(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    amd = {"CallSid": "CA" + "1" * 32, "AnsweredBy": "machine_end_beep"}
    assert twilio.post(f"/twilio/voice/amd?attempt={case.attempt_id}", amd).status_code == 204
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="25")
    assert attempt_row(services.sessions, case.attempt_id).outcome == "voicemail"


def test_recording_callback_is_stored_on_the_attempt(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    data = {
        "CallSid": "CA" + "1" * 32,
        "RecordingSid": "RE" + "2" * 32,
        "RecordingUrl": "https://api.twilio.com/rec/RE2",
        "RecordingDuration": "31",
        "RecordingStatus": "completed",
    }
    path = f"/twilio/voice/recording?attempt={case.attempt_id}"
    assert twilio.post(path, data).status_code == 204
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.recording_sid, attempt.recording_url, attempt.recording_duration) == (
        "RE" + "2" * 32,
        "https://api.twilio.com/rec/RE2",
        31,
    )


def test_a_callback_for_another_call_sid_is_kept_unapplied(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.call_status(case.attempt_id, "ringing", 1)
    other = {"CallSid": "CA" + "9" * 32, "CallStatus": "completed", "SequenceNumber": "3"}
    response = twilio.post(f"/twilio/voice/status?attempt={case.attempt_id}", other)
    assert response.status_code == 204  # stored with its error for replay: Twilio need not retry
    assert attempt_row(services.sessions, case.attempt_id).status == "ringing"
