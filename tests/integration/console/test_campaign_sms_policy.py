"""Editing a campaign in the console as a third-party collector: US SMS needs an approved sender."""

from __future__ import annotations

import html

import yaml
from flask import Flask

from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import Campaign
from dialer.vocabulary import CollectorType
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded


def _save(app: Flask, seeded: Seeded, definition: dict[str, object]):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, "alice")
    page = f"/campaigns/{seeded.campaign_id}/edit"
    return form_post(client, page, page, {"definition": yaml.safe_dump(definition)})


def _stored(services: Services, seeded: Seeded) -> tuple[int, dict[str, object]]:
    with transaction(services.sessions) as session:
        campaign = session.get(Campaign, seeded.campaign_id)
        assert campaign is not None
        return campaign.version, dict(campaign.definition)


def test_us_sms_steps_are_refused_naming_twilios_policy_and_nothing_changes(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    assert services.settings.collector_type == CollectorType.THIRD_PARTY  # the default
    version, definition = _stored(services, seeded)
    response = _save(app, seeded, {**definition, "description": "changed"})
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "steps.0: SMS to US consumers is refused for a third-party collector" in text
    assert "error 30943" in text
    assert "error 30863" in text
    assert _stored(services, seeded) == (version, definition)


def test_an_approved_sender_recorded_on_the_campaign_lets_it_save(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    version, definition = _stored(services, seeded)
    sender = {"kind": "toll_free_verified", "id": "+18885550100", "note": "TFV approved"}
    response = _save(app, seeded, {**definition, "sms_sender": sender})
    assert response.status_code == 302
    new_version, stored = _stored(services, seeded)
    assert new_version == version + 1
    assert stored["sms_sender"] == sender
