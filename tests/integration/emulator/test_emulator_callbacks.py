"""Callbacks are signed like Twilio's; TwiML is followed (Gather, Dial + whisper, Record...)."""

from __future__ import annotations

import pytest

from dialer.telephony.twilio_gateway import TwilioTelephony
from twilio_emulator.recorder import WebhookRecorder
from twilio_emulator.testing import EmulatorHandle

FROM = "+15005550006"
AGENT = "+15550009999"
pytestmark = pytest.mark.slow


def place(telephony: TwilioTelephony, webhooks: WebhookRecorder, to: str, *, amd: bool = False):
    return telephony.place_call(
        to=to,
        from_=FROM,
        answer_url=webhooks.url("/twilio/voice/answer"),
        status_url=webhooks.url("/twilio/voice/status?attempt=42"),
        amd_url=webhooks.url("/twilio/voice/amd"),
        timeout_seconds=30,
        machine_detection=amd,
    )


def test_every_callback_is_signed_for_the_official_validator(emulator, telephony, webhooks):
    emulator.script("+15551230010", call="machine", answered_by="machine_end_beep")
    webhooks.twiml["/twilio/voice/answer"] = "<Response><Pause length='5'/></Response>"
    call = place(telephony, webhooks, "+15551230010", amd=True)
    telephony.send_sms(
        to="+15551230011", from_=FROM, body="hi", status_url=webhooks.url("/twilio/sms/status")
    )
    emulator.inject_sms(
        from_="+15551230012", to=FROM, body="hello", url=webhooks.url("/twilio/sms/inbound")
    )
    assert emulator.wait_idle()
    assert webhooks.hits
    assert all(hit.signature_valid for hit in webhooks.hits), webhooks.hits
    amd = webhooks.wait_for("/twilio/voice/amd")[0]
    assert amd.form["AnsweredBy"] == ["machine_end_beep"]
    assert amd.form["CallSid"] == [call.sid]
    assert int(amd.form["MachineDetectionDuration"][0]) > 0
    inbound = webhooks.on("/twilio/sms/inbound")[0].form
    assert inbound["Body"] == ["hello"]
    assert inbound["NumMedia"] == ["0"]
    assert inbound["MessageSid"][0].startswith("SM")


def test_status_callbacks_carry_twilio_parameters(emulator, telephony, webhooks):
    emulator.script("+15551230013", call="human", ring_seconds=2)
    call = place(telephony, webhooks, "+15551230013")
    assert emulator.wait_idle()
    hits = webhooks.on("/twilio/voice/status")
    by_seq = sorted(hits, key=lambda h: int(h.form["SequenceNumber"][0]))
    assert [h.form["CallStatus"][0] for h in by_seq] == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    last = by_seq[-1].form
    assert last["CallSid"] == [call.sid]
    assert last["Direction"] == ["outbound-api"]
    assert last["CallbackSource"] == ["call-progress-events"]
    assert last["SipResponseCode"] == ["200"]
    assert int(last["CallDuration"][0]) >= 1
    assert last["Timestamp"][0].endswith("+0000")
    tokens = {h.headers["I-Twilio-Idempotency-Token"] for h in hits}
    assert len(tokens) == 4


def test_busy_and_no_answer_end_without_answer(emulator, telephony, webhooks):
    emulator.script("+15551230014", call="busy")
    emulator.script("+15551230015", call="no-answer")
    busy = place(telephony, webhooks, "+15551230014")
    silent = place(telephony, webhooks, "+15551230015")
    assert emulator.wait_idle()
    assert telephony.fetch_call(busy.sid).status == "busy"
    assert telephony.fetch_call(silent.sid).status == "no-answer"
    assert not webhooks.on("/twilio/voice/answer")


def test_duplicated_callbacks_share_an_idempotency_token(emulator, telephony, webhooks):
    emulator.configure(faults={"duplicate_callback_rate": 1.0})
    emulator.script("+15551230016", call="failed")
    place(telephony, webhooks, "+15551230016")
    assert emulator.wait_idle()
    hits = webhooks.on("/twilio/voice/status")
    assert len(hits) == 4  # initiated and completed(failed), twice each
    tokens = [h.headers["I-Twilio-Idempotency-Token"] for h in hits]
    assert len(set(tokens)) == 2


