"""The Flask app factory (the `web` process)."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

import console
from config.settings import Settings, load_settings
from dialer.bootstrap import Services, build_services
from webhooks import health
from webhooks import metrics as metrics_view
from webhooks import sms as twilio_sms
from webhooks import voice as twilio_voice
from webhooks.extension import init_services
from webhooks.security import install_proxy_fix

TWILIO_PREFIX = "/twilio/"


class _NoSessionForTwilio(SecureCookieSessionInterface):
    """Twilio's callbacks carry no cookie and need no session: skip building and signing one
    (the console's requests keep their signed cookie session)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(TWILIO_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    """Build the app; tests pass their own settings or services."""
    if services is None:
        services = build_services(settings or load_settings(), web=True)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = services.settings.secret_key.get_secret_value()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.session_interface = _NoSessionForTwilio()
    init_services(app, services)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics_view.bp)
    app.register_blueprint(twilio_voice.bp)
    app.register_blueprint(twilio_sms.bp)
    install_proxy_fix(app, services.settings.trusted_proxy_count)
    console.init_app(app)
    return app
