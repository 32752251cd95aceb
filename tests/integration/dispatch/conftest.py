"""Fixtures for dispatch tests: rule packs, a fake gateway, a dispatcher and a campaign."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from dialer.bootstrap import Services
from dialer.campaigns import create_campaign, parse_definition, set_status
from dialer.clock import FakeClock
from dialer.compliance import load_rule_packs
from dialer.compliance.packs import RulePacks
from dialer.db.engine import transaction
from dialer.db.models import Campaign
from dialer.dispatch import Dispatcher
from dialer.pacing import Pacer, PacingConfig
from dialer.telephony.fake import FakeTelephony
from dialer.vocabulary import CampaignStatus, CollectorType

BASE_URL = "https://dialer.example.test"


@pytest.fixture(scope="session")
def packs() -> RulePacks:
    return load_rule_packs()


@pytest.fixture
def fake(clock: FakeClock) -> FakeTelephony:
    return FakeTelephony(clock=clock)


@pytest.fixture
def dispatcher(services: Services, fake: FakeTelephony, packs: RulePacks) -> Dispatcher:
    pacer = Pacer(
        PacingConfig(
            calls_per_second=1000, sms_per_second=1000, namespace=f"t-{uuid.uuid4().hex[:8]}"
        ),
        account="AC-test",
    )
    return Dispatcher(
        sessions=services.sessions,
        telephony=fake,
        pacer=pacer,
        packs=packs,
        clock=services.clock,
        base_url=BASE_URL,
        batch_size=50,
    )


def campaign_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "test-campaign",
        "audience": {"stages": ["new"], "countries": ["US", "CN"]},
        "caller_ids": {"numbers": ["+16175550199", "+13105550199"], "local_presence": True},
        "steps": [
            {
                "kind": "sms",
                "template": "reminder_friendly",
                "max_attempts": 2,
                "retry": {"failed": "1h", "undelivered": "2h"},
                "next_step_after": "1d",
            },
            {
                "kind": "ivr",
                "script": "reminder_ivr",
                "max_attempts": 2,
                "retry": {"no_answer": "4h", "busy": "30m"},
                "next_step_after": "2d",
            },
            {"kind": "escalate", "escalate_to": "agency"},
        ],
    }
    data.update(overrides)
    return data


def make_campaign(
    services: Services, packs: RulePacks, *, active: bool = True, **overrides: Any
) -> Campaign:
    definition = parse_definition(campaign_data(**overrides), source="test")
    with transaction(services.sessions) as session:
        campaign = create_campaign(
            session,
            definition,
            packs=packs,
            now=services.clock.now(),
            collector=CollectorType.FIRST_PARTY,
        )
        if active:
            set_status(session, campaign.name, CampaignStatus.ACTIVE, now=services.clock.now())
    return campaign
