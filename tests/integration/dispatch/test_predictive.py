"""Predictive agent steps: free agents x a ratio from the answer rate, slowed by the cap."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import transaction
from dialer.db.models import ContactAttempt, Debt, User
from dialer.errors import InputError
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio
from tests.integration.dispatch.test_agent_steps import _agent

MA = [("US", "MA", "617")]
PREDICTIVE = [
    {
        "kind": "agent",
        "script": "agent_bridge",
        "max_attempts": 1,
        "dialing": "predictive",
        "predictive": {"max_ratio": 3.0},
    }
]


def _history(services, campaign_id: int, *, live: int, abandoned: int, start: int = 500) -> None:
    """The campaign's past calls, on a consumer outside the audience: in the last hour 100
    calls of which 25 reached a person (a 25 % answer rate); over the month `live` calls a
    person answered, `abandoned` of them abandoned."""
    now = services.clock.now()
    (person,) = insert_portfolio(services.engine, count=1, now=now, places=MA, start=start)
    rows = []
    recent = ["conversation"] * 25 + ["no_answer"] * 75
    older = ["abandoned"] * abandoned + ["conversation"] * (live - 25 - abandoned)
    for index, outcome in enumerate(recent + older):
        at = now - (timedelta(minutes=30) if index < len(recent) else timedelta(days=3))
        rows.append(
            {
                "consumer_id": person.consumer_id,
                "channel": "call",
                "direction": "outbound",
                "mode": "automated",
                "origin": "dialer",
                "campaign_id": campaign_id,
                "step_index": 0,
                "status": "completed" if outcome != "no_answer" else "no_answer",
                "outcome": outcome,
                "attempted_at": at,
            }
        )
    with transaction(services.sessions) as session:
        session.execute(sa.update(Debt).where(Debt.id == person.debt_id).values(stage="resolved"))
        session.execute(sa.insert(ContactAttempt), rows)


def _enrol(services, count: int) -> None:
    insert_portfolio(services.engine, count=count, now=services.clock.now(), places=MA)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "test-campaign"), now=services.clock.now())


def _placed(services) -> list[ContactAttempt]:
    with transaction(services.sessions) as session:
        return list(
            session.scalars(sa.select(ContactAttempt).where(ContactAttempt.outcome.is_(None))).all()
        )


def test_with_budget_and_a_25_percent_answer_rate_it_dials_three_calls_per_free_agent(
    services, packs, dispatcher, fake
):
    _agent(services, "a1", "+16175550901")
    _agent(services, "a2", "+16175550902")
    campaign = make_campaign(services, packs, steps=PREDICTIVE)
    _history(services, campaign.id, live=1025, abandoned=0)
    _enrol(services, 9)

    assert dispatcher.tick().placed == 6  # 2 free agents x 3.0 (1 / 25 %, at max_ratio)

    placed = _placed(services)
    assert len(placed) == 6
    assert all(a.agent_id is None for a in placed)  # an agent is found when a person answers
    with transaction(services.sessions) as session:
        states = session.scalars(sa.select(User.availability)).all()
    assert sorted(states) == ["available", "available"]
    assert dispatcher.tick().placed == 0  # the calls in flight already match 2 x 3.0


def test_a_campaign_with_no_live_answers_yet_dials_progressively(services, packs, dispatcher, fake):
    first = _agent(services, "a1", "+16175550901")
    second = _agent(services, "a2", "+16175550902")
    make_campaign(services, packs, steps=PREDICTIVE)
    _enrol(services, 5)

    assert dispatcher.tick().placed == 2
    assert sorted(a.agent_id for a in _placed(services)) == sorted([first, second])


def test_near_the_abandonment_cap_it_slows_down_to_progressive(services, packs, dispatcher, fake):
    first = _agent(services, "a1", "+16175550901")
    second = _agent(services, "a2", "+16175550902")
    campaign = make_campaign(services, packs, steps=PREDICTIVE)
    # 30 abandoned of 1,025 live answers (2.9 %): not one more abandonment fits under 3 %
    _history(services, campaign.id, live=1025, abandoned=30)
    _enrol(services, 9)

    assert dispatcher.tick().placed == 2
    assert sorted(a.agent_id for a in _placed(services)) == sorted([first, second])
    assert dispatcher.tick().placed == 0  # no more calls than agents: none is abandoned


def test_two_predictive_campaigns_share_the_free_agents_calls_in_flight(
    services, packs, dispatcher, fake
):
    """The free agents are the same for both: the second campaign's pacer counts the first
    one's waiting calls, so together they never place more than 2 agents x 3.0."""
    _agent(services, "a1", "+16175550901")
    _agent(services, "a2", "+16175550902")
    first = make_campaign(services, packs, steps=PREDICTIVE)
    _history(services, first.id, live=1025, abandoned=0)
    _enrol(services, 9)
    second = make_campaign(services, packs, steps=PREDICTIVE, name="second-campaign")
    _history(services, second.id, live=1025, abandoned=0, start=600)
    insert_portfolio(services.engine, count=9, now=services.clock.now(), places=MA, start=100)
    with transaction(services.sessions) as session:
        enrol(session, get_campaign(session, "second-campaign"), now=services.clock.now())

    assert dispatcher.tick().placed == 6
    assert dispatcher.tick().placed == 0


def test_a_predictive_campaign_with_no_agent_to_bridge_to_is_refused(services, packs):
    _agent(services, "nophone", None)
    with pytest.raises(InputError) as caught:
        make_campaign(services, packs, steps=PREDICTIVE)
    assert "step 0 is an agent step, but there is no active agent with a phone number" in str(
        caught.value
    )
