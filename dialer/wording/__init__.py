"""Message texts: campaign SMS, keyword replies and IVR prompts, in en, es and zh."""

from __future__ import annotations

from dialer.wording.context import MessageContext, clean_value, format_money
from dialer.wording.segments import Encoding, SegmentInfo, sms_segments
from dialer.wording.sms import (
    OPT_OUT_INSTRUCTION,
    REPLY_TEMPLATES,
    SMS_TEMPLATES,
    render_reply,
    render_sms,
)
from dialer.wording.voice import CALLBACK_WINDOWS, VOICE_TEXTS, VoicePrompt, voice_text

__all__ = [
    "CALLBACK_WINDOWS",
    "OPT_OUT_INSTRUCTION",
    "REPLY_TEMPLATES",
    "SMS_TEMPLATES",
    "VOICE_TEXTS",
    "Encoding",
    "MessageContext",
    "SegmentInfo",
    "VoicePrompt",
    "clean_value",
    "format_money",
    "render_reply",
    "render_sms",
    "sms_segments",
    "voice_text",
]
