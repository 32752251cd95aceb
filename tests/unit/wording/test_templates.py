"""SMS and voice texts: the creditor, the opt-out line, clean values, honest segment counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialer.vocabulary import Language
from dialer.wording import (
    SMS_TEMPLATES,
    VOICE_TEXTS,
    Encoding,
    MessageContext,
    VoicePrompt,
    render_reply,
    render_sms,
    sms_segments,
    voice_text,
)

CONTEXT = MessageContext(
    first_name="Maria",
    creditor="Acme Bank",
    balance=Decimal("1234.5"),
    currency="USD",
    callback_number="+18005550100",
    company="Harbor Recovery",
)
OPT_OUT = {
    Language.EN: "Reply STOP to opt out",
    Language.ES: "Responda STOP para cancelar",
    Language.ZH: "回复TD退订",
}


@pytest.mark.parametrize("template", sorted(SMS_TEMPLATES))
@pytest.mark.parametrize("language", list(Language))
def test_every_sms_names_the_creditor_and_ends_with_the_opt_out(
    template: str, language: Language
) -> None:
    body = render_sms(template, language=language, context=CONTEXT)
    assert "Acme Bank" in body
    assert body.endswith(OPT_OUT[language])
    assert "{" not in body


def test_followup_carries_the_formatted_balance() -> None:
    body = render_sms("reminder_followup", language=Language.EN, context=CONTEXT)
    assert "$1,234.50" in body
    assert body == (
        "Maria, Harbor Recovery, a debt collector, here again about your Acme Bank account "
        "with a balance of $1,234.50. Call +18005550100 to talk about options. "
        "Reply STOP to opt out"
    )


def test_values_cannot_inject_fields_or_control_characters() -> None:
    hostile = MessageContext(
        first_name="{creditor}\r\nSTOP\x00",
        creditor="Acme {balance} Bank\u202e",
        balance=Decimal("10"),
        currency="USD",
        callback_number="+1800\n5550100",
        company="X",
    )
    body = render_sms("reminder_friendly", language=Language.EN, context=hostile)
    assert body.startswith("Hi {creditor} STOP, this is X")
    assert "Acme {balance} Bank account" in body
    assert not any(ord(ch) < 32 or ch == "\u202e" for ch in body)


def test_unknown_template_is_refused() -> None:
    with pytest.raises(KeyError, match="reminder_friendly"):
        render_sms("nope", language=Language.EN, context=CONTEXT)


def test_keyword_replies_exist_in_every_language() -> None:
    for language in Language:
        for kind in ("opt_out_confirmation", "opt_in_confirmation", "help"):
            assert "Harbor Recovery" in render_reply(kind, language=language, context=CONTEXT)


@pytest.mark.parametrize(
    ("body", "encoding", "segments"),
    [
        ("a" * 160, Encoding.GSM7, 1),
        ("a" * 161, Encoding.GSM7, 2),
        ("a" * 306, Encoding.GSM7, 2),
        ("a" * 307, Encoding.GSM7, 3),
        ("€" * 80, Encoding.GSM7, 1),  # extension characters count twice: 160 septets
        ("€" * 81, Encoding.GSM7, 2),
        ("a" * 152 + "€", Encoding.GSM7, 1),
        ("a" * 159 + "€", Encoding.GSM7, 2),  # 161 septets; the escape pair is not split
        ("é" * 70, Encoding.GSM7, 1),  # é is in the GSM-7 basic set
        ("á" * 70, Encoding.UCS2, 1),  # á is not
        ("á" * 71, Encoding.UCS2, 2),
        ("您" * 134, Encoding.UCS2, 2),
        ("您" * 135, Encoding.UCS2, 3),
        ("😀" * 35, Encoding.UCS2, 1),  # surrogate pairs: two code units each
        ("😀" * 36, Encoding.UCS2, 2),
    ],
)
def test_segments(body: str, encoding: Encoding, segments: int) -> None:
    info = sms_segments(body)
    assert (info.encoding, info.segments, info.characters) == (encoding, segments, len(body))


def test_english_friendly_reminder_fits_one_segment() -> None:
    info = sms_segments(render_sms("reminder_friendly", language=Language.EN, context=CONTEXT))
    assert (info.encoding, info.segments) == (Encoding.GSM7, 1)


@pytest.mark.parametrize("language", list(Language))
def test_voicemail_says_nothing_about_a_debt(language: Language) -> None:
    text = voice_text(VoicePrompt.VOICEMAIL, language=language, context=CONTEXT)
    assert "+18005550100" in text
    assert "Jordan Lee" in text
    assert "Account Services" in text
    for forbidden in ("Acme", "1,234", "Harbor", "debt", "deuda", "债", "cobranza", "催收"):
        assert forbidden not in text


@pytest.mark.parametrize("language", list(Language))
def test_identity_question_reveals_nothing_but_the_name(language: Language) -> None:
    text = voice_text(VoicePrompt.IDENTITY, language=language, context=CONTEXT)
    assert "Maria" in text
    assert "Acme" not in text
    assert "Harbor" not in text
    assert "1,234" not in text


def test_disclosure_is_the_required_sentence_with_balance_and_creditor() -> None:
    text = voice_text(VoicePrompt.DISCLOSURE, language=Language.EN, context=CONTEXT)
    assert text.startswith(
        "This is Harbor Recovery, a debt collector. This is an attempt to collect a debt and "
        "any information obtained will be used for that purpose."
    )
    assert "Acme Bank" in text
    assert "$1,234.50" in text


def test_every_prompt_exists_in_every_language() -> None:
    for language in Language:
        assert set(VOICE_TEXTS[language]) == set(VoicePrompt)
        for prompt in VoicePrompt:
            assert voice_text(prompt, language=language, context=CONTEXT, window="evening")
