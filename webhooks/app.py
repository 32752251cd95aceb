"""The webhook app: the voice and SMS blueprints behind Twilio's signature.

It runs beside the console in the web process (`web.app.create_app` sends `/twilio/...` here),
with none of the console's sessions, CSRF, sign-in or translations: Twilio carries no cookie,
and a callback pays only for what it uses (signature check, ledger, case record).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from dialer.bootstrap import Services
from dialer.observability import metrics
from web.extensions import init_call_status_batches, init_services, init_spool
from webhooks import sms as twilio_sms
from webhooks import voice as twilio_voice
from webhooks.timing import install_webhook_timer

MAX_TWILIO_BODY = 64 * 1024


class _NoSession(SecureCookieSessionInterface):
    """Twilio's callbacks carry no cookie and need no session: never build or sign one."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        return self.make_null_session(app)


def create_twilio_app(services: Services) -> Flask:
    """The webhook app alone: the voice and SMS blueprints behind Twilio's signature."""
    app = Flask("webhooks.twilio")
    app.config["MAX_CONTENT_LENGTH"] = MAX_TWILIO_BODY
    app.session_interface = _NoSession()
    init_services(app, services)
    init_call_status_batches(app, services)
    init_spool(app, services)
    app.register_blueprint(twilio_voice.bp)
    app.register_blueprint(twilio_sms.bp)
    app.register_error_handler(MethodNotAllowed, _count_refused("method"))
    app.register_error_handler(RequestEntityTooLarge, _count_refused("too_large"))
    install_webhook_timer(app)
    return app


def _count_refused(reason: str) -> Callable[[HTTPException], HTTPException]:
    """An error handler that counts the refusal and answers with the error as it is."""
    refused = metrics.WEBHOOK_REFUSED.labels(reason=reason)

    def handle(error: HTTPException) -> HTTPException:
        refused.inc()
        return error

    return handle
