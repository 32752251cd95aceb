"""The composition root builds the gateway from the settings, once per process: what it sends
reaches the Twilio named by TWILIO_API_BASE (here the emulator) with the account's credentials,
and every part of the process gets the same gateway."""

from __future__ import annotations

from config.settings import load_settings
from dialer.bootstrap import build_services
from twilio_emulator.testing import EmulatorHandle


def test_the_gateway_is_built_once_from_the_settings_and_reaches_their_twilio(
    emulator: EmulatorHandle, tmp_path
) -> None:
    settings = load_settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'root.sqlite3'}",
        DIALER_ENV="test",
        TWILIO_ACCOUNT_SID=emulator.account_sid,
        TWILIO_AUTH_TOKEN=emulator.auth_token,
        TWILIO_API_BASE=emulator.base_url,
    )
    services = build_services(settings)
    try:
        telephony = services.telephony
        assert services.telephony is telephony  # one per process
        sent = telephony.send_sms(
            to="+15551230100", from_="+15005550006", body="hi", status_url="http://127.0.0.1:9/s"
        )
        assert emulator.wait_idle()
        assert [m.sid for m in telephony.message_log()] == [sent.sid]  # the emulator's own log
        assert services.pacer is services.pacer
        assert services.packs is services.packs
        assert services.call_status_batches is None  # SQLite: no batch writer
    finally:
        services.close()
