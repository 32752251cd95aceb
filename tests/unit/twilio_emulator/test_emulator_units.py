"""Emulator pieces that need no server: signing, overrides, pacing, shapes, config."""

from __future__ import annotations

import email.utils

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from twilio_emulator.config import EmulatorConfig, NumberScript
from twilio_emulator.pacing import Pacer, max_in_window
from twilio_emulator.shapes import error_body, new_sid, rfc2822, sms_segments
from twilio_emulator.signing import signature, split_overrides
from twilio_emulator.state import WallClock


def test_signature_matches_twilio_test_vector():
    params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_signature_with_repeated_keys_validates():
    params = [("StatusCallbackEvent", "ringing"), ("StatusCallbackEvent", "answered"), ("A", "1")]
    url = "http://127.0.0.1:5000/twilio/voice/status?attempt=3"
    sig = signature("tok", url, params)
    assert RequestValidator("tok").validate(url, MultiDict(params), sig)
    assert not RequestValidator("other").validate(url, MultiDict(params), sig)


def test_connection_overrides_are_read_and_stripped():
    bare, overrides = split_overrides("https://h/cb?x=1#rc=2&rp=all&ct=1000")
    assert bare == "https://h/cb?x=1"
    assert overrides.retry_count == 2
    assert overrides.connect_timeout == 1.0
    assert overrides.retries_on("5xx")
    plain = split_overrides("https://h/cb")[1]
    assert plain.retry_count == 1
    assert plain.retries_on("ct")
    assert not plain.retries_on("5xx")


def test_pacer_slots_and_strict_window():
    pacer = Pacer(cps=2)
    assert [round(pacer.slot(at=10.0), 3) for _ in range(4)] == [0.0, 0.5, 1.0, 1.5]
    strict = Pacer(cps=2)
    assert strict.admit_strict(at=0.0)
    assert strict.admit_strict(at=0.5)
    assert not strict.admit_strict(at=0.9)
    assert strict.admit_strict(at=1.01)


def test_max_in_window():
    assert max_in_window([]) == 0
    assert max_in_window([0.0, 0.5, 0.99, 1.0, 1.5]) == 3
    assert max_in_window([0.0, 1.0, 2.0]) == 1


def test_shapes():
    sid = new_sid("CA")
    assert len(sid) == 34
    assert sid.startswith("CA")
    stamp = rfc2822(WallClock().now())
    assert stamp is not None
    assert stamp.endswith("+0000")
    assert email.utils.parsedate_to_datetime(stamp).tzinfo is not None
    assert error_body(21211, 400, to="+1") == {
        "code": 21211,
        "message": "The 'To' number +1 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("你" * 71) == 2


def test_config_updates_validate():
    config = EmulatorConfig().updated({"cps": 3, "mix": {"answer_rate": 1.0}})
    assert config.cps == 3.0
    assert config.mix.answer_rate == 1.0
    with pytest.raises(ValueError, match="unknown"):
        EmulatorConfig().updated({"nope": 1})
    with pytest.raises(ValueError, match="positive"):
        EmulatorConfig().updated({"speed": 0})
    script = NumberScript.from_json({"call": "machine", "digits": ["1", None]})
    assert script.digits == ("1", None)
    with pytest.raises(ValueError, match="call must be"):
        NumberScript.from_json({"call": "sometimes"})
