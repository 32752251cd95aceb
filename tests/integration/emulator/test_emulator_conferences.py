"""Conference rooms on the emulator, as on Twilio: an agent's line waits in their room; a
consumer who joins it is bridged at once; the consumer leaving keeps the agent there; the
agent leaving (endConferenceOnExit) ends the room and drops whoever is still in it. Read
through the official client's Conferences and Participants lists."""

from __future__ import annotations

import time

import pytest
from twilio.rest import Client

from dialer.telephony.twilio_gateway import RebasedHttpClient

pytestmark = pytest.mark.slow

AGENT = "+15551239101"
CONSUMER = "+15551239102"
ROOM = "agent-line-1"
AGENT_LINE = (
    '<Response><Dial><Conference startConferenceOnEnter="true" endConferenceOnExit="true" '
    f'beep="false" waitUrl="">{ROOM}</Conference></Dial></Response>'
)
CONSUMER_JOINS = (
    '<Response><Dial action="/twilio/voice/gather?attempt=5&amp;stage=dial">'
    '<Conference startConferenceOnEnter="false" endConferenceOnExit="false" beep="false">'
    f"{ROOM}</Conference></Dial><Say>after the room</Say></Response>"
)


def _client(emulator) -> Client:
    return Client(
        emulator.account_sid,
        emulator.auth_token,
        http_client=RebasedHttpClient(emulator.base_url, timeout=10),
    )


def _place(telephony, webhooks, to: str, path: str):
    return telephony.place_call(
        to=to,
        from_="+15005550006",
        answer_url=webhooks.url(path),
        status_url=webhooks.url("/twilio/voice/status"),
        amd_url=None,
        timeout_seconds=30,
        machine_detection=False,
    )


def _room_live(client: Client, *, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = client.conferences.list(friendly_name=ROOM, status="in-progress")
        if live:
            return live[0]
        time.sleep(0.02)
    raise AssertionError("the agent's room never started")


def test_a_consumer_joins_the_agents_room_at_once_and_leaves_the_agent_there(
    emulator, telephony, webhooks
) -> None:
    emulator.script(AGENT, call="human", ring_seconds=6, talk_seconds=100_000)
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=4)
    webhooks.twiml["/line"] = AGENT_LINE
    webhooks.twiml["/answer"] = CONSUMER_JOINS
    client = _client(emulator)
    line = _place(telephony, webhooks, AGENT, "/line")
    room = _room_live(client)

    consumer = _place(telephony, webhooks, CONSUMER, "/answer")
    [action] = webhooks.wait_for("/twilio/voice/gather")
    assert action.form["CallSid"] == [consumer.sid]
    assert action.form["DialCallStatus"] == ["answered"]
    assert action.form["ConferenceSid"] == [room.sid]
    # nothing said before the room: the first thing after the answer is the agent
    assert [row["verb"] for row in emulator.heard(consumer.sid)] == ["Conference"]
    # the consumer hung up after talking: the agent is alone in the room, still live
    [still] = client.conferences(room.sid).participants.list()
    assert still.call_sid == line.sid
    assert client.conferences.list(friendly_name=ROOM)[0].status == "in-progress"
    [stays] = emulator.conferences()
    bridged = {s["call_sid"]: s["bridged_at"] for s in stays["stays"]}
    assert bridged[consumer.sid] is not None

    telephony.hang_up(line.sid)  # the agent hangs up their phone: the room ends
    assert emulator.wait_idle()
    assert client.conferences.list(friendly_name=ROOM)[0].status == "completed"
    assert client.calls(line.sid).fetch().status == "completed"


