"""An opt-out or a listed number follows the number into a later import, on another consumer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import select

from dialer.bootstrap import Services
from dialer.cases.facts import load_consumer_facts
from dialer.db.engine import transaction
from dialer.db.models import Consumer
from dialer.suppression.admin import add_number
from dialer.vocabulary import PhoneStatus
from tests.integration.importing.conftest import case_row

SHARED = "+16175550042"


def _facts_of(services: Services, ref: str) -> tuple[bool, bool]:
    with transaction(services.sessions) as session:
        consumer_id = session.scalar(select(Consumer.id).where(Consumer.external_ref == ref))
        assert consumer_id is not None
        [phone] = load_consumer_facts(session, consumer_id).phones
        return phone.sms_opted_out, phone.call_opted_out


def test_an_imported_opt_out_follows_the_number_to_a_later_file(
    services: Services,
    write_csv: Callable[[str, list[dict[str, str]]], Path],
    run_cli: Callable[..., Result],
) -> None:
    first = [case_row(1, phone1=SHARED, phone1_opt_out="sms")]
    assert run_cli("import", "cases", str(write_csv("cases.csv", first))).exit_code == 0
    later = [case_row(2, phone1=SHARED)]
    assert run_cli("import", "cases", str(write_csv("cases.csv", later))).exit_code == 0
    assert _facts_of(services, "C2") == (True, False)


def test_a_listed_number_is_not_contacted_when_it_is_imported_later(
    services: Services,
    write_csv: Callable[[str, list[dict[str, str]]], Path],
    run_cli: Callable[..., Result],
) -> None:
    with transaction(services.sessions) as session:
        add_number(session, SHARED, scope="call", reason="litigator", actor="alice",
                   now=services.clock.now())  # fmt: skip
    imported = run_cli("import", "cases", str(write_csv("cases.csv", [case_row(3, phone1=SHARED)])))
    assert imported.exit_code == 0, imported.output
    assert _facts_of(services, "C3") == (False, True)


def test_a_wrong_number_text_in_imported_history_marks_the_number(
    services: Services,
    write_csv: Callable[[str, list[dict[str, str]]], Path],
    run_cli: Callable[..., Result],
) -> None:
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(4, phone1=SHARED)])))
    history = [
        {"debt_ref": "D4", "at": "2026-03-03T16:00:00Z", "channel": "sms", "direction": "inbound",
         "from": SHARED, "body": "número equivocado"},
    ]  # fmt: skip
    imported = run_cli("import", "history", str(write_csv("history.csv", history)))
    assert imported.exit_code == 0, imported.output
    run_cli("import", "cases", str(write_csv("cases.csv", [case_row(5, phone1=SHARED)])))
    for ref in ("C4", "C5"):
        with transaction(services.sessions) as session:
            consumer_id = session.scalar(select(Consumer.id).where(Consumer.external_ref == ref))
            assert consumer_id is not None
            [phone] = load_consumer_facts(session, consumer_id).phones
        assert phone.status is PhoneStatus.WRONG_PARTY
