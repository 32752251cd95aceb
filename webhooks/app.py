"""The Flask app factory (the `web` process)."""

from __future__ import annotations

from flask import Flask

from config.settings import Settings, load_settings
from dialer.bootstrap import Services, build_services
from webhooks import health
from webhooks.extension import init_services


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    """Build the app; tests pass their own settings or services."""
    if services is None:
        services = build_services(settings or load_settings())
    app = Flask(__name__)
    app.config["SECRET_KEY"] = services.settings.secret_key.get_secret_value()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    init_services(app, services)
    app.register_blueprint(health.bp)
    return app
