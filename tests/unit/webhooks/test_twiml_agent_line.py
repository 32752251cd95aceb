"""The agent line's TwiML, pinned as exact XML: the agent's leg starts and ends their room
and waits in silence; a consumer bridged to an agent whose line is up joins that room with no
ring, no prompt and no whisper, and leaving it keeps the agent there."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.vocabulary import Language
from dialer.wording import MessageContext
from webhooks.twiml import render_agent_line, render_voice_step

HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
BASE = "https://h.example"
CONTEXT = MessageContext("Maria", "Acme Bank", Decimal("12"), "USD", "+18005550100", "Harbor")
ACTION = (
    'action="https://h.example/twilio/voice/gather?attempt=9&amp;stage=dial&amp;try=1" '
    'method="POST"'
)
INTO_ROOM = VoiceStep(
    StepKind.DIAL_AGENT,
    9,
    Language.EN,
    CONTEXT,
    stage=Stage.DIAL,
    agent_number="+16175550901",
    caller_id="+16175550199",
    whisper=False,
    room="agent-line-4",
)


WAIT = "https://h.example/twilio/voice/wait?attempt=9"


def test_the_agent_answering_their_line_enters_their_own_silent_room() -> None:
    assert render_agent_line("agent-line-4") == (
        HEAD + '<Response><Dial><Conference beep="false" endConferenceOnExit="true" '
        'startConferenceOnEnter="true" waitUrl="">agent-line-4</Conference></Dial></Response>'
    )


def test_a_line_that_is_no_longer_the_agents_is_hung_up() -> None:
    assert render_agent_line(None) == HEAD + "<Response><Hangup /></Response>"


def test_a_consumer_joins_the_agents_room_instead_of_ringing_their_phone() -> None:
    assert render_voice_step(INTO_ROOM, base_url=BASE) == (
        HEAD + f'<Response><Dial {ACTION}><Conference beep="false" '
        'endConferenceOnExit="false" startConferenceOnEnter="false" waitMethod="POST" '
        f'waitUrl="{WAIT}">'
        "agent-line-4</Conference></Dial></Response>"
    )


def test_a_recorded_bridge_into_the_room_records_the_persons_own_leg_only() -> None:
    """Not the room: it lasts the agent's whole session, with other people's calls in it."""
    recorded = render_voice_step(replace(INTO_ROOM, record=True), base_url=BASE)
    assert recorded == (
        HEAD + '<Response><Start><Recording channels="dual" '
        'recordingStatusCallback="https://h.example/twilio/voice/recording?attempt=9" '
        'recordingStatusCallbackEvent="completed" recordingStatusCallbackMethod="POST" '
        f'track="both" /></Start><Dial {ACTION}><Conference beep="false" '
        'endConferenceOnExit="false" startConferenceOnEnter="false" waitMethod="POST" '
        f'waitUrl="{WAIT}">'
        "agent-line-4</Conference></Dial></Response>"
    )
