"""Abandoned calls per campaign over 30 days, against the 3 % limit, on the dashboard."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt
from tests.integration.console.conftest import login
from tests.integration.console.seed import Seeded


def _calls(services: Services, seeded: Seeded, clock: FakeClock, outcomes: list[str]) -> None:
    with transaction(services.sessions) as session:
        for index, outcome in enumerate(outcomes):
            at = clock.now() - timedelta(days=index % 20, hours=1)
            session.add(
                ContactAttempt(
                    consumer_id=seeded.consumer_id,
                    debt_id=seeded.debt_id,
                    campaign_id=seeded.campaign_id,
                    channel="call",
                    status="completed",
                    outcome=outcome,
                    attempted_at=at,
                    ended_at=at,
                    to_number=seeded.phone,
                )
            )


def test_the_dashboard_shows_each_campaigns_abandonment_against_the_limit(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """2 abandoned of 40 answered by a person (voicemails and no-answers are not in it): 5 %,
    over the 3 % limit. A call from 31 days ago no longer counts."""
    outcomes = ["abandoned"] * 2 + ["conversation"] * 36 + ["wrong_party"] * 2
    _calls(services, seeded, clock, outcomes + ["voicemail", "no_answer"] * 5)
    with transaction(services.sessions) as session:
        old = clock.now() - timedelta(days=31)
        session.add(
            ContactAttempt(
                consumer_id=seeded.consumer_id,
                campaign_id=seeded.campaign_id,
                channel="call",
                status="completed",
                outcome="abandoned",
                attempted_at=old,
                to_number=seeded.phone,
            )
        )
    client = app.test_client()
    login(client, "sam")
    page = client.get("/dashboard").text
    card = page[page.index('id="abandonment"') :]
    assert "limit: 3% of live-answered calls per campaign" in card
    row = card[: card.index("</tbody>")]
    assert "<td>40</td><td>2</td><td>5.0% (over the limit)</td>" in row
    assert 'class="over-cap"' in row
