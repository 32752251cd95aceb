"""The Flask app factory (the `web` process).

Two Flask apps share one process and one Services object: the console (pages, API, health,
metrics) and the Twilio webhooks. Requests under `/twilio/` go straight to the webhook app,
which has none of the console's sessions, CSRF, sign-in or translations: Twilio carries no
cookie, and a callback pays only for what it uses (signature check, ledger, case record).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask

import console
from config.settings import Settings, load_settings
from dialer.bootstrap import Services, build_services
from web import health
from web import metrics as metrics_view
from web.extensions import init_services
from webhooks.app import MAX_TWILIO_BODY, create_twilio_app
from webhooks.security import install_proxy_fix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

TWILIO_PREFIX = "/twilio/"


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
