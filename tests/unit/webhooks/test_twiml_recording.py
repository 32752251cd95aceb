"""A recorded bridge: in an all-party-consent state the notice is said before the <Dial> that
records, so recording (from the agent's answer) starts only after the consumer heard it."""

from __future__ import annotations

from dataclasses import replace

from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.vocabulary import Language
from dialer.wording import VoicePrompt
from tests.unit.webhooks.test_twiml import BASE, CONTEXT, HEAD
from webhooks.twiml import render_voice_step

BRIDGE = VoiceStep(
    StepKind.DIAL_AGENT,
    7,
    Language.EN,
    CONTEXT,
    prompts=(VoicePrompt.RECORDING_NOTICE, VoicePrompt.CONNECTING),
    stage=Stage.DIAL,
    agent_number="+16175550199",
    caller_id="+16175559999",
    record=True,
    announce=True,
)


def test_announced_bridge_says_the_notice_then_records_the_dial() -> None:
    assert render_voice_step(BRIDGE, base_url=BASE) == (
        HEAD + '<Response><Say language="en-US">This call will be recorded. If you do not want '
        "it recorded, please hang up and call us back at +18005550100.</Say>"
        '<Say language="en-US">Please hold while we connect you to an agent.</Say>'
        '<Dial action="https://h.example/twilio/voice/gather?attempt=7&amp;stage=dial&amp;try=1" '
        'callerId="+16175559999" method="POST" record="record-from-answer-dual" '
        'recordingStatusCallback="https://h.example/twilio/voice/recording?attempt=7" '
        'recordingStatusCallbackEvent="completed" recordingStatusCallbackMethod="POST" '
        'timeout="20"><Number method="POST" url="https://h.example/twilio/voice/whisper?'
        'attempt=7">+16175550199</Number></Dial></Response>'
    )


def test_the_notice_is_in_the_consumers_language() -> None:
    xml = render_voice_step(replace(BRIDGE, language=Language.ZH), base_url=BASE)
    assert xml.index("本次通话将被录音") < xml.index("<Dial")
    spanish = render_voice_step(replace(BRIDGE, language=Language.ES), base_url=BASE)
    assert spanish.index("Esta llamada será grabada") < spanish.index("<Dial")


def test_a_bridge_that_is_not_recorded_has_no_record_attribute() -> None:
    plain = replace(BRIDGE, record=False, announce=False, prompts=(VoicePrompt.CONNECTING,))
    xml = render_voice_step(plain, base_url=BASE)
    assert "record" not in xml.lower().replace("recorded", "")
    assert "will be recorded" not in xml


def test_the_agents_leg_dialling_the_consumer_records_without_a_prompt() -> None:
    step = VoiceStep(
        StepKind.DIAL_CONSUMER,
        9,
        Language.EN,
        CONTEXT,
        stage=Stage.DIAL,
        caller_id="+16175559999",
        consumer_number="+16175550100",
        record=True,
    )
    xml = render_voice_step(step, base_url=BASE)
    assert "<Say" not in xml
    assert 'record="record-from-answer-dual"' in xml
    assert "recording?attempt=9" in xml


def test_a_manual_call_in_an_all_party_state_announces_on_the_consumers_leg() -> None:
    """The agent's <Dial> rings the consumer with <Number url> (the notice stage): nothing is
    recorded from the consumer's answer; their own leg hears the notice, then records."""
    step = VoiceStep(
        StepKind.DIAL_CONSUMER,
        9,
        Language.EN,
        CONTEXT,
        stage=Stage.DIAL,
        caller_id="+16175559999",
        consumer_number="+16175550100",
        announce=True,
    )
    xml = render_voice_step(step, base_url=BASE)
    assert "record=" not in xml
    assert (
        '<Number method="POST" url="https://h.example/twilio/voice/whisper?attempt=9&amp;'
        'stage=notice">+16175550100</Number>'
    ) in xml
    leg = VoiceStep(
        StepKind.SAY, 9, Language.ES, CONTEXT, announce=True, start_recording=True, dialled_leg=True
    )
    notice = render_voice_step(leg, base_url=BASE)
    assert notice.index("Esta llamada será grabada") < notice.index("<Start><Recording")
    assert "recording?attempt=9&amp;leg=dialled" in notice


def test_an_automated_call_says_the_notice_then_starts_recording_then_asks() -> None:
    ask = VoiceStep(
        StepKind.ASK,
        5,
        Language.EN,
        CONTEXT,
        prompts=(VoicePrompt.IDENTITY,),
        stage=Stage.IDENTITY,
        announce=True,
        start_recording=True,
    )
    xml = render_voice_step(ask, base_url=BASE)
    assert xml.startswith(HEAD + '<Response><Say language="en-US">This call will be recorded.')
    assert xml.index("</Say><Start><Recording") < xml.index("<Gather")
    assert (
        '<Recording channels="dual" recordingStatusCallback="https://h.example/twilio/voice/'
        'recording?attempt=5" recordingStatusCallbackEvent="completed" '
        'recordingStatusCallbackMethod="POST" track="both" />'
    ) in xml
    one_party = render_voice_step(replace(ask, announce=False), base_url=BASE)
    assert one_party.startswith(HEAD + "<Response><Start><Recording")
    assert "will be recorded" not in one_party
