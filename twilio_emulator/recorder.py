"""A tiny Flask app, served on a thread, that records webhooks and answers scripted TwiML.

For tests that want to see what the emulator sends (and whether each request carries a valid
X-Twilio-Signature according to the official RequestValidator).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server


@dataclass
class Hit:
    path: str
    form: dict[str, list[str]]
    headers: dict[str, str]
    signature_valid: bool


@dataclass
class WebhookRecorder:
    auth_token: str
    base_url: str = ""
    hits: list[Hit] = field(default_factory=list)
    twiml: dict[str, str] = field(default_factory=dict)  # path -> response body
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def on(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10.0) -> list[Hit]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.on(path)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        msg = f"expected {count} hit(s) on {path}, got {len(self.on(path))}"
        raise AssertionError(msg)


@contextmanager
def recording_webhooks(auth_token: str) -> Iterator[WebhookRecorder]:
    recorder = WebhookRecorder(auth_token=auth_token)
    validator = RequestValidator(auth_token)
    app = Flask("webhook_recorder")

    @app.route("/<path:path>", methods=["GET", "POST"])
    def hook(path: str) -> tuple[str, int, dict[str, str]]:
        url = recorder.base_url + request.full_path.rstrip("?")
        params = request.form if request.method == "POST" else {}
        valid = validator.validate(url, params, request.headers.get("X-Twilio-Signature", ""))
        hit = Hit(
            path="/" + path,
            form={k: request.form.getlist(k) for k in request.form},
            headers=dict(request.headers),
            signature_valid=bool(valid),
        )
        with recorder.lock:
            recorder.hits.append(hit)
        return recorder.twiml.get("/" + path, ""), 200, {"Content-Type": "text/xml"}

    http = make_server("127.0.0.1", 0, app, threaded=True)
    recorder.base_url = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(
        target=http.serve_forever, args=(0.05,), name="webhook-recorder", daemon=True
    )
    thread.start()
    try:
        yield recorder
    finally:
        http.shutdown()
        http.server_close()
