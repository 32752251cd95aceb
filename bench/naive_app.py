"""The naive webhook for bench_webhooks.py: validate the signature, then insert the event and
update the attempt in one commit (SQLAlchemy Core, a pooled connection), and answer 204.

What the issue calls "a naive insert-and-update in one commit": no dedupe, no state machine,
no case record. It shows what the full path costs beyond the least a webhook must do.

gunicorn bench.naive_app:app
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from flask import Flask, Response, abort, request
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_size=16, pool_pre_ping=False)
validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
base = os.environ["PUBLIC_BASE_URL"]


@app.post("/twilio/voice/status")
def status() -> Response:
    form = request.form.to_dict()
    if not validator.validate(
        base + request.full_path, form, request.headers.get("X-Twilio-Signature", "")
    ):
        abort(403)
    now = datetime.now(UTC)
    attempt = int(request.args["attempt"])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO provider_events (dedupe_key, kind, provider_sid, payload, "
                "received_at, applied_at, attempt_id) VALUES (:key, 'call_status', :sid, "
                "CAST(:payload AS jsonb), :now, :now, :attempt)"
            ),
            {
                "key": f"{form['CallSid']}:{form['CallStatus']}:{form['SequenceNumber']}",
                "sid": form["CallSid"],
                "payload": json.dumps(form),
                "now": now,
                "attempt": attempt,
            },
        )
        conn.execute(
            text("UPDATE contact_attempts SET status = :status, updated_at = :now WHERE id = :id"),
            {"status": form["CallStatus"].replace("-", "_"), "now": now, "id": attempt},
        )
    return Response(status=204)