def test_the_agent_leaving_ends_the_room_and_the_consumer_goes_on(
    emulator, telephony, webhooks
) -> None:
    emulator.script(AGENT, call="human", ring_seconds=1, talk_seconds=100_000)
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=100_000)
    webhooks.twiml["/line"] = AGENT_LINE
    webhooks.twiml["/answer"] = CONSUMER_JOINS
    webhooks.twiml["/twilio/voice/gather"] = "<Response><Say>Goodbye.</Say></Response>"
    client = _client(emulator)
    line = _place(telephony, webhooks, AGENT, "/line")
    room = _room_live(client)
    consumer = _place(telephony, webhooks, CONSUMER, "/answer")
    deadline = time.monotonic() + 10
    while len(client.conferences(room.sid).participants.list()) < 2:
        assert time.monotonic() < deadline, "the consumer never joined"
        time.sleep(0.02)

    telephony.hang_up(line.sid)
    [action] = webhooks.wait_for("/twilio/voice/gather")
    assert action.form["CallSid"] == [consumer.sid]
    assert emulator.wait_idle()
    assert [row["verb"] for row in emulator.heard(consumer.sid)] == ["Conference", "Say"]
    assert client.calls(consumer.sid).fetch().status == "completed"
    assert client.conferences(room.sid).participants.list() == []


def test_a_recording_started_before_the_room_records_the_consumers_leg_only(
    emulator, telephony, webhooks
) -> None:
    """<Start><Recording>: one recording of the consumer's call, from the join to their
    hang-up; the agent's line (the room) is not recorded."""
    emulator.script(AGENT, call="human", ring_seconds=1, talk_seconds=100_000)
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=4)
    webhooks.twiml["/line"] = AGENT_LINE
    webhooks.twiml["/answer"] = CONSUMER_JOINS.replace(
        "<Response>",
        '<Response><Start><Recording channels="dual" '
        'recordingStatusCallback="/twilio/voice/recording?attempt=5" /></Start>',
    )
    client = _client(emulator)
    line = _place(telephony, webhooks, AGENT, "/line")
    _room_live(client)
    consumer = _place(telephony, webhooks, CONSUMER, "/answer")

    [hit] = webhooks.wait_for("/twilio/voice/recording")
    assert hit.form["CallSid"] == [consumer.sid]
    assert hit.form["RecordingChannels"] == ["2"]
    assert hit.form["RecordingSource"] == ["StartCallRecordingTwiML"]
    order = [row.get("verb") or row.get("event") for row in emulator.executed(consumer.sid)]
    assert order == [
        "Start",
        "recording-started",
        "Dial",
        "conference-joined",
        "conference-bridged",
        "recording-completed",
    ]
    telephony.hang_up(line.sid)
    assert emulator.wait_idle()
    assert [r.call_sid for r in client.recordings.list()] == [consumer.sid]


def test_a_consumer_in_a_room_nobody_started_hears_its_wait_url(
    emulator, telephony, webhooks
) -> None:
    """The agent's line is gone: the consumer's room never starts. As on Twilio, the waitUrl
    is requested and its TwiML heard (here: redirected away by the application at once)."""
    emulator.script(CONSUMER, call="human", ring_seconds=1, talk_seconds=100_000)
    webhooks.twiml["/answer"] = CONSUMER_JOINS.replace(
        'beep="false">', 'beep="false" waitUrl="/twilio/voice/wait?attempt=5">'
    )
    webhooks.twiml["/twilio/voice/wait"] = "<Response><Say>Nobody is here.</Say></Response>"
    webhooks.twiml["/twilio/voice/gather"] = "<Response><Say>Goodbye.</Say></Response>"
    consumer = _place(telephony, webhooks, CONSUMER, "/answer")

    [wait] = webhooks.wait_for("/twilio/voice/wait")
    assert wait.form["CallSid"] == [consumer.sid]
    telephony.redirect_call(consumer.sid, url=webhooks.url("/twilio/voice/gather"))
    assert emulator.wait_idle()
    heard = [(row["verb"], row["text"]) for row in emulator.heard(consumer.sid)]
    assert heard == [("Conference", ROOM), ("Say", "Nobody is here."), ("Say", "Goodbye.")]
    [stays] = emulator.conferences()
    assert [s["bridged_at"] for s in stays["stays"]] == [None]  # never bridged to anyone
