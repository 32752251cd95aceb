"""SMS delivery callbacks and inbound messages (STOP, START, HELP, free text)."""

from __future__ import annotations

from dialer.bootstrap import Services
from dialer.db.models import CaseEvent, ContactAttempt, OptOut
from dialer.vocabulary import AttemptStatus, Channel
from tests.integration.webhooks.builders import CONSUMER_NUMBER, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, event_kinds, phone_row, rows

SID = "SM" + "3" * 32


def _status(twilio: Twilio, attempt_id: int, status: str, code: str | None = None) -> int:
    data = {"MessageSid": SID, "MessageStatus": status}
    if code:
        data["ErrorCode"] = code
    return twilio.post(f"/twilio/sms/status?attempt={attempt_id}", data).status_code


def _inbound(twilio: Twilio, body: str, sid: str = "SM" + "4" * 32) -> str:
    data = {"MessageSid": sid, "From": CONSUMER_NUMBER, "To": "+16175559999", "Body": body}
    response = twilio.post("/twilio/sms/inbound", data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_delivery_moves_forward_only(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    assert _status(twilio, case.attempt_id, "delivered") == 204
    assert _status(twilio, case.attempt_id, "sent") == 204
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.status, attempt.outcome) == ("delivered", "delivered")
    assert event_kinds(services.sessions, case.consumer_id) == ["sms_delivered"]


def test_landline_error_marks_the_number_not_sms_capable(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _status(twilio, case.attempt_id, "undelivered", "30006")
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.outcome, attempt.error_code) == ("undelivered", 30006)
    assert phone_row(services.sessions, case.phone_id).sms_capable is False


def test_unknown_handset_marks_the_number_invalid(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _status(twilio, case.attempt_id, "undelivered", "30005")
    assert phone_row(services.sessions, case.phone_id).status == "invalid"


def test_filtered_goes_to_the_timeline(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _status(twilio, case.attempt_id, "undelivered", "30007")
    assert event_kinds(services.sessions, case.consumer_id) == ["sms_filtered", "sms_undelivered"]


def test_unsubscribed_error_records_an_sms_opt_out(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    _status(twilio, case.attempt_id, "failed", "21610")
    opt_outs = rows(services.sessions, OptOut, OptOut.phone_id == case.phone_id)
    assert [(o.channel, o.source) for o in opt_outs] == [("sms", "carrier")]


def test_stop_from_a_shared_number_opts_out_every_owner_and_confirms(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    first = make_case(services.sessions, now=now, channel=Channel.SMS, ref="C1")
    second = make_case(services.sessions, now=now, channel=Channel.SMS, ref="C2", language="zh")
    reply = _inbound(twilio, "STOP")
    assert "you will receive no more text messages" in reply
    for case in (first, second):
        opt_outs = rows(services.sessions, OptOut, OptOut.phone_id == case.phone_id)
        assert [(o.channel, o.source) for o in opt_outs] == [("sms", "sms")]
        inbound = rows(
            services.sessions,
            ContactAttempt,
            ContactAttempt.consumer_id == case.consumer_id,
            ContactAttempt.direction == "inbound",
        )
        assert [(a.status, a.origin, a.body, a.debt_id) for a in inbound] == [
            (AttemptStatus.RECEIVED, "consumer", "STOP", case.debt_id)
        ]


def test_opt_out_sentence_about_calls_opts_out_of_calls(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    reply = _inbound(twilio, "please stop calling me at work")
    opt_outs = rows(services.sessions, OptOut, OptOut.phone_id == case.phone_id)
    assert [o.channel for o in opt_outs] == ["call"]
    assert "we will not call this number again" in reply


def test_start_revokes_the_sms_opt_out(twilio: Twilio, services: Services) -> None:
    case = make_case(
        services.sessions, now=services.clock.now(), channel=Channel.SMS, language="es"
    )
    _inbound(twilio, "STOP", sid="SM" + "5" * 32)
    reply = _inbound(twilio, "START", sid="SM" + "6" * 32)
    assert "volverá a recibir" in reply
    opt_outs = rows(services.sessions, OptOut, OptOut.phone_id == case.phone_id)
    assert [o.revoked_at is not None for o in opt_outs] == [True]


def test_help_replies_and_free_text_waits_for_an_agent(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    assert "for help call" in _inbound(twilio, "HELP", sid="SM" + "7" * 32)
    assert "<Message>" not in _inbound(twilio, "can I pay next week?", sid="SM" + "8" * 32)
    summaries = [
        e.summary
        for e in rows(services.sessions, CaseEvent, CaseEvent.consumer_id == case.consumer_id)
    ]
    assert summaries == ["Inbound SMS: help requested", "Inbound SMS for an agent to read"]


def test_duplicate_inbound_is_stored_once_and_gets_the_same_reply(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now(), channel=Channel.SMS)
    assert _inbound(twilio, "STOP") == _inbound(twilio, "STOP")
    inbound = rows(
        services.sessions,
        ContactAttempt,
        ContactAttempt.consumer_id == case.consumer_id,
        ContactAttempt.direction == "inbound",
    )
    assert len(inbound) == 1
