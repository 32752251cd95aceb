"""TwiML is pinned as exact XML: Twilio reads it, so every attribute matters."""

from __future__ import annotations

from decimal import Decimal

from dialer.callbacks.steps import Stage, StepKind, VoiceStep, ask, say_and_hang_up
from dialer.vocabulary import Language
from dialer.wording import MessageContext, VoicePrompt
from webhooks.twiml import render_fallback, render_sms_reply, render_voice_step

HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
BASE = "https://h.example"
CONTEXT = MessageContext("Maria", "Acme Bank", Decimal("12"), "USD", "+18005550100", "Harbor")


def test_identity_question_in_spanish_gathers_one_digit_and_posts_empty_results() -> None:
    step = ask(
        7,
        language=Language.ES,
        context=CONTEXT,
        stage=Stage.IDENTITY,
        prompts=(VoicePrompt.IDENTITY,),
    )
    assert render_voice_step(step, base_url=BASE) == (
        HEAD + '<Response><Gather action="https://h.example/twilio/voice/gather?attempt=7&amp;'
        'stage=identity&amp;try=1" actionOnEmptyResult="true" input="dtmf" method="POST" '
        'numDigits="1" timeout="6"><Say language="es-US">Hola. Oprima 1 si usted es Maria. '
        "Oprima 2 si usted no es Maria.</Say></Gather></Response>"
    )


def test_menu_retry_carries_the_try_number() -> None:
    step = ask(
        7,
        language=Language.EN,
        context=CONTEXT,
        stage=Stage.MENU,
        prompts=(VoicePrompt.NOT_UNDERSTOOD,),
        try_number=2,
    )
    assert render_voice_step(step, base_url=BASE) == (
        HEAD + '<Response><Gather action="https://h.example/twilio/voice/gather?attempt=7&amp;'
        'stage=menu&amp;try=2" actionOnEmptyResult="true" input="dtmf" method="POST" '
        'numDigits="1" timeout="6"><Say language="en-US">Sorry, we did not get that.</Say>'
        "</Gather></Response>"
    )


def test_dial_to_an_agent_whispers_first_and_comes_back_to_the_dial_stage() -> None:
    step = VoiceStep(
        StepKind.DIAL_AGENT,
        7,
        Language.EN,
        CONTEXT,
        prompts=(VoicePrompt.CONNECTING,),
        stage=Stage.DIAL,
        agent_number="+16175550199",
        caller_id="+16175559999",
    )
    assert render_voice_step(step, base_url=BASE) == (
        HEAD + '<Response><Say language="en-US">Please hold while we connect you to an agent.'
        '</Say><Dial action="https://h.example/twilio/voice/gather?attempt=7&amp;stage=dial'
        '&amp;try=1" callerId="+16175559999" method="POST" timeout="20"><Number method="POST" '
        'url="https://h.example/twilio/voice/whisper?attempt=7">+16175550199</Number></Dial>'
        "</Response>"
    )


def test_chinese_voicemail_then_hang_up() -> None:
    step = say_and_hang_up(
        7, language=Language.ZH, context=CONTEXT, prompts=(VoicePrompt.VOICEMAIL,)
    )
    assert render_voice_step(step, base_url=BASE) == (
        HEAD + '<Response><Say language="cmn-CN">您好,我是Account Services的Jordan Lee。'
        "请回电+18005550100。谢谢。</Say><Hangup /></Response>"
    )


def test_whisper_is_said_without_hanging_up() -> None:
    step = VoiceStep(StepKind.SAY, 7, Language.EN, CONTEXT, prompts=(VoicePrompt.WHISPER,))
    assert render_voice_step(step, base_url=BASE) == (
        HEAD + '<Response><Say language="en-US">Incoming call for Maria, Acme Bank account, '
        "balance $12.00. Identity confirmed.</Say></Response>"
    )


def test_fallback_says_nothing_about_a_debt() -> None:
    assert render_fallback() == (
        HEAD + '<Response><Say language="en-US">We are sorry, we cannot continue this call '
        "right now. Goodbye.</Say><Hangup /></Response>"
    )


def test_sms_replies_are_escaped_and_may_be_empty() -> None:
    assert render_sms_reply("a & <b>") == (
        HEAD + "<Response><Message>a &amp; &lt;b&gt;</Message></Response>"
    )
    assert render_sms_reply(None) == HEAD + "<Response />"
