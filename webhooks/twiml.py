"""TwiML, built only here, with the official VoiceResponse and MessagingResponse.

Pure functions: a VoiceStep (what the IVR decided) in, XML text out.
"""

from __future__ import annotations

from urllib.parse import urlencode

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from dialer.callbacks.steps import Stage, StepKind, VoiceStep
from dialer.vocabulary import Language
from dialer.wording import VoicePrompt, voice_text

SAY_LANGUAGE = {Language.EN: "en-US", Language.ES: "es-US", Language.ZH: "cmn-CN"}
GATHER_TIMEOUT_SECONDS = 6
DIAL_TIMEOUT_SECONDS = 20
RECORD_MAX_SECONDS = 120
FALLBACK_TEXT = "We are sorry, we cannot continue this call right now. Goodbye."


def gather_url(base_url: str, *, attempt_id: int, stage: Stage, try_number: int = 1) -> str:
    query = urlencode({"attempt": attempt_id, "stage": stage.value, "try": try_number})
    return f"{base_url}/twilio/voice/gather?{query}"


def whisper_url(base_url: str, *, attempt_id: int, stage: Stage | None = None) -> str:
    query: dict[str, object] = {"attempt": attempt_id}
    if stage is not None:
        query["stage"] = stage.value
    return f"{base_url}/twilio/voice/whisper?{urlencode(query)}"


def wait_url(base_url: str, *, attempt_id: int) -> str:
    return f"{base_url}/twilio/voice/wait?{urlencode({'attempt': attempt_id})}"


def recording_url(base_url: str, *, attempt_id: int, dialled_leg: bool = False) -> str:
    query: dict[str, object] = {"attempt": attempt_id}
    if dialled_leg:
        query["leg"] = "dialled"
    return f"{base_url}/twilio/voice/recording?{urlencode(query)}"


def _recording(step: VoiceStep, base_url: str) -> dict[str, str]:
    """<Dial> attributes that record the bridged conversation (both parties, from the answer
    of the dialled party: after any notice said before the <Dial>)."""
    if not step.record:
        return {}
    return {
        "record": "record-from-answer-dual",
        "recording_status_callback": recording_url(base_url, attempt_id=step.attempt_id),
        "recording_status_callback_method": "POST",
        "recording_status_callback_event": "completed",
    }


def _notice_then_record(response: VoiceResponse, step: VoiceStep, base_url: str) -> None:
    """<Start><Recording> of this call (both parties), after the notice when announced: the
    first thing the person hears is the notice, and recording starts only once it is said."""
    if step.announce:
        notice = voice_text(
            VoicePrompt.RECORDING_NOTICE, language=step.language, context=step.context
        )
        response.say(notice, language=SAY_LANGUAGE[step.language])
    response.start().recording(
        channels="dual",
        track="both",
        recording_status_callback=recording_url(
            base_url, attempt_id=step.attempt_id, dialled_leg=step.dialled_leg
        ),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )


def _consumer_notice(step: VoiceStep, base_url: str) -> dict[str, str]:
    """<Number> attributes of a manual call's consumer leg in an all-party state: that leg
    hears the notice, then records (Stage.NOTICE), before the bridge."""
    if not step.announce or step.record:
        return {}
    url = whisper_url(base_url, attempt_id=step.attempt_id, stage=Stage.NOTICE)
    return {"url": url, "method": "POST"}


def _texts(step: VoiceStep) -> list[str]:
    return [
        voice_text(prompt, language=step.language, context=step.context, window=step.window)
        for prompt in step.prompts
    ]


