"""A callback time said aloud in the consumer's language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dialer.vocabulary import Language
from dialer.wording import MessageContext, VoicePrompt, voice_text
from dialer.wording.moments import spoken_moment

FRIDAY = datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (Language.EN, "Friday, November 27, at 08:00"),
        (Language.ES, "el viernes 27 de noviembre a las 08:00"),
        (Language.ZH, "11月27日星期五08:00"),
    ],
)
def test_a_moved_callback_is_said_with_its_day_and_time(language: Language, said: str) -> None:
    assert spoken_moment(FRIDAY, language) == said
    context = MessageContext(
        first_name="Ana",
        creditor="",
        balance=Decimal(0),
        currency="USD",
        callback_number="",
        company="",
    )
    text = voice_text(VoicePrompt.CALLBACK_MOVED, language=language, context=context, window=said)
    assert said in text
