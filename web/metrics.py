"""`/metrics`: the Prometheus text exposition of dialer.observability.metrics, behind a token.

With DIALER_METRICS_TOKEN set, a scrape sends `Authorization: Bearer <token>`; without it,
only a development instance answers (the counters tell how busy the business is and which
campaigns run).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, request
from prometheus_client import CONTENT_TYPE_LATEST

from dialer.observability.metrics import exposition
from web.extensions import services

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    refused = _refusal()
    if refused is not None:
        return refused
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)


def _refusal() -> Response | None:
    settings = services().settings
    token = settings.metrics_token
    if token is None:
        if settings.is_development:
            return None
        return _plain("set DIALER_METRICS_TOKEN to scrape /metrics outside development", 403)
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), expected):
        return None
    answer = _plain("send Authorization: Bearer <DIALER_METRICS_TOKEN>", 401)
    answer.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return answer


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")
