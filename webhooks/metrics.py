"""`/metrics`: the Prometheus text exposition of dialer.metrics."""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST

from dialer.metrics import exposition

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)
