"""A predictive call is answered: a free agent now, or an abandoned call that identifies the
caller at once (TSR 310.4(b)(4)(iii)) and offers a callback the person chooses."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from dialer.agents.abandonment import abandonment_by_campaign
from dialer.bootstrap import Services
from dialer.campaigns.loader import parse_definition
from dialer.db.engine import transaction
from dialer.db.models import Campaign, ContactAttempt, Debt, User
from dialer.predictive.state import pacing_state
from dialer.telephony.fake import FakeTelephony
from dialer.telephony.ports import ProviderCall
from dialer.wallboard.board import wallboard
from tests.integration.webhooks.builders import make_agent, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, event_kinds, rows
from web.app import TwilioDispatcher

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


class _Redirects(FakeTelephony):
    """The telephony the webhook uses: the live call exists; redirects are kept."""

    def __init__(self, services: Services) -> None:
        super().__init__(clock=services.clock)
        self.redirected: list[str] = []
        sid = "CA" + "1" * 32
        self.calls[sid] = ProviderCall(
            sid=sid,
            status="in-progress",
            to="+16175550100",
            from_="+16175559999",
            created_at=services.clock.now(),
            direction="outbound-api",
        )

    def redirect_call(self, sid: str, *, url: str) -> ProviderCall:
        self.redirected.append(url)
        return super().redirect_call(sid, url=url)


def _redirects(app: Flask, services: Services) -> _Redirects:
    """Put the fake in the webhook app (the one `/twilio/...` goes to)."""
    found: Any = app.wsgi_app
    while not isinstance(found, TwilioDispatcher):
        found = found.app  # the proxy fix, when installed
    fake = _Redirects(services)
    found.twilio_app.extensions["dialer.telephony"] = fake
    return fake


def _amd(twilio: Twilio, attempt_id: int, answered_by: str) -> None:
    data = {"CallSid": "CA" + "1" * 32, "AnsweredBy": answered_by}
    assert twilio.post(f"/twilio/voice/amd?attempt={attempt_id}", data).status_code == 204


def _abandonment(services: Services, attempt_id: int) -> tuple[int, int, int, int]:
    """(live answered, abandoned) on the dashboard, and as the predictive cap reads them."""
    now = services.clock.now()
    with services.sessions() as session:
        attempt = session.get(ContactAttempt, attempt_id)
        assert attempt is not None
        assert attempt.campaign_id is not None
        shown = abandonment_by_campaign(session, now=now)
        dashboard = (shown[0].live_answered, shown[0].abandoned) if shown else (0, 0)
        state = pacing_state(session, campaign_id=attempt.campaign_id, step_index=0, now=now)
        board = wallboard(session, now=now).abandonment_30_days
        assert (board.live_answered, board.abandoned) == dashboard
        return (*dashboard, state.live_answered, state.abandoned)


def test_a_machine_found_after_an_abandoned_answer_gets_the_voicemail_and_is_not_counted(
    app: Flask, twilio: Twilio, services: Services
) -> None:
    """Async AMD says machine after the answer found no agent free: it was never answered by a
    live person (16 CFR 310.4(b)(4)), so the abandonment rate leaves it out, and the machine
    gets the limited-content message at once, like any machine."""
    fake = _redirects(app, services)
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    assert attempt_row(services.sessions, attempt_id).outcome == "abandoned"

    _amd(twilio, attempt_id, "machine_end_beep")

    assert len(fake.redirected) == 1
    assert "stage=voicemail" in fake.redirected[0]
    body = twilio.gather(attempt_id, "voicemail", "").get_data(as_text=True)
    assert "JL Services" in body
    assert "stage=callback" not in body
    twilio.call_status(attempt_id, "completed", 4, CallDuration="30")
    assert attempt_row(services.sessions, attempt_id).outcome == "voicemail"
    assert _abandonment(services, attempt_id) == (0, 0, 0, 0)
    kinds = event_kinds(services.sessions, attempt_row(services.sessions, attempt_id).consumer_id)
    assert {"machine_not_abandoned", "voicemail"} <= set(kinds)


def test_a_machine_result_after_the_abandoned_call_ended_takes_it_out_of_the_rate(
    twilio: Twilio, services: Services
) -> None:
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    twilio.call_status(attempt_id, "completed", 4, CallDuration="20")
    assert _abandonment(services, attempt_id) == (1, 1, 1, 1)

    _amd(twilio, attempt_id, "machine_end_other")

    assert attempt_row(services.sessions, attempt_id).outcome == "voicemail"
    assert _abandonment(services, attempt_id) == (0, 0, 0, 0)


def test_an_unknown_amd_result_keeps_the_call_abandoned(
    app: Flask, twilio: Twilio, services: Services
) -> None:
    """Err on the side of dialling less: without a machine result the call stays an abandoned
    live answer, and nothing is redirected."""
    fake = _redirects(app, services)
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    _amd(twilio, attempt_id, "unknown")
    twilio.call_status(attempt_id, "completed", 4, CallDuration="20")
    assert attempt_row(services.sessions, attempt_id).outcome == "abandoned"
    assert _abandonment(services, attempt_id) == (1, 1, 1, 1)
    assert fake.redirected == []


def test_a_person_who_chose_a_callback_stays_abandoned_whatever_amd_says(
    app: Flask, twilio: Twilio, services: Services
) -> None:
    fake = _redirects(app, services)
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    twilio.gather(attempt_id, "callback", "1")
    _amd(twilio, attempt_id, "machine_end_silence")
    twilio.call_status(attempt_id, "completed", 4, CallDuration="20")
    assert attempt_row(services.sessions, attempt_id).outcome == "abandoned"
    assert _abandonment(services, attempt_id) == (1, 1, 1, 1)
    assert fake.redirected == []


def test_a_machine_whose_agent_did_not_pick_up_gets_the_voicemail(
    app: Flask, twilio: Twilio, services: Services
) -> None:
    fake = _redirects(app, services)
    make_agent(services.sessions, now=services.clock.now())
    attempt_id = _predictive_call(services)
    twilio.answer(attempt_id)
    path = f"/twilio/voice/gather?attempt={attempt_id}&stage=dial&try=1"
    twilio.post(path, {"CallSid": "CA" + "1" * 32, "DialCallStatus": "no-answer"})

    _amd(twilio, attempt_id, "machine_end_beep")

    assert len(fake.redirected) == 1
    assert "stage=voicemail" in fake.redirected[0]
    twilio.call_status(attempt_id, "completed", 4, CallDuration="30")
    assert attempt_row(services.sessions, attempt_id).outcome == "voicemail"
