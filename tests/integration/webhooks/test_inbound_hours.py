"""Inbound calls and business hours (in the company's zone): outside them, or with nobody
free, the caller is not put through to the menu for an agent: a message or a callback time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from dialer.admin.business_hours import save_business_hours
from dialer.bootstrap import Services
from dialer.campaigns.loader import parse_definition
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import Campaign, ContactAttempt, Debt
from dialer.vocabulary import AttemptStatus
from tests.integration.webhooks.builders import CONSUMER_NUMBER, OUR_NUMBER, make_agent, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import event_kinds, rows
from tests.integration.webhooks.test_inbound_call import _inbound, _press, _ring

# The test clock reads Tuesday 2026-03-17 15:00 UTC: 11:00 in New York, 23:00 in Shanghai.
NEW_YORK_DAY = {"zone": "America/New_York", "start": "09:00", "end": "17:00"}
SHANGHAI_DAY = {"zone": "Asia/Shanghai", "start": "09:00", "end": "18:00"}


def _campaign(services: Services, hours: dict[str, Any], *, on_the_case: bool = True) -> None:
    now = services.clock.now()
    definition = parse_definition(
        {
            "name": "hours",
            "voicemail_business": "JL Services",
            "caller_ids": {"numbers": [OUR_NUMBER]},
            "business_hours": hours,
            "steps": [{"kind": "sms", "template": "reminder_friendly"}],
        },
        source="test",
    )
    with transaction(services.sessions) as session:
        campaign = Campaign(
            name="hours",
            status="active",
            definition=definition.model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )
        session.add(campaign)
        session.flush()
        if on_the_case:
            session.execute(sa.update(Debt).values(campaign_id=campaign.id))


def test_outside_business_hours_the_caller_leaves_a_message_that_is_a_callback_request(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now)  # free, but the office is closed in Shanghai
    _campaign(services, SHANGHAI_DAY)

    body = _ring(twilio)

    assert "Thank you for calling JL Services. Our office is closed right now." in body
    assert "Please leave a message after the tone" in body
    assert "<Record" in body
    assert "Acme" not in body
    attempt = _inbound(services)
    assert "inbound_after_hours" in event_kinds(services.sessions, attempt.consumer_id)
    bye = _press(twilio, attempt.id, "recorded", "hangup")
    assert "We will call you back. Goodbye." in bye
    kept = _inbound(services)
    assert kept.callback_requested
    assert kept.agent_id is None
    assert "callback_requested" in event_kinds(services.sessions, kept.consumer_id)


def test_the_dialled_number_gives_the_hours_when_the_case_is_on_no_campaign(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now)
    _campaign(services, SHANGHAI_DAY, on_the_case=False)
    assert "Our office is closed right now." in _ring(twilio)


def test_inside_business_hours_with_a_free_agent_the_caller_hears_the_menu(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now)
    _campaign(services, NEW_YORK_DAY)
    body = _ring(twilio)
    assert "To speak with an agent, press 1." in body
    assert "stage=inbound" in body


def test_inside_hours_with_no_agent_free_the_caller_chooses_a_callback_time_or_a_message(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now, available=False)
    _campaign(services, NEW_YORK_DAY)

    body = _ring(twilio)

    assert "All of our agents are busy right now." in body
    assert "For a call back in the morning, press 1." in body
    assert "stage=callback" in body
    attempt = _inbound(services)
    assert "call you back in the afternoon" in _press(twilio, attempt.id, "callback", "2")
    kept = rows(services.sessions, ContactAttempt, ContactAttempt.id == attempt.id)[0]
    assert kept.callback_requested
    assert kept.callback_at is not None
    debt = rows(services.sessions, Debt, Debt.id == kept.debt_id)[0]
    assert debt.callback_at == kept.callback_at  # the planner places exactly that call


def _ring_again(twilio: Twilio) -> str:
    """A second inbound call from the same consumer (another call SID)."""
    data = {
        "CallSid": "CA" + "8" * 32,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": CONSUMER_NUMBER,
        "To": OUR_NUMBER,
    }
    return twilio.post("/twilio/voice/answer", data).get_data(as_text=True)


def _company(services: Services, hours: dict[str, Any]) -> None:
    with transaction(services.sessions) as session:
        save_business_hours(
            session, hours=hours, actor="alice", reason="office hours", now=services.clock.now()
        )


def test_with_no_campaign_hours_the_company_hours_apply_by_default_weekdays_8_to_20(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    """Nothing saved: Monday to Friday 08:00-20:00 in the company's zone (New York)."""
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now)
    assert "To speak with an agent, press 1." in _ring(twilio)  # Tuesday 11:00
    clock.advance(timedelta(days=4))  # Saturday 11:00
    body = _ring_again(twilio)
    assert "Our office is closed right now." in body


def test_the_company_hours_an_admin_saved_apply_and_a_campaigns_own_override_them(
    twilio: Twilio, services: Services
) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now)
    _company(services, SHANGHAI_DAY)  # 23:00 there: closed
    assert "Our office is closed right now." in _ring(twilio)
    _campaign(services, NEW_YORK_DAY)  # the case's campaign: 11:00 in New York, open
    assert "To speak with an agent, press 1." in _ring_again(twilio)


def test_on_a_company_holiday_the_office_is_closed(twilio: Twilio, services: Services) -> None:
    now = services.clock.now()
    make_case(services.sessions, now=now, status=AttemptStatus.COMPLETED)
    make_agent(services.sessions, now=now)
    _company(services, {**NEW_YORK_DAY, "holidays": ["2026-03-17"]})
    assert "Our office is closed right now." in _ring(twilio)
