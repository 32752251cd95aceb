"""Abandoned calls per campaign over 30 days, against the 3 % limit, on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import Campaign, ContactAttempt, User
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


def _predictive(services: Services, seeded: Seeded, clock: FakeClock, abandoned: int) -> None:
    """The campaign's step 0 dials predictively; two agents are free; in the last half hour
    20 calls, 10 answered by a person (a 50 % answer rate), `abandoned` of them abandoned."""
    with transaction(services.sessions) as session:
        campaign = session.get(Campaign, seeded.campaign_id)
        assert campaign is not None
        step = {"kind": "agent", "script": "agent_bridge", "dialing": "predictive"}
        campaign.definition = {**campaign.definition, "steps": [step]}
        session.execute(
            sa.update(User)
            .where(User.username.in_(["ann", "bob"]))
            .values(availability="available")
        )
    outcomes = ["abandoned"] * abandoned + ["conversation"] * (10 - abandoned)
    _calls(services, seeded, clock, ["conversation"] * 30)  # older: 40 live answers in all
    with transaction(services.sessions) as session:
        for outcome in outcomes + ["no_answer"] * 10:
            session.add(
                ContactAttempt(
                    consumer_id=seeded.consumer_id,
                    campaign_id=seeded.campaign_id,
                    step_index=0,
                    channel="call",
                    status="completed",
                    outcome=outcome,
                    attempted_at=clock.now() - timedelta(minutes=30),
                    to_number=seeded.phone,
                )
            )


def _dialling(app: Flask) -> str:
    client = app.test_client()
    login(client, "sam")
    page = client.get("/dashboard").text
    card = page[page.index('id="abandonment"') :]
    return card[card.index('class="pacing"') : card.index("</td>", card.index('class="pacing"'))]


def test_the_dashboard_shows_the_predictive_ratio_in_force(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    """0 abandoned of 40: a budget of 1 extra call; 2 free agents x 2.0 (1 / 50 %), held to
    2 + 1 calls: ratio 1.50."""
    _predictive(services, seeded, clock, abandoned=0)
    assert "predictive, ratio 1.50" in _dialling(app)


def test_the_dashboard_shows_a_predictive_step_slowed_down_to_progressive_near_the_cap(
    app: Flask, services: Services, seeded: Seeded, clock: FakeClock
) -> None:
    _predictive(services, seeded, clock, abandoned=1)  # 1 of 40: 2.5 %, no room for another
    assert "progressive (slowed down: 0 more abandonments allowed)" in _dialling(app)
