"""The Flask app factory (the `web` process).

Two Flask apps share one process and one Services object: the console (pages, API, health,
metrics) and the Twilio webhooks. Requests under `/twilio/` go straight to the webhook app,
which has none of the console's sessions, CSRF, sign-in or translations: Twilio carries no
cookie, and a callback pays only for what it uses (signature check, ledger, case record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

import console
from config.settings import Settings, load_settings
from dialer.bootstrap import Services, build_services
from dialer.observability import metrics
from webhooks import health
from webhooks import metrics as metrics_view
from webhooks import sms as twilio_sms
from webhooks import voice as twilio_voice
from webhooks.extension import init_call_status_batches, init_services, init_spool
from webhooks.security import install_proxy_fix
from webhooks.timing import install_webhook_timer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

TWILIO_PREFIX = "/twilio/"
MAX_TWILIO_BODY = 64 * 1024


class _NoSession(SecureCookieSessionInterface):
    """Twilio's callbacks carry no cookie and need no session: never build or sign one."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        return self.make_null_session(app)


class TwilioDispatcher:
    """Send `/twilio/...` to the webhook app, anything else to the console, paths unchanged
    (the signature covers the URL exactly as Twilio requested it)."""

    def __init__(self, console_app: WSGIApplication, twilio_app: WSGIApplication) -> None:
        self.console_app = console_app
        self.twilio_app = twilio_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        target = self.twilio_app if path.startswith(TWILIO_PREFIX) else self.console_app
        return target(environ, start_response)


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


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    """Build the app; tests pass their own settings or services."""
    if services is None:
        services = build_services(settings or load_settings(), web=True)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = services.settings.secret_key.get_secret_value()
    app.config["MAX_CONTENT_LENGTH"] = MAX_TWILIO_BODY
    init_services(app, services)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics_view.bp)
    console.init_app(app)
    twilio_app = create_twilio_app(services)
    app.wsgi_app = TwilioDispatcher(app.wsgi_app, twilio_app)  # type: ignore[method-assign]
    install_proxy_fix(app, services.settings.trusted_proxy_count)
    return app
