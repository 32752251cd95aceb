"""Typed access to the process's Services (and the webhook app's batches) inside a request."""

from __future__ import annotations

from functools import partial

from flask import Flask, current_app

from dialer.bootstrap import Services
from dialer.callbacks.status_batch import Applied, StatusCallback, apply_batch
from dialer.db.engine import HeldConnection
from dialer.db.group_commit import GroupCommit
from dialer.telephony import Telephony

_KEY = "dialer"
_BATCHES = "dialer.call_status_batches"
_TELEPHONY = "dialer.telephony"

CallStatusBatches = GroupCommit[StatusCallback, Applied]


def init_services(app: Flask, services: Services) -> None:
    app.extensions[_KEY] = services


def services() -> Services:
    return services_of(current_app)


def services_of(app: Flask) -> Services:
    """The Services of `app`, outside a request."""
    found = app.extensions[_KEY]
    assert isinstance(found, Services)
    return found


def init_call_status_batches(app: Flask, services: Services) -> None:
    """Call status callbacks that arrive together are written together (PostgreSQL only), on
    a connection the batches keep (they are written one at a time)."""
    if services.engine.dialect.name == "postgresql":
        writer = partial(apply_batch, services.engine, connection=HeldConnection(services.engine))
        app.extensions[_BATCHES] = GroupCommit(writer, key=lambda callback: callback.attempt_id)


def call_status_batches() -> CallStatusBatches | None:
    found = current_app.extensions.get(_BATCHES)
    assert found is None or isinstance(found, GroupCommit)
    return found


def telephony() -> Telephony:
    """The app's telephony gateway (the official twilio client), built on first use; tests put
    their own (a FakeTelephony) in app.extensions["dialer.telephony"]."""
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
