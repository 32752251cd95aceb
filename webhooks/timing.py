"""`dialer_webhook_seconds`: how long each Twilio webhook took to answer, by endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import perf_counter
from typing import TYPE_CHECKING

from flask import Flask

from dialer.observability import metrics

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

UNKNOWN = "unknown"


class WebhookTimer:
    """WSGI middleware around the webhook app: observes every request's handling time under
    its endpoint's name (`twilio_voice.status`); a path of no route counts as `unknown`, so
    a scan of made-up URLs cannot add labels."""

    def __init__(self, app: Flask) -> None:
        self.inner: WSGIApplication = app.wsgi_app
        self._observers: dict[str, Callable[[float], None]] = {
            rule.rule: metrics.WEBHOOK_SECONDS.labels(endpoint=rule.endpoint).observe
            for rule in app.url_map.iter_rules()
        }
        self._unknown = metrics.WEBHOOK_SECONDS.labels(endpoint=UNKNOWN).observe

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = perf_counter()
        try:
            return self.inner(environ, start_response)
        finally:
            observe = self._observers.get(environ.get("PATH_INFO", ""), self._unknown)
            observe(perf_counter() - started)


def install_webhook_timer(app: Flask) -> None:
    """Time every request of `app` (after its routes are registered)."""
    app.wsgi_app = WebhookTimer(app)  # type: ignore[method-assign]