def render_voice_step(step: VoiceStep, *, base_url: str) -> str:
    response = VoiceResponse()
    language = SAY_LANGUAGE[step.language]
    if step.start_recording:
        _notice_then_record(response, step, base_url)
    if step.kind is StepKind.ASK and step.stage is not None:
        gather = response.gather(
            input="dtmf",
            num_digits=1,
            timeout=GATHER_TIMEOUT_SECONDS,
            action=gather_url(
                base_url, attempt_id=step.attempt_id, stage=step.stage, try_number=step.try_number
            ),
            method="POST",
            action_on_empty_result=True,
        )
        for text in _texts(step):
            gather.say(text, language=language)
    elif step.kind is StepKind.DIAL_AGENT and step.agent_number:
        _dial_agent(response, step, step.agent_number, base_url=base_url)
    elif step.kind is StepKind.DIAL_CONSUMER and step.consumer_number:
        # The agent's leg: the consumer hears nothing synthesised, only the agent.
        dial = response.dial(
            caller_id=step.caller_id,
            timeout=DIAL_TIMEOUT_SECONDS,
            action=gather_url(base_url, attempt_id=step.attempt_id, stage=Stage.DIAL),
            method="POST",
            **_recording(step, base_url),
        )
        dial.number(step.consumer_number, **_consumer_notice(step, base_url))
    elif step.kind is StepKind.RECORD:
        for text in _texts(step):
            response.say(text, language=language)
        response.record(
            max_length=RECORD_MAX_SECONDS,
            play_beep=True,
            action=gather_url(base_url, attempt_id=step.attempt_id, stage=Stage.RECORDED),
            method="POST",
            recording_status_callback=recording_url(base_url, attempt_id=step.attempt_id),
            recording_status_callback_method="POST",
        )
    elif step.audio_url:
        response.play(step.audio_url)
        if step.kind is StepKind.SAY_AND_HANG_UP:
            response.hangup()
    else:
        for text in _texts(step):
            response.say(text, language=language)
        if step.kind is StepKind.SAY_AND_HANG_UP:
            response.hangup()
    return str(response)


def _dial_agent(
    response: VoiceResponse, step: VoiceStep, agent_number: str, *, base_url: str
) -> None:
    """Any prompts, then the agent's leg (with the whisper URL unless the step has none), or
    their line's conference room when it is connected."""
    for text in _texts(step):
        response.say(text, language=SAY_LANGUAGE[step.language])
    if step.room:
        _join_room(response, step, step.room, base_url=base_url)
        return
    dial = response.dial(
        caller_id=step.caller_id,
        timeout=step.dial_timeout or DIAL_TIMEOUT_SECONDS,
        action=gather_url(base_url, attempt_id=step.attempt_id, stage=Stage.DIAL),
        method="POST",
        **_recording(step, base_url),
    )
    if step.whisper:
        whisper = whisper_url(base_url, attempt_id=step.attempt_id)
        dial.number(agent_number, url=whisper, method="POST")
    else:
        dial.number(agent_number)


def _join_room(response: VoiceResponse, step: VoiceStep, room: str, *, base_url: str) -> None:
    """The person joins the agent's room. The agent started it and ends it on leaving; the
    person's leaving leaves the agent in it, ready for the next call. No ring, no beep.

    A recorded bridge records the person's own leg (<Start><Recording>, both tracks: what
    they say and what they hear of the agent) from the join to their hang-up: a recording of
    the room would span the agent's whole session, other people's calls included."""
    if step.record:
        response.start().recording(
            channels="dual",
            track="both",
            recording_status_callback=recording_url(base_url, attempt_id=step.attempt_id),
            recording_status_callback_method="POST",
            recording_status_callback_event="completed",
        )
    dial = response.dial(
        action=gather_url(base_url, attempt_id=step.attempt_id, stage=Stage.DIAL), method="POST"
    )
    dial.conference(
        room,
        start_conference_on_enter=False,
        end_conference_on_exit=False,
        beep=False,
        # requested only while the room has not started, i.e. the agent is not in it (their
        # line dropped after they were picked): the person is sent on at once (webhooks.voice)
        wait_url=wait_url(base_url, attempt_id=step.attempt_id),
        wait_method="POST",
    )


def render_agent_line(room: str | None) -> str:
    """The agent answered their line: into their own room, which starts with them and ends
    when they leave; silence while they wait (no hold music, no beeps). None: hang up."""
    response = VoiceResponse()
    if room is None:
        response.hangup()
        return str(response)
    response.dial().conference(
        room,
        start_conference_on_enter=True,
        end_conference_on_exit=True,
        beep=False,
        wait_url="",
    )
    return str(response)


WAIT_PAUSE_SECONDS = 5


def render_wait() -> str:
    """The waitUrl's TwiML (only Say, Play, Pause and Redirect are allowed there): a pause
    while the call is redirected; Twilio asks again when it ends, and the redirect is tried
    again."""
    response = VoiceResponse()
    response.pause(length=WAIT_PAUSE_SECONDS)
    return str(response)


def render_fallback() -> str:
    """When the case record could not be read: apologise and hang up (nothing about a debt)."""
    response = VoiceResponse()
    response.say(FALLBACK_TEXT, language=SAY_LANGUAGE[Language.EN])
    response.hangup()
    return str(response)


def render_sms_reply(body: str | None) -> str:
    """The inbound SMS answer: one reply message, or an empty response (no reply)."""
    response = MessagingResponse()
    if body:
        response.message(body)
    return str(response)
