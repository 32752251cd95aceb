"""An event that could not be applied is kept with its error, and replay applies it later."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from dialer.bootstrap import Services
from dialer.cli.main import cli
from dialer.db.models import ProviderEvent
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, rows


def test_failed_event_is_kept_and_replayed(
    twilio: Twilio, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    # A callback whose CallSid disagrees with the attempt cannot be applied ...
    data = {
        "CallSid": "CA" + "9" * 32,
        "CallStatus": "completed",
        "SequenceNumber": "3",
        "CallDuration": "9",
    }
    with services.sessions.begin() as session:
        attempt = session.get(
            type(attempt_row(services.sessions, case.attempt_id)), case.attempt_id
        )
        assert attempt is not None
        attempt.provider_sid = "CA" + "8" * 32
    assert twilio.post(f"/twilio/voice/status?attempt={case.attempt_id}", data).status_code == 204
    [event] = rows(services.sessions, ProviderEvent)
    assert event.applied_at is None
    assert "does not match" in (event.error or "")
    assert event.payload["form"]["CallDuration"] == "9"
    assert attempt_row(services.sessions, case.attempt_id).status == "queued"

    # ... until the SID stored on the attempt is corrected; then replay applies it.
    with services.sessions.begin() as session:
        attempt = session.get(
            type(attempt_row(services.sessions, case.attempt_id)), case.attempt_id
        )
        assert attempt is not None
        attempt.provider_sid = None
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)
    result = CliRunner().invoke(cli, ["webhooks", "replay", "--failed"])
    assert result.exit_code == 0, result.output
    assert f"event {event.id} (call_status): applied" in result.output
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert (attempt.status, attempt.duration_seconds) == ("completed", 9)
    with services.sessions() as session:
        stored = session.scalar(select(ProviderEvent).where(ProviderEvent.id == event.id))
        assert stored is not None
        assert stored.applied_at is not None
        assert stored.error is None

    again = CliRunner().invoke(cli, ["webhooks", "replay", "--id", str(event.id)])
    assert "already_applied" in again.output
    assert again.exit_code == 1
