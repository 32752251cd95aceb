"""The contact-limits editor: refusal naming the rule, preview, save with audit, and the API."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, ContactLimitVersion
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
