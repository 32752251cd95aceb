"""Reading inbound texts in English, Spanish and Chinese: what each asks, for which media, in
linear time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.compliance import OptOutScope, SmsIntent, read_inbound_sms
from dialer.compliance.keywords import MAX_BODY_CHARS, clean_body

OUT, W, D, X = SmsIntent.OPT_OUT, SmsIntent.WRONG_NUMBER, SmsIntent.DISPUTE, SmsIntent.OTHER
SMS, CALLS, ALL = OptOutScope.SMS, OptOutScope.CALLS, OptOutScope.ALL

READINGS = [
    # English
    ("STOP", OUT, SMS),
    ("please stop calling me", OUT, CALLS),
    ("Stop texting me, call me instead", OUT, SMS),
    ("Don't call me, text me", OUT, CALLS),
    ("don't call or text me again", OUT, ALL),
    ("I don't want any more texts", OUT, SMS),
    ("please leave me alone", OUT, ALL),
    ("stop it", OUT, ALL),
    ("never call me again", OUT, CALLS),
    ("wrong number", W, None),
    ("This is not Maria", W, None),
    ("not my debt", D, None),
    ("I don't owe this", D, None),
    ("I can't stop by today", X, None),
    ("I never received a message", X, None),
    ("It's not a good time, call me Friday", X, None),
    # Spanish
    ("No más mensajes", OUT, SMS),
    ("NO MAS MENSAJES!!", OUT, SMS),
    ("ya no me llamen", OUT, CALLS),
    ("No me llames más, mándame un mensaje", OUT, CALLS),
    ("Cancelar", OUT, SMS),
    ("Baja", OUT, SMS),
    ("Deje de llamarme por favor", OUT, CALLS),
    ("no quiero recibir más mensajes", OUT, SMS),
    ("Dejen de molestarme", OUT, ALL),
    ("Déjenme en paz", OUT, ALL),
    ("Número equivocado", W, None),
    ("No soy Maria", W, None),
    ("Esa deuda no es mía", D, None),
    ("No puedo pagar hasta el viernes", X, None),
    # Chinese
    ("停止", OUT, SMS),
    ("退订", OUT, SMS),
    ("请停止！", OUT, ALL),
    ("我不想再收到你们的短信", OUT, SMS),
    ("别再打电话了", OUT, CALLS),
    ("別再打電話給我", OUT, CALLS),
    ("不要再骚扰我", OUT, ALL),
    ("打错了", W, None),
    ("这不是我的债", D, None),
    ("我明天再打给你", X, None),
]


@pytest.mark.parametrize(("body", "intent", "scope"), READINGS)
def test_each_language_is_read_as_the_consumer_meant(
    body: str, intent: SmsIntent, scope: OptOutScope | None
) -> None:
    reading = read_inbound_sms(body)
    assert (reading.intent, reading.scope) == (intent, scope)


def test_a_text_can_report_a_wrong_number_and_opt_out_at_once() -> None:
    reading = read_inbound_sms("wrong number, stop texting me")
    assert (reading.intent, reading.scope, reading.wrong_number) == (OUT, SMS, True)


@pytest.mark.parametrize(
    ("body", "asks"),
    [
        ("Stop texting me, call me instead", True),
        ("No más mensajes, mejor llámenme", True),
        ("别发短信了，打电话给我", True),
        ("No más mensajes", False),
        ("stop texting me. don't call me either", False),
    ],
)
def test_a_texts_only_opt_out_may_ask_to_be_called_instead(body: str, *, asks: bool) -> None:
    assert read_inbound_sms(body).asks_for_calls is asks


def test_only_a_bare_keyword_is_handled_without_a_person() -> None:
    assert read_inbound_sms("STOP").handled_automatically
    assert not read_inbound_sms("stop texting me please").handled_automatically
    assert not read_inbound_sms("can I pay next week?").handled_automatically


UNAMBIGUOUS = [
    "stop texting me",
    "do not call me",
    "unsubscribe",
    "leave me alone",
    "no más mensajes",
    "ya no me llamen",
    "dejen de molestarme",
    "我不想再收到你们的短信",
    "别再打电话",
    "退订",
]


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(max_size=300),
    phrase=st.sampled_from(UNAMBIGUOUS),
    after=st.text(max_size=300),
    shout=st.booleans(),
)
def test_any_text_containing_an_unambiguous_opt_out_is_an_opt_out(
    before: str, phrase: str, after: str, *, shout: bool
) -> None:
    body = f"{before}. {phrase.upper() if shout else phrase}. {after}"
    assert read_inbound_sms(body).intent is SmsIntent.OPT_OUT


def test_nul_and_control_characters_are_dropped_before_reading() -> None:
    assert clean_body("ST\x00OP\x07") == "STOP"
    assert read_inbound_sms("ST\x00OP").intent is SmsIntent.OPT_OUT


def test_the_body_is_capped_before_reading() -> None:
    assert len(clean_body("x" * 100_000)) == MAX_BODY_CHARS
    assert read_inbound_sms("stop calling me " + "x" * 100_000).scope is CALLS


HUNDRED_KB = [
    " " * 100_000 + "x",
    "!" * 100_000 + "a",
    "a" + " ." * 50_000 + "b",
    "stop " * 20_000,
    "don't " * 20_000 + "x",
    "不" * 100_000,
    "别" * 50_000 + "。" * 50_000,
    "\x00" * 100_000 + "STOP",
]


@pytest.mark.timeout(20)  # quadratic reading took 51 s for one 100 KB body; linear takes ms
@pytest.mark.parametrize("body", HUNDRED_KB, ids=range(len(HUNDRED_KB)))
def test_a_100_kb_body_is_read_in_linear_time(body: str) -> None:
    read_inbound_sms(body)
    read_inbound_sms(body + "?")  # not the cached answer
