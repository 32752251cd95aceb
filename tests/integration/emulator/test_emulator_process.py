"""`python -m twilio_emulator` as a real process, with credentials from the environment."""

from __future__ import annotations

import pytest
import requests

from dialer.telephony.errors import TelephonyError
from dialer.telephony.twilio_gateway import TwilioTelephony
from twilio_emulator.testing import emulator_process

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SID = "AC" + "ab" * 16
TOKEN = "process-test-token"


def test_emulator_process_uses_env_credentials_and_keeps_logs():
    with emulator_process(account_sid=SID, auth_token=TOKEN, extra_args=("--speed", "100")) as emu:
        telephony = TwilioTelephony.create(SID, TOKEN, emu.base_url, 5)
        msg = telephony.send_sms(
            to="+15551230100", from_="+15005550006", body="hi", status_url="http://127.0.0.1:9/s"
        )
        assert emu.wait_idle()
        listed = requests.get(
            f"{emu.base_url}/2010-04-01/Accounts/{SID}/Messages.json", auth=(SID, TOKEN), timeout=5
        ).json()
        assert [m["sid"] for m in listed["messages"]] == [msg.sid]
        dev = TwilioTelephony.create("AC" + "0" * 32, "dev-auth-token-not-secret", emu.base_url, 5)
        with pytest.raises(TelephonyError) as caught:
            dev.fetch_message(msg.sid)
        assert caught.value.code == 20003
