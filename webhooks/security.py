"""Twilio request validation, installed as `before_request` on every Twilio blueprint.

The signed URL is always rebuilt from PUBLIC_BASE_URL and the raw path and query (what Twilio
requested), also behind trusted proxies: a forwarded host or scheme is a header anyone can
send, and must never choose the URL a signature is checked against. A missing or wrong
X-Twilio-Signature gets 403 before any view runs.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import NoReturn

from flask import Blueprint, Flask, abort, current_app, request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from dialer.observability import metrics
from web.extensions import services

_VALIDATOR = "twilio_request_validator"


def install_proxy_fix(app: Flask, trusted_proxy_count: int) -> None:
    """Trust X-Forwarded-For/Proto/Host/Port from that many proxies (0: trust none), for the
    client's address and the console's links; never for the signed webhook URL."""
    if trusted_proxy_count > 0:
        n = trusted_proxy_count
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n
        )


def _validator() -> RequestValidator:
    found = current_app.extensions.get(_VALIDATOR)
    if found is None:
        token = services().settings.twilio_auth_token.get_secret_value()
        found = current_app.extensions[_VALIDATOR] = RequestValidator(token)
    assert isinstance(found, RequestValidator)
    return found


def signed_url() -> str:
    """The URL Twilio signed: the configured public base + the raw path and query."""
    return services().settings.public_base_url + request.full_path.removesuffix("?")


def require_twilio_signature() -> None:
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        _refuse_unsigned()
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    params = request.form if request.method == "POST" else {}
    validator = _validator()
    url = signed_url()
    if _signed_exactly(validator, url, params, signature, algorithm):
        return
    # The official check also tries the URL with and without the default port.
    if not validator.validate(url, params, signature, algorithm=algorithm):
        _refuse_unsigned()


def _refuse_unsigned() -> NoReturn:
    metrics.WEBHOOK_REFUSED.labels(reason="signature").inc()
    abort(403)


def _signed_exactly(
    validator: RequestValidator,
    url: str,
    params: Mapping[str, str],
    signature: str,
    algorithm: str,
) -> bool:
    """One HMAC over the URL as requested (what Twilio signs), compared in constant time."""
    try:
        expected = validator.compute_signature(url, params, algorithm)
    except ValueError:  # an unsupported algorithm: validate() refuses it
        return False
    return hmac.compare_digest(expected.encode(), signature.encode())


def protect(blueprint: Blueprint) -> Blueprint:
    """Every route of `blueprint` requires a valid Twilio signature."""
    blueprint.before_request(require_twilio_signature)
    return blueprint
