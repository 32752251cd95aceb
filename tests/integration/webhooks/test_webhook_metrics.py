"""/metrics tells how long webhooks take and how many calls ended, whichever path wrote them."""

from __future__ import annotations

from flask import Flask

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.observability.metrics import REGISTRY
from tests.conftest import AS_SCRAPER
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_each_webhook_is_timed_under_its_endpoint(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    status = {"endpoint": "twilio_voice.status"}
    before = _sample("dialer_webhook_seconds_count", **status)
    unknown = _sample("dialer_webhook_seconds_count", endpoint="unknown")

    assert twilio.call_status(case.attempt_id, "ringing", 1).status_code == 204
    assert twilio.post("/twilio/voice/made-up", {"CallSid": "CA1"}).status_code == 404

    assert _sample("dialer_webhook_seconds_count", **status) == before + 1
    assert _sample("dialer_webhook_seconds_sum", **status) > 0
    assert _sample("dialer_webhook_seconds_count", endpoint="unknown") == unknown + 1


def test_a_call_that_ends_counts_once_by_its_outcome(
    twilio: Twilio, services: Services, clock: FakeClock, app: Flask
) -> None:
    case = make_case(services.sessions, now=clock.now())
    labels = {"channel": "call", "outcome": "conversation"}
    before = _sample("dialer_attempts_total", **labels)
    batches_before = _sample("dialer_call_status_batch_size_count")
    batched = services.engine.dialect.name == "postgresql"
    for status, seq in (("ringing", 1), ("in-progress", 2), ("completed", 3), ("completed", 3)):
        assert (
            twilio.call_status(case.attempt_id, status, seq, AnsweredBy="human").status_code == 204
        )
    assert _sample("dialer_attempts_total", **labels) == before + 1
    batches = _sample("dialer_call_status_batch_size_count")
    assert batches == (batches_before + 4 if batched else batches_before)  # 4 lone callbacks
    exposition = app.test_client().get("/metrics", headers=AS_SCRAPER).get_data(as_text=True)
    assert 'dialer_attempts_total{channel="call",outcome="conversation"}' in exposition


def test_what_the_ledger_did_with_each_webhook_is_counted(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    results = ("applied", "duplicate", "failed")
    before = {
        r: _sample("dialer_webhook_events_total", kind="call_status", result=r) for r in results
    }

    assert twilio.call_status(case.attempt_id, "ringing", 1).status_code == 204
    assert twilio.call_status(case.attempt_id, "ringing", 1).status_code == 204  # Twilio's retry
    other_call = twilio.call_status(case.attempt_id, "completed", 3, CallSid="CA" + "9" * 32)
    assert other_call.status_code == 204  # kept with its error, for replay

    after = {
        r: _sample("dialer_webhook_events_total", kind="call_status", result=r) for r in results
    }
    assert {r: after[r] - before[r] for r in results} == {"applied": 1, "duplicate": 1, "failed": 1}


def test_refused_requests_are_counted_by_reason(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    reasons = ("signature", "method", "too_large")
    before = {r: _sample("dialer_webhook_refused_total", reason=r) for r in reasons}
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    form = {"CallSid": "CA" + "1" * 32, "CallStatus": "ringing"}

    assert twilio.post(path, form, signature="forged").status_code == 403
    assert twilio.client.post(path, data=form).status_code == 403  # no signature at all
    assert twilio.client.get(path).status_code == 405
    assert twilio.post(path, {**form, "Padding": "x" * 70_000}).status_code == 413

    after = {r: _sample("dialer_webhook_refused_total", reason=r) for r in reasons}
    assert {r: after[r] - before[r] for r in reasons} == {
        "signature": 2,
        "method": 1,
        "too_large": 1,
    }
