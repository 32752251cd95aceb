"""A bare Flask endpoint for bench_webhooks.py: reads the form and answers 204, nothing else.

gunicorn bench.bare_app:app
"""

from __future__ import annotations

from flask import Flask, Response, request

app = Flask(__name__)


@app.post("/twilio/voice/status")
def status() -> Response:
    _ = request.form.get("CallSid")
    return Response(status=204)
