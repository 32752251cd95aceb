"""Nothing lost in an outage: a callback the database cannot take is spooled, answered 2xx,
and lands in the case record once the database is back; a callback for a call we do not
know is stored and answered 2xx (never a 5xx that Twilio would retry for nothing)."""

from __future__ import annotations

from pathlib import Path

from config.settings import load_settings
from dialer.bootstrap import Services, build_services
from dialer.callbacks import APPLIERS
from dialer.db.models import ProviderEvent
from dialer.ledger import WebhookSpool, drain_spool
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, rows
from web.app import create_app


def _down_app(tmp_path: Path, services: Services) -> tuple[Twilio, Services]:
    """The web app on a database that cannot be reached (its file cannot be opened)."""
    settings = load_settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'dialer.sqlite3'}",
        DIALER_ENV="test",
        DIALER_WEBHOOK_SPOOL_DIR=str(tmp_path / "spool"),
    )
    down = build_services(settings, clock=services.clock)
    client = create_app(services=down).test_client()
    return Twilio(client, down), down


def test_callbacks_during_an_outage_are_spooled_answered_2xx_and_applied_once_back(
    tmp_path: Path, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio, down = _down_app(tmp_path, services)
    try:
        assert twilio.call_status(case.attempt_id, "ringing", 1).status_code == 204
        assert (
            twilio.call_status(case.attempt_id, "completed", 3, CallDuration="12").status_code
            == 204
        )
        assert (
            twilio.call_status(case.attempt_id, "completed", 3, CallDuration="12").status_code
            == 204
        )
    finally:
        down.close()
    spool = WebhookSpool(tmp_path / "spool")
    assert spool.pending() == 3
    assert rows(services.sessions, ProviderEvent) == []

    report = drain_spool(services.sessions, spool, appliers=APPLIERS)

    assert (report.stored, report.kept) == (3, 0)
    assert spool.pending() == 0
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.status == "completed"
    assert attempt.duration_seconds == 12
    assert len(rows(services.sessions, ProviderEvent)) == 2  # Twilio's retry was a duplicate


def test_a_spool_that_cannot_drain_keeps_every_line(tmp_path: Path, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio, down = _down_app(tmp_path, services)
    try:
        assert twilio.call_status(case.attempt_id, "ringing", 1).status_code == 204
        report = drain_spool(down.sessions, WebhookSpool(tmp_path / "spool"), appliers=APPLIERS)
    finally:
        down.close()
    assert (report.stored, report.kept) == (0, 1)
    assert WebhookSpool(tmp_path / "spool").pending() == 1


def test_a_signed_callback_for_an_unknown_call_is_stored_and_answered_2xx(
    twilio: Twilio, services: Services
) -> None:
    response = twilio.call_status(99_999, "completed", 3)
    assert response.status_code == 204
    [event] = rows(services.sessions, ProviderEvent)
    assert event.applied_at is None
    assert "no attempt" in (event.error or "")
