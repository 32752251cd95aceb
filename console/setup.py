"""init_app(app): sessions, CSRF, login, translations and the console's blueprints."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from console import (
    api,
    assets,
    audit,
    auth,
    business_hours,
    campaigns,
    cases,
    dashboard,
    desk,
    limits_editor,
    recordings,
    reports,
    texts,
    users,
    wallboard,
)
from console.authz import login_manager
from console.context import ConsoleState, init_state
from console.display import register_display
from console.filters import register_filters
from console.i18n import init_i18n
from console.throttle import LoginThrottle
from dialer.db.ids import MAX_INTEGER
from web.extensions import services_of

csrf = CSRFProtect()
HSTS = "max-age=31536000; includeSubDomains"
STATIC_PREFIX = "/console/static/"
# Twilio signs its webhooks instead; the JSON API is authenticated by token, never by cookie.
CSRF_EXEMPT_PREFIXES = ("/twilio/", "/api/v1/")


def init_app(app: Flask) -> None:
    settings = services_of(app).settings
    secure = settings.public_base_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="dialer_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        WTF_CSRF_SSL_STRICT=secure,
    )
    app.url_map.converters["int"] = RecordIdConverter  # before any route is added
    csrf.init_app(app)
    app.before_request(_protect_forms)
    app.after_request(_security_headers)
    login_manager.init_app(app)
    init_i18n(app)
    register_filters(app)
    register_display(app)
    init_state(
        app,
        ConsoleState(
            packs=services_of(app).packs,
            throttle=LoginThrottle(
                redis_url=settings.redis_url,
                per_account=settings.login_limit_per_account,
                per_address=settings.login_limit_per_address,
                prefix=settings.pacing_namespace,
            ),
        ),
    )
    for module in (
        assets,
        auth,
        desk,
        cases,
        dashboard,
        reports,
        campaigns,
        limits_editor,
        business_hours,
        users,
        audit,
        recordings,
        wallboard,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(texts.bp)
    for code in (400, 403, 404, 405):
        app.register_error_handler(code, _error_page)


class RecordIdConverter(IntegerConverter):
    """`<int:id>` in a URL: a number the database's INTEGER holds; a larger one is a 404,
    never an overflow inside the database."""

    def __init__(
        self, url_map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_INTEGER
    ) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def _error_page(exc: HTTPException) -> ResponseReturnValue:
    if request.path.startswith("/twilio/"):
        return exc
    if request.path.startswith("/api/"):
        return jsonify(
            error=exc.name.lower().replace(" ", "_"), message=exc.description
        ), exc.code or 500
    message = _ERROR_MESSAGES.get(exc.code or 500)
    shown = str(message) if message is not None else exc.description
    return render_template("error.html", code=exc.code, message=shown), exc.code or 500


# The error pages in the user's language (werkzeug's own descriptions are English only).
_ERROR_MESSAGES = {
    400: _l("The request could not be understood: check the form and try again."),
    403: _l("You do not have permission to open this page."),
    404: _l("This page or record does not exist."),
    405: _l("This address does not accept that kind of request."),
}


def _protect_forms() -> None:
    if not request.path.startswith(CSRF_EXEMPT_PREFIXES):
        csrf.protect()


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if services_of(current_app).settings.public_base_url.startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith(STATIC_PREFIX):
        # Case pages and API answers hold personal data: no browser or proxy cache keeps them.
        response.headers["Cache-Control"] = "no-store"
    if response.mimetype == "text/html":
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
    return response
