"""The official twilio client, through TwilioTelephony, against the emulator over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from dialer.telephony.errors import (
    InvalidNumberError,
    NotSmsCapableError,
    OptedOutError,
    RetryableTelephonyError,
    TelephonyError,
)
from dialer.telephony.twilio_gateway import RebasedHttpClient, TwilioTelephony
from twilio_emulator.recorder import WebhookRecorder

FROM = "+15005550006"

pytestmark = pytest.mark.slow


def place(telephony: TwilioTelephony, webhooks: WebhookRecorder, to: str, *, amd: bool = False):
    return telephony.place_call(
        to=to,
        from_=FROM,
        answer_url=webhooks.url("/twilio/voice/answer"),
        status_url=webhooks.url("/twilio/voice/status"),
        amd_url=webhooks.url("/twilio/voice/amd"),
        timeout_seconds=30,
        machine_detection=amd,
    )


def test_calls_create_fetch_list_and_complete(emulator, telephony, webhooks):
    emulator.script("+15551230001", call="human", ring_seconds=2)
    call = place(telephony, webhooks, "+15551230001")
    assert call.sid.startswith("CA")
    assert len(call.sid) == 34
    assert call.status == "queued"
    assert call.created_at is not None
    assert call.created_at.tzinfo is not None
    assert emulator.wait_idle()
    fetched = telephony.fetch_call(call.sid)
    assert fetched.status == "completed"
    assert fetched.duration is not None
    assert fetched.duration >= 1
    found = telephony.find_calls(
        to="+15551230001", from_=FROM, created_after=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert [c.sid for c in found] == [call.sid]
    statuses = [h.form["CallStatus"][0] for h in webhooks.on("/twilio/voice/status")]
    assert sorted(statuses) == sorted(["initiated", "ringing", "in-progress", "completed"])


def test_list_pages_follow_next_page_uri(emulator, telephony, webhooks):
    emulator.configure(cps=1000)
    for _ in range(7):
        place(telephony, webhooks, "+15551230009")
    calls = telephony._client.calls.list(to="+15551230009", page_size=3)
    assert len(calls) == 7
    assert len({c.sid for c in calls}) == 7


def test_cancel_a_queued_call_sends_no_callbacks(emulator, telephony, webhooks):
    emulator.configure(cps=0.5)
    first = place(telephony, webhooks, "+15551230002")
    second = place(telephony, webhooks, "+15551230003")  # waits 2 s in the queue
    canceled = telephony.cancel_call(second.sid)
    assert canceled.status == "canceled"
    assert telephony.fetch_call(second.sid).status == "canceled"
    assert emulator.wait_idle()
    assert telephony.fetch_call(first.sid).status != "canceled"
    sids = {h.form["CallSid"][0] for h in webhooks.on("/twilio/voice/status")}
    assert second.sid not in sids


def test_hang_up_a_live_call(emulator, telephony, webhooks):
    emulator.configure(speed=20)
    emulator.script("+15551230004", call="human", ring_seconds=1)
    webhooks.twiml["/twilio/voice/answer"] = "<Response><Pause length='600'/></Response>"
    call = place(telephony, webhooks, "+15551230004")
    webhooks.wait_for("/twilio/voice/answer")
    assert telephony.hang_up(call.sid).sid == call.sid
    assert emulator.wait_idle()
    assert telephony.fetch_call(call.sid).status == "completed"


def test_messages_create_fetch_list(emulator, telephony, webhooks):
    emulator.script("+15551230005", sms="undelivered", sms_error_code=30005)
    ok = telephony.send_sms(
        to="+15551230006", from_=FROM, body="hello", status_url=webhooks.url("/twilio/sms/status")
    )
    bad = telephony.send_sms(
        to="+15551230005", from_=FROM, body="hello", status_url=webhooks.url("/twilio/sms/status")
    )
    assert ok.sid.startswith("SM")
    assert ok.status == "queued"
    assert emulator.wait_idle()
    assert telephony.fetch_message(ok.sid).status == "delivered"
    failed = telephony.fetch_message(bad.sid)
    assert (failed.status, failed.error_code) == ("undelivered", 30005)
    found = telephony.find_messages(
        to="+15551230006", from_=FROM, created_after=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert [m.sid for m in found] == [ok.sid]
    statuses = [
        h.form["MessageStatus"][0]
        for h in webhooks.on("/twilio/sms/status")
        if h.form["MessageSid"] == [bad.sid]
    ]
    assert sorted(statuses) == ["sending", "sent", "undelivered"]
    last = next(
        h for h in webhooks.on("/twilio/sms/status") if h.form["MessageStatus"] == ["undelivered"]
    )
    assert last.form["ErrorCode"] == ["30005"]


def test_strict_mode_429_surfaces_as_retryable(emulator, telephony, webhooks):
    emulator.configure(cps=1, strict=True)
    place(telephony, webhooks, "+15551230007")
    with pytest.raises(RetryableTelephonyError) as caught:
        place(telephony, webhooks, "+15551230008")
    assert (caught.value.code, caught.value.http_status) == (20429, 429)
    stats = emulator.stats()
    assert stats["rejected_429"] == 1
    assert stats["max_calls_in_any_second"] == 1


def test_invalid_numbers_and_opt_outs(emulator, telephony, webhooks):
    with pytest.raises(InvalidNumberError) as caught:
        place(telephony, webhooks, "555-NOT-E164")
    assert caught.value.code == 21211
    with pytest.raises(InvalidNumberError):
        place(telephony, webhooks, "+15005550001")  # 21217
    status_url = webhooks.url("/twilio/sms/status")
    with pytest.raises(InvalidNumberError) as caught:
        telephony.send_sms(to="+15005550001", from_=FROM, body="x", status_url=status_url)
    assert caught.value.code == 21211
    with pytest.raises(OptedOutError):
        telephony.send_sms(to="+15005550004", from_=FROM, body="x", status_url=status_url)
    emulator.script("+15551239999", sms_capable=False)
    with pytest.raises(NotSmsCapableError):
        telephony.send_sms(to="+15551239999", from_=FROM, body="x", status_url=status_url)


def test_stop_reply_opts_the_number_out(emulator, telephony, webhooks):
    status_url = webhooks.url("/twilio/sms/status")
    emulator.inject_sms(
        from_="+15551238888", to=FROM, body="STOP", url=webhooks.url("/twilio/sms/inbound")
    )
    with pytest.raises(OptedOutError) as caught:
        telephony.send_sms(to="+15551238888", from_=FROM, body="x", status_url=status_url)
    assert caught.value.code == 21610
    emulator.inject_sms(from_="+15551238888", to=FROM, body="START")
    assert telephony.send_sms(to="+15551238888", from_=FROM, body="x", status_url=status_url)


def test_wrong_credentials_get_20003(emulator):
    intruder = TwilioTelephony.create(emulator.account_sid, "wrong-token", emulator.base_url, 5)
    with pytest.raises(TelephonyError) as caught:
        intruder.fetch_call("CA" + "0" * 32)
    assert (caught.value.code, caught.value.http_status) == (20003, 401)


def test_unknown_call_is_20404(telephony):
    with pytest.raises(TelephonyError) as caught:
        telephony.fetch_call("CA" + "1" * 32)
    assert caught.value.code == 20404


def test_connection_refused_is_retryable():
    from twilio_emulator.testing import free_port

    gone = TwilioTelephony.create("AC" + "0" * 32, "t", f"http://127.0.0.1:{free_port()}", 2)
    with pytest.raises(RetryableTelephonyError):
        gone.send_sms(to="+15551230006", from_=FROM, body="x", status_url="http://127.0.0.1:9/x")


def test_calls_over_the_cps_wait_in_the_queue(emulator):
    import requests

    emulator.configure(cps=5)
    session = requests.Session()
    session.auth = (emulator.account_sid, emulator.auth_token)
    url = f"{emulator.base_url}/2010-04-01/Accounts/{emulator.account_sid}/Calls.json"
    form = {"To": "+15551230050", "From": FROM, "Twiml": "<Response/>"}
    waits = [int(session.post(url, data=form).json()["queue_time"]) for _ in range(5)]
    assert waits == sorted(waits)
    assert waits[-1] >= 500  # the fifth call leaves the queue ~0.8 s after the first
    assert emulator.wait_idle()


def test_a_text_still_queued_after_its_validity_is_dropped_not_sent_late(
    emulator, telephony, webhooks
):
    # One segment a second from a sender, in real time: four texts sent together wait 0, 1, 2
    # and 3 seconds in the sender's queue; with a validity of 1 s the last two never leave it.
    emulator.configure(speed=1, sms_mps=1)
    status_url = webhooks.url("/twilio/sms/status")
    sent = [
        telephony.send_sms(
            to=f"+1555123700{i}",
            from_=FROM,
            body="x",
            status_url=status_url,
            valid_for=timedelta(seconds=1),
        )
        for i in range(4)
    ]
    assert emulator.wait_idle(timeout=15)
    fetched = [telephony.fetch_message(m.sid) for m in sent]
    assert [m.status for m in fetched[:2]] == ["delivered", "delivered"]
    assert [(m.status, m.error_code) for m in fetched[2:]] == [("failed", 30036)] * 2
    dropped = {
        h.form["MessageSid"][0]: h.form["MessageStatus"][0]
        for h in webhooks.on("/twilio/sms/status")
        if h.form.get("ErrorCode") == ["30036"]
    }
    assert dropped == {m.sid: "failed" for m in sent[2:]}


def test_a_validity_twilio_does_not_accept_is_refused(emulator, telephony, webhooks):
    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=10),
    )
    for validity in (0, 36001):
        with pytest.raises(TwilioRestException) as refused:
            client.messages.create(
                to="+15551237009", from_=FROM, body="x", validity_period=validity
            )
        assert (refused.value.status, refused.value.code) == (400, 21624)
    with pytest.raises(ValueError, match="1 s to 10 h"):  # the gateway never asks for one
        telephony.send_sms(
            to="+15551237009",
            from_=FROM,
            body="x",
            status_url=webhooks.url("/twilio/sms/status"),
            valid_for=timedelta(hours=11),
        )
