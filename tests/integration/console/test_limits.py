"""The contact-limits editor: refusal naming the rule, preview, save with audit, and the API."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config.settings import Settings, load_settings
from dialer.admin.contact_limits import current_pacing
from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, ContactLimitVersion
from dialer.pacing import PacingLimits
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded


def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "alice")
    return client


def test_call_hours_past_nine_pm_are_refused_naming_the_rule(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    response = form_post(
        admin(app),
        "/limits",
        "/limits",
        {"scope": "global", "call_start": "09:00", "call_end": "21:30", "action": "save"},
    )
    assert response.status_code == 422
    assert "Refused" in response.text
    assert "21:30" in response.text
    assert "21:00" in response.text
    assert "rule " in response.text
    with transaction(services.sessions) as session:
        assert session.query(ContactLimitVersion).count() == 0


def test_a_tighter_limit_shows_a_preview_then_saves_a_version_and_an_audit_entry(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = admin(app)
    # 15:00 UTC is 11:00 in Massachusetts: calls from 12:00 would block both due debts now.
    tighter = {
        "scope": "global",
        "call_start": "12:00",
        "call_end": "20:00",
        "reason": "quieter mornings",
    }
    preview = form_post(client, "/limits", "/limits", {**tighter, "action": "preview"})
    assert preview.status_code == 200
    assert 'class="blocked-current">0<' in preview.text
    assert 'class="blocked-proposed">2<' in preview.text
    assert "outside_hours" in preview.text
    saved = form_post(client, "/limits", "/limits", {**tighter, "action": "save"})
    assert saved.status_code == 302
    with transaction(services.sessions) as session:
        version = session.query(ContactLimitVersion).one()
        assert version.limits == {"call_hours": {"start": "12:00", "end": "20:00"}}
        entry = session.query(AuditEntry).filter_by(action="contact_limits.save").one()
        assert (entry.actor, entry.before, entry.reason) == ("alice", None, "quieter mornings")
        assert entry.after == version.limits


def test_supervisors_and_agents_cannot_open_the_editor(app: Flask, seeded: Seeded) -> None:
    for username in ("sam", "ann"):
        client = app.test_client()
        login(client, username)
        assert client.get("/limits").status_code == 403


@pytest.fixture
def settings(db_url: str) -> Settings:
    """An account allowed 10 calls per second."""
    return load_settings(DATABASE_URL=db_url, DIALER_ENV="test", DIALER_CALLS_PER_SECOND="10")


def test_an_admin_lowers_the_call_rate_and_concurrency_in_the_global_scope(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = admin(app)
    page = client.get("/limits?scope=global")
    assert 'name="calls_per_second"' in page.text
    assert 'name="max_concurrent_calls"' in page.text
    assert "10" in page.text  # the account's limit is shown
    pacing = {"scope": "global", "calls_per_second": "2.5", "max_concurrent_calls": "8"}
    preview = form_post(client, "/limits", "/limits", {**pacing, "action": "preview"})
    assert preview.status_code == 200
    assert 'class="blocked-proposed">0<' in preview.text  # pacing blocks no contact
    saved = form_post(
        client, "/limits", "/limits", {**pacing, "reason": "carrier asked", "action": "save"}
    )
    assert saved.status_code == 302
    with transaction(services.sessions) as session:
        version = session.query(ContactLimitVersion).one()
        assert version.limits == {"calls_per_second": 2.5, "max_concurrent_calls": 8}
        assert current_pacing(session) == PacingLimits(2.5, 8)
        entry = session.query(AuditEntry).filter_by(action="contact_limits.save").one()
        assert (entry.actor, entry.after) == ("alice", version.limits)
    again = client.get("/limits?scope=global")
    assert 'value="2.5"' in again.text
    assert 'value="8"' in again.text


def test_a_call_rate_above_the_accounts_is_refused_naming_both(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    response = form_post(
        admin(app),
        "/limits",
        "/limits",
        {"scope": "global", "calls_per_second": "25", "action": "save"},
    )
    assert response.status_code == 422
    assert "Refused" in response.text
    assert "calls_per_second 25 is above the account&#39;s limit of 10" in response.text
    with transaction(services.sessions) as session:
        assert session.query(ContactLimitVersion).count() == 0


def test_concurrency_in_a_state_scope_is_refused(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = admin(app)
    for action in ("preview", "save"):
        response = form_post(
            client,
            "/limits",
            "/limits",
            {
                "scope": "state",
                "scope_key": "US-MA",
                "max_concurrent_calls": "3",
                "action": action,
            },
        )
        assert response.status_code == 422
        assert "global scope, not in a state scope" in response.text
    bad = form_post(client, "/limits", "/limits", {"scope": "global", "max_concurrent_calls": "0"})
    assert bad.status_code == 422
    assert "At least 1." in bad.text
    with transaction(services.sessions) as session:
        assert session.query(ContactLimitVersion).count() == 0
