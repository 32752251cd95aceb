"""Whose phone a number is comes from the cases file into the case record and the engine."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from dialer.cases.facts import load_consumer_facts
from dialer.compliance import ProposedContact, evaluate, load_rule_packs
from dialer.db.models import Consumer
from dialer.vocabulary import Channel, PhoneRelationship
from tests.integration.importing.conftest import case_row

NOON_BOSTON = datetime(2026, 3, 17, 16, 0, tzinfo=UTC)


def test_a_family_members_phone_is_recorded_and_never_called_automatically(
    services, write_csv, run_cli
) -> None:
    row = case_row(
        1,
        phone2="+16175559002",
        phone2_type="mobile",
        phone2_consent="yes",
        phone2_relationship="family",
    )
    result = run_cli("import", "cases", str(write_csv("cases.csv", [row])))
    assert result.exit_code == 0, result.output
    with services.sessions() as session:
        consumer_id = session.scalar(sa.select(Consumer.id))
        facts = load_consumer_facts(session, consumer_id)
    assert {p.number: p.relationship for p in facts.phones} == {
        "+16175550001": PhoneRelationship.SELF,
        "+16175559002": PhoneRelationship.FAMILY,
    }
    packs = load_rule_packs(services.settings.rules_dir)
    own, family = (
        evaluate(facts, [], ProposedContact(NOON_BOSTON, Channel.CALL, number), packs=packs)
        for number in ("+16175550001", "+16175559002")
    )
    assert own.allowed
    assert not family.allowed
    assert "third_party" in {reason.code for reason in family.reasons}


def test_an_unknown_relationship_is_an_error_by_line(write_csv, run_cli, count) -> None:
    row = case_row(1, phone1_relationship="neighbour")
    result = run_cli("import", "cases", str(write_csv("cases.csv", [row])))
    assert result.exit_code == 1
    assert "line 2, column phone1_relationship:" in result.output
    assert count("phones") == 0
