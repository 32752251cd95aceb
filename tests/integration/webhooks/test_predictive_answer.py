"""A predictive call is answered: a free agent now, or an abandoned call that identifies the
caller at once (TSR 310.4(b)(4)(iii)) and offers a callback the person chooses."""

from __future__ import annotations

import sqlalchemy as sa

from dialer.bootstrap import Services
from dialer.campaigns.loader import parse_definition
from dialer.db.engine import transaction
from dialer.db.models import Campaign, ContactAttempt, Debt, User
from tests.integration.webhooks.builders import make_agent, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, event_kinds, rows

IDENTIFICATION = (
    "This is Jordan Lee from JL Services. All of our agents are busy right now. You can call "
    "us back at +18005550199, or we can call you back."
)


def _predictive_call(services: Services) -> int:
    """A case whose attempt was placed by a predictive agent step (no agent reserved)."""
    now = services.clock.now()
    case = make_case(services.sessions, now=now)
    definition = parse_definition(
        {
            "name": "predictive",
            "caller_ids": {"numbers": ["+16175559999"]},
            "caller_name": "Jordan Lee",
            "voicemail_business": "JL Services",
            "callback_number": "+18005550199",
            "steps": [{"kind": "agent", "script": "agent_bridge", "dialing": "predictive"}],
        },
        source="test",
    )
    with transaction(services.sessions) as session:
        campaign = Campaign(
            name="predictive",
            status="active",
            definition=definition.model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )
        session.add(campaign)
        session.flush()
        session.execute(
            sa.update(ContactAttempt)
            .where(ContactAttempt.id == case.attempt_id)
            .values(campaign_id=campaign.id, step_index=0)
        )
        session.execute(sa.update(Debt).values(campaign_id=campaign.id))
    return case.attempt_id


def test_a_person_answering_with_no_free_agent_hears_who_called_first(
    twilio: Twilio, services: Services
) -> None:
    attempt_id = _predictive_call(services)

    body = twilio.answer(attempt_id).get_data(as_text=True)

    first_say = body.split("<Say", 2)[1]
    assert IDENTIFICATION in first_say  # the first thing the person hears
    assert "Acme" not in body
    assert "debt" not in body.lower()
    assert "stage=callback" in body  # a callback at a time they choose is offered
    twilio.call_status(attempt_id, "completed", 4, CallDuration="20")
    attempt = attempt_row(services.sessions, attempt_id)
    assert (attempt.status, attempt.outcome) == ("completed", "abandoned")
    assert not attempt.callback_requested
    assert "agent_unavailable" in event_kinds(services.sessions, attempt.consumer_id)


def test_the_abandoned_person_who_picks_a_time_gets_a_scheduled_callback(
    twilio: Twilio, services: Services
) -> None:
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    body = twilio.gather(attempt_id, "callback", "2").get_data(as_text=True)
    assert "call you back in the afternoon" in body
    attempt = attempt_row(services.sessions, attempt_id)
    assert attempt.callback_requested
    assert attempt.outcome == "abandoned"
    debt = rows(services.sessions, Debt, Debt.id == attempt.debt_id)[0]
    assert debt.callback_at is not None
    assert debt.callback_at == attempt.callback_at


def test_a_person_answering_with_a_free_agent_is_put_straight_through(
    twilio: Twilio, services: Services
) -> None:
    """No prompt to the person and no whisper to hold them up (the case pops on the agent's
    screen); the agent's line rings at most two seconds."""
    agent_id = make_agent(services.sessions, now=services.clock.now())
    attempt_id = _predictive_call(services)

    body = twilio.answer(attempt_id).get_data(as_text=True)

    assert "<Say" not in body
    assert '<Dial action="' in body
    assert 'timeout="2"' in body
    assert "<Number>+16175550199</Number>" in body  # no whisper URL
    agent = rows(services.sessions, User, User.id == agent_id)[0]
    assert (agent.availability, agent.current_attempt_id) == ("on_call", attempt_id)
    twilio.call_status(attempt_id, "completed", 4, CallDuration="200")
    assert attempt_row(services.sessions, attempt_id).outcome != "abandoned"


def test_an_agent_line_that_does_not_answer_in_two_seconds_abandons_the_call(
    twilio: Twilio, services: Services
) -> None:
    agent_id = make_agent(services.sessions, now=services.clock.now())
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    path = f"/twilio/voice/gather?attempt={attempt_id}&stage=dial&try=1"

    body = twilio.post(path, {"CallSid": "CA" + "1" * 32, "DialCallStatus": "no-answer"}).get_data(
        as_text=True
    )

    assert IDENTIFICATION in body.split("<Say", 2)[1]
    assert "stage=callback" in body
    twilio.call_status(attempt_id, "completed", 4, CallDuration="20")
    assert attempt_row(services.sessions, attempt_id).outcome == "abandoned"
    assert rows(services.sessions, User, User.id == agent_id)[0].availability == "away"