def test_gather_digits_then_dial_agent_with_whisper(emulator, telephony, webhooks):
    emulator.script("+15551230017", call="human", ring_seconds=1, digits=["2"], agent_answers=True)
    webhooks.twiml["/twilio/voice/answer"] = (
        "<Response><Gather numDigits='1' action='/twilio/voice/gather' timeout='5'>"
        "<Say>Press 1 to pay, 2 for an agent</Say></Gather><Hangup/></Response>"
    )
    webhooks.twiml["/twilio/voice/gather"] = (
        "<Response><Dial action='/twilio/voice/dial-done' timeout='20'>"
        f"<Number url='/twilio/voice/whisper'>{AGENT}</Number></Dial></Response>"
    )
    webhooks.twiml["/twilio/voice/whisper"] = "<Response><Say>Case 17</Say></Response>"
    call = place(telephony, webhooks, "+15551230017")
    assert emulator.wait_idle()
    gather = webhooks.on("/twilio/voice/gather")[0].form
    assert gather["Digits"] == ["2"]
    assert gather["CallSid"] == [call.sid]
    whisper = webhooks.on("/twilio/voice/whisper")[0].form
    assert whisper["To"] == [AGENT]
    assert whisper["ParentCallSid"] == [call.sid]
    done = webhooks.on("/twilio/voice/dial-done")[0].form
    assert done["DialCallStatus"] == ["completed"]
    assert int(done["DialCallDuration"][0]) > 0
    legs = telephony._client.calls.list(parent_call_sid=call.sid)
    assert [leg.to for leg in legs] == [AGENT]


def test_no_input_continues_after_gather_and_unanswered_agent(emulator, telephony, webhooks):
    emulator.script("+15551230018", call="human", ring_seconds=1, digits=[None])
    emulator.script(AGENT, call="no-answer")
    webhooks.twiml["/twilio/voice/answer"] = (
        "<Response><Gather numDigits='1' action='/twilio/voice/gather'><Say>Menu</Say></Gather>"
        f"<Dial action='/twilio/voice/dial-done' timeout='10'><Number>{AGENT}</Number></Dial>"
        "</Response>"
    )
    place(telephony, webhooks, "+15551230018")
    assert emulator.wait_idle()
    assert not webhooks.on("/twilio/voice/gather")
    assert webhooks.on("/twilio/voice/dial-done")[0].form["DialCallStatus"] == ["no-answer"]


def test_record_redirect_and_sync_amd(emulator: EmulatorHandle, telephony, webhooks):
    emulator.script("+15551230019", call="human", ring_seconds=1)
    webhooks.twiml["/twilio/voice/answer"] = (
        "<Response><Redirect>/twilio/voice/next</Redirect></Response>"
    )
    webhooks.twiml["/twilio/voice/next"] = (
        "<Response><Record maxLength='30' recordingStatusCallback='/twilio/voice/recording'/>"
        "</Response>"
    )
    telephony._client.calls.create(
        to="+15551230019",
        from_=FROM,
        url=webhooks.url("/twilio/voice/answer"),
        machine_detection="Enable",
    )
    assert emulator.wait_idle()
    answer = webhooks.on("/twilio/voice/answer")[0].form
    assert answer["AnsweredBy"] == ["human"]
    recording = webhooks.on("/twilio/voice/recording")[0].form
    assert recording["RecordingSid"][0].startswith("RE")
    assert recording["RecordingStatus"] == ["completed"]
    assert int(recording["RecordingDuration"][0]) > 0


def test_twiml_loops_are_cut(emulator, telephony, webhooks):
    emulator.configure(max_twiml_steps=5)
    emulator.script("+15551230020", call="human", ring_seconds=1)
    webhooks.twiml["/twilio/voice/answer"] = (
        "<Response><Redirect>/twilio/voice/answer</Redirect></Response>"
    )
    call = place(telephony, webhooks, "+15551230020")
    assert emulator.wait_idle()
    assert len(webhooks.on("/twilio/voice/answer")) == 6  # the first fetch + 5 steps
    assert telephony.fetch_call(call.sid).status == "completed"


def test_the_called_party_heard_log_is_in_order_with_emulated_offsets(
    emulator, telephony, webhooks
):
    emulator.script("+15551230019", call="human", ring_seconds=1, digits=[None])
    webhooks.twiml["/twilio/voice/answer"] = (
        "<Response><Say>One two three</Say><Pause length='3'/>"
        "<Gather numDigits='1' timeout='1'><Say>Press one</Say></Gather></Response>"
    )
    call = place(telephony, webhooks, "+15551230019")
    assert emulator.wait_idle()
    heard = emulator.heard(call.sid)
    assert [(h["verb"], h["text"]) for h in heard] == [
        ("Say", "One two three"),
        ("Pause", ""),
        ("Say", "Press one"),
    ]
    offsets = [h["at"] for h in heard]
    assert offsets == sorted(offsets)
    assert offsets[2] - offsets[0] >= 1.0 + 3.0  # the first Say (at least 1 s), the Pause
