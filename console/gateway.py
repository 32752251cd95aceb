"""The telephony gateway and pacer the console uses for manual calls (built once per app).

Tests put their own (a FakeTelephony) in app.extensions["dialer.telephony"].
"""

from __future__ import annotations

from flask import current_app

from dialer.pacing import Pacer
from dialer.pacing.limiter import PacingConfig
from dialer.telephony import Telephony
from webhooks.extension import services

_TELEPHONY = "dialer.telephony"
_PACER = "dialer.console.pacer"


def telephony() -> Telephony:
    found = current_app.extensions.get(_TELEPHONY)
    if found is None:
        from dialer.telephony.twilio_gateway import TwilioTelephony

        settings = services().settings
        found = TwilioTelephony.create(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_api_base,
            settings.twilio_timeout_seconds,
        )
        current_app.extensions[_TELEPHONY] = found
    return found


def pacer() -> Pacer:
    found = current_app.extensions.get(_PACER)
    if found is None:
        settings = services().settings
        found = Pacer(
            PacingConfig(
                calls_per_second=settings.calls_per_second, storage_url=settings.redis_url
            ),
            account=settings.twilio_account_sid,
        )
        current_app.extensions[_PACER] = found
    assert isinstance(found, Pacer)
    return found
