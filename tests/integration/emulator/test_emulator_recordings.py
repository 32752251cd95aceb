"""Recordings on the emulator, as on Twilio: a <Dial record> makes one when the call is
bridged, its callback is signed, the official client lists, fetches the audio of and deletes
it; the emulator keeps the TwiML each call executed, in order."""

from __future__ import annotations

import pytest
from twilio.rest import Client

from dialer.telephony.errors import TelephonyError
from dialer.telephony.twilio_gateway import RebasedHttpClient

pytestmark = pytest.mark.slow

CONSUMER = "+15551239001"
AGENT = "+15551239002"
DIAL = (
    '<Response><Say>This call will be recorded.</Say><Dial record="record-from-answer-dual" '
    'recordingStatusCallback="/twilio/voice/recording?attempt=7">'
    f"<Number>{AGENT}</Number></Dial></Response>"
)


def test_a_recorded_dial_is_listed_heard_and_deleted(emulator, telephony, webhooks) -> None:
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=5)
    emulator.script(AGENT, call="human", ring_seconds=1, talk_seconds=4)
    webhooks.twiml["/twilio/voice/answer"] = DIAL
    call = telephony.place_call(
        to=CONSUMER,
        from_="+15005550006",
        answer_url=webhooks.url("/twilio/voice/answer"),
        status_url=webhooks.url("/twilio/voice/status"),
        amd_url=None,
        timeout_seconds=30,
        machine_detection=False,
    )
    assert emulator.wait_idle()
    [hit] = webhooks.wait_for("/twilio/voice/recording")
    assert hit.signature_valid
    assert hit.form["CallSid"] == [call.sid]
    assert hit.form["RecordingChannels"] == ["2"]
    assert hit.form["RecordingSource"] == ["DialVerb"]
    sid = hit.form["RecordingSid"][0]

    executed = emulator.executed(call.sid)
    order = [row.get("verb") or row.get("event") for row in executed]
    assert order == ["Say", "Dial", "recording-started", "recording-completed"]
    assert executed[1]["attributes"]["record"] == "record-from-answer-dual"

    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=10),
    )
    [listed] = client.recordings.list(call_sid=call.sid)
    assert (listed.sid, listed.call_sid, listed.source) == (sid, call.sid, "DialVerb")
    assert int(listed.duration) >= 1
    audio = telephony.recording_audio(sid)
    assert audio[:4] == b"RIFF"
    telephony.delete_recording(sid)
    assert client.recordings.list(call_sid=call.sid) == []
    with pytest.raises(TelephonyError) as gone:
        telephony.delete_recording(sid)
    assert gone.value.code == 20404


def test_a_dial_without_record_makes_no_recording(emulator, telephony, webhooks) -> None:
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=5)
    emulator.script(AGENT, call="human", ring_seconds=1, talk_seconds=4)
    webhooks.twiml["/twilio/voice/answer"] = (
        f"<Response><Dial><Number>{AGENT}</Number></Dial></Response>"
    )
    call = telephony.place_call(
        to=CONSUMER,
        from_="+15005550006",
        answer_url=webhooks.url("/twilio/voice/answer"),
        status_url=webhooks.url("/twilio/voice/status"),
        amd_url=None,
        timeout_seconds=30,
        machine_detection=False,
    )
    assert emulator.wait_idle()
    assert webhooks.on("/twilio/voice/recording") == []
    assert [row.get("event") for row in emulator.executed(call.sid)] == [None]


def test_start_recording_on_a_dialled_leg_begins_after_its_whisper(
    emulator, telephony, webhooks
) -> None:
    """<Start><Recording> in the TwiML a <Number url> runs on the dialled leg records that leg
    from that moment (after what it heard first) to its end; the callback names that leg."""
    emulator.script(AGENT, call="human", ring_seconds=1, talk_seconds=5)
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=4)
    whisper = webhooks.url("/twilio/voice/whisper")
    webhooks.twiml["/twilio/voice/answer"] = (
        f'<Response><Dial><Number url="{whisper}">{CONSUMER}</Number></Dial></Response>'
    )
    webhooks.twiml["/twilio/voice/whisper"] = (
        "<Response><Say>This call will be recorded.</Say><Start><Recording channels="
        '"dual" recordingStatusCallback="/twilio/voice/recording?attempt=7&amp;leg=dialled"/>'
        "</Start></Response>"
    )
    call = telephony.place_call(
        to=AGENT,
        from_="+15005550006",
        answer_url=webhooks.url("/twilio/voice/answer"),
        status_url=webhooks.url("/twilio/voice/status"),
        amd_url=None,
        timeout_seconds=30,
        machine_detection=False,
    )
    assert emulator.wait_idle()
    [hit] = webhooks.wait_for("/twilio/voice/recording")
    client = Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=10),
    )
    [leg] = [c.sid for c in client.calls.list() if c.parent_call_sid == call.sid]
    assert hit.signature_valid
    assert hit.form["CallSid"] == [leg]
    assert hit.form["RecordingChannels"] == ["2"]
    [said] = emulator.heard(leg)
    [started] = [r for r in emulator.executed(leg) if r.get("event") == "recording-started"]
    assert said["text"] == "This call will be recorded."
    assert started["at"] >= said["at"] + 1.0  # a Say lasts at least one emulated second
    assert [r.get("event") for r in emulator.executed(call.sid)] == [None]  # not the agent's
