"""A create whose answer is lost: the gateway says ambiguous, recovery finds the one call."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialer.telephony import AmbiguousCreateError, place_call_safely, recover_ambiguous_call
from dialer.telephony.twilio_gateway import TwilioTelephony
from twilio_emulator.testing import EmulatorHandle

FROM = "+15005550006"
TO = "+15551230077"
pytestmark = pytest.mark.slow


def call_args(base: str) -> dict[str, object]:
    return {
        "to": TO,
        "from_": FROM,
        "answer_url": f"{base}/twilio/voice/answer",
        "status_url": f"{base}/twilio/voice/status",
        "amd_url": None,
        "timeout_seconds": 20,
        "machine_detection": False,
    }


def count_calls(telephony: TwilioTelephony, since: datetime) -> int:
    return len(telephony.find_calls(to=TO, from_=FROM, created_after=since))


@pytest.mark.parametrize("mode", ["delay", "drop"])
def test_lost_answer_is_ambiguous_and_recovery_finds_the_call(emulator: EmulatorHandle, mode):
    reserved_at = datetime.now(UTC)
    emulator.configure(faults={"lose_responses": 1, "lose_mode": mode, "lose_delay_seconds": 1.5})
    impatient = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 0.5
    )
    with pytest.raises(AmbiguousCreateError):
        impatient.place_call(**call_args("http://127.0.0.1:9"))  # type: ignore[arg-type]
    found = recover_ambiguous_call(impatient, to=TO, from_=FROM, reserved_at=reserved_at)
    assert found is not None
    assert count_calls(impatient, reserved_at) == 1


def test_place_call_safely_never_makes_a_second_call(emulator: EmulatorHandle):
    reserved_at = datetime.now(UTC)
    emulator.configure(
        faults={"lose_responses": 1, "lose_mode": "delay", "lose_delay_seconds": 1.5}
    )
    impatient = TwilioTelephony.create(
        emulator.account_sid, emulator.auth_token, emulator.base_url, 0.5
    )
    call = place_call_safely(
        impatient,
        reserved_at=reserved_at,
        **call_args("http://127.0.0.1:9"),  # type: ignore[arg-type]
    )
    assert call.to == TO
    assert count_calls(impatient, reserved_at) == 1
    assert emulator.stats()["call_creates"].__len__() == 1
