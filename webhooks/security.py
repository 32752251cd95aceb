"""Twilio request validation, installed as `before_request` on every Twilio blueprint.

The signed URL is rebuilt from PUBLIC_BASE_URL and the raw path and query (what Twilio
requested), or, behind trusted proxies, from the forwarded scheme and host that ProxyFix put
on the request. A missing or wrong X-Twilio-Signature gets 403 before any view runs.
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

from dialer import metrics
from webhooks.extension import services

_VALIDATOR = "twilio_request_validator"


def install_proxy_fix(app: Flask, trusted_proxy_count: int) -> None:
    """Trust X-Forwarded-Proto/Host/Port from that many proxies (0: trust none)."""
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
    """The URL Twilio signed: public base + raw path and query, or the proxied request's."""
    settings = services().settings
    if settings.trusted_proxy_count > 0:
        base = f"{request.scheme}://{request.host}{request.root_path}"
    else:
        base = settings.public_base_url
    return base + request.full_path.removesuffix("?")


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
