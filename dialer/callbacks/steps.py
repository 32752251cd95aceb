"""What the IVR does next, as data; webhooks/twiml.py turns a step into TwiML."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dialer.vocabulary import Language
from dialer.wording import MessageContext, VoicePrompt


class Stage(StrEnum):
    IDENTITY = "identity"
    MENU = "menu"
    CALLBACK = "callback"
    DIAL = "dial"  # the <Dial> to an agent ended
    INBOUND = "inbound"  # the menu of a call the consumer made to us
    RECORDED = "recorded"  # a caller who reached nobody left a message
    VOICEMAIL = "voicemail"  # async AMD heard a machine's greeting end: the call is redirected
    NOTICE = "notice"  # the consumer's leg of a manual call: the recording notice, then recording


class StepKind(StrEnum):
    ASK = "ask"  # say prompts inside a <Gather> for `stage`
    DIAL_AGENT = "dial_agent"
    DIAL_CONSUMER = "dial_consumer"  # the agent answered first: dial the consumer, no prompt
    SAY_AND_HANG_UP = "say_and_hang_up"
    SAY = "say"  # the whisper to the agent: say and return (the bridge follows)
    RECORD = "record"  # say prompts, then record a message (a caller who reached nobody)


@dataclass(frozen=True, slots=True)
class VoiceStep:
    kind: StepKind
    attempt_id: int
    language: Language
    context: MessageContext
    prompts: tuple[VoicePrompt, ...] = ()
    stage: Stage | None = None
    try_number: int = 1
    window: str = ""
    agent_number: str | None = None
    caller_id: str | None = None
    consumer_number: str | None = None
    audio_url: str | None = None  # a recorded message played instead of the spoken prompts
    dial_timeout: int | None = None  # seconds the dialled leg may ring (None: the default)
    whisper: bool = True  # the agent's leg hears the case summary before the bridge
    # The agent's line is connected: join their conference room (no ring time) instead of
    # ringing `agent_number` (dialer.agents.line).
    room: str | None = None
    # Record the bridged conversation (<Dial record>); `announce`: the consumer hears the
    # recording notice first (all-party-consent state), recording starts only after it (on a
    # manual call's <Dial>: the consumer's own leg says it, see Stage.NOTICE).
    record: bool = False
    announce: bool = False
    # Record this whole call from here (<Start><Recording>), after the notice when `announce`.
    start_recording: bool = False
    dialled_leg: bool = False  # runs on a leg our <Dial> rang (its CallSid is not the attempt's)


def ask(
    view_attempt_id: int,
    *,
    language: Language,
    context: MessageContext,
    stage: Stage,
    prompts: tuple[VoicePrompt, ...],
    try_number: int = 1,
) -> VoiceStep:
    return VoiceStep(
        StepKind.ASK,
        view_attempt_id,
        language,
        context,
        prompts=prompts,
        stage=stage,
        try_number=try_number,
    )


def say_and_hang_up(
    attempt_id: int,
    *,
    language: Language,
    context: MessageContext,
    prompts: tuple[VoicePrompt, ...],
    window: str = "",
) -> VoiceStep:
    return VoiceStep(
        StepKind.SAY_AND_HANG_UP, attempt_id, language, context, prompts=prompts, window=window
    )
