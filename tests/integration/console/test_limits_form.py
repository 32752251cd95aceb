"""The limits form reads scopes as an admin means them, wants a reason, and shows changes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from dialer.bootstrap import Services
from dialer.db.models import ContactLimitVersion
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded


def _save(client, **fields: str):  # type: ignore[no-untyped-def]
    return form_post(client, "/limits", "/limits", {"action": "save", **fields})


def _versions(services: Services) -> list[tuple[str, str, dict]]:
    with services.sessions() as session:
        rows = session.execute(
            sa.select(
                ContactLimitVersion.scope, ContactLimitVersion.scope_key, ContactLimitVersion.limits
            ).order_by(ContactLimitVersion.id)
        ).all()
    return [tuple(row) for row in rows]


def test_a_state_by_its_name_is_that_state_and_bad_scopes_change_nothing(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    client = app.test_client()
    login(client, "alice")
    saved = _save(
        client, scope="state", scope_key="Texas", max_calls_per_day="2", reason="TX policy"
    )
    assert saved.status_code == 302, saved.text
    assert _versions(services)[-1][:2] == ("state", "US-TX")

    for fields, why in (
        ({"scope": "state", "scope_key": ""}, "a state scope needs a key"),
        ({"scope": "state", "scope_key": "Texass"}, "is not a US state or a CN province"),
        ({"scope": "campaign", "scope_key": "9999"}, "no campaign"),
        ({"scope": "global"}, "say why the limits change"),
    ):
        reason = {} if fields["scope"] == "global" else {"reason": "x"}
        refused = _save(client, max_calls_per_day="2", **fields, **reason)
        assert refused.status_code == 422, fields
        assert why in refused.text
    assert len(_versions(services)) == 1

    campaign = _save(
        client, scope="campaign", scope_key="spring-reminders", max_sms_per_day="1", reason="r"
    )
    assert campaign.status_code == 302
    assert _versions(services)[-1][:2] == ("campaign", str(seeded.campaign_id))


def test_versions_read_as_what_changed(app: Flask, services: Services, seeded: Seeded) -> None:
    client = app.test_client()
    login(client, "alice")
    _save(client, scope="global", max_calls_per_day="3", reason="first")
    _save(client, scope="global", max_calls_per_day="2", call_start="09:00", call_end="20:00",
          reason="quieter")  # fmt: skip
    page = client.get("/limits").text
    assert "<code>max_calls_per_day</code>: 3 → 2" in page
    assert "<code>call_hours</code>: — → 09:00-20:00" in page
    assert "{&#34;" not in page
    assert '{"max_calls' not in page
