"""Campaigns target clients: enrolment takes only their debts; an unknown client is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dialer.campaigns import enrol, get_campaign
from dialer.db.engine import transaction
from dialer.db.models import Client, Debt
from dialer.errors import InputError
from tests.integration.dispatch.conftest import make_campaign
from tests.integration.dispatch.portfolio import insert_portfolio


def _two_clients(services, clock) -> None:
    people = insert_portfolio(services.engine, count=6, now=clock.now())
    with transaction(services.sessions) as session:
        acme = Client(code="ACME-BANK", name="Acme Bank", created_at=clock.now())
        beta = Client(code="BETA", name="Beta Card", created_at=clock.now())
        session.add_all([acme, beta])
        session.flush()
        for index, person in enumerate(people):
            owner = acme if index % 3 == 0 else beta
            session.execute(
                sa.update(Debt).where(Debt.id == person.debt_id).values(client_id=owner.id)
            )


def test_a_campaign_for_one_client_enrols_only_that_clients_debts(services, packs, clock):
    _two_clients(services, clock)
    make_campaign(services, packs, audience={"stages": ["new"], "clients": ["acme bank"]})
    with transaction(services.sessions) as session:
        campaign = get_campaign(session, "test-campaign")
        assert campaign.definition["audience"]["clients"] == ["ACME-BANK"]
        assert enrol(session, campaign, now=clock.now()) == 2
        enrolled = session.scalars(
            sa.select(Client.code)
            .join(Debt, Debt.client_id == Client.id)
            .where(Debt.campaign_id == campaign.id)
        ).all()
    assert set(enrolled) == {"ACME-BANK"}


def test_a_campaign_for_an_unknown_client_is_refused(services, packs, clock):
    _two_clients(services, clock)
    with pytest.raises(InputError, match="no client with code GAMMA"):
        make_campaign(services, packs, audience={"clients": ["Gamma"]})
