"""What "why not now" says while a contact with the person is in flight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.cases.decisions import with_contact_in_flight
from dialer.compliance import Decision, render_decision
from dialer.dispatch.person import InFlight

PLACED = datetime(2026, 3, 17, 15, 0, 5, tzinfo=UTC)


def test_an_allowed_contact_is_blocked_while_another_is_in_flight_and_says_which() -> None:
    found = InFlight(7, "sms", "+16175550100", PLACED, is_same_person=True)

    decision = with_contact_in_flight(Decision(allowed=True), found)

    assert not decision.allowed
    assert decision.reason_codes == ("contact_in_flight",)
    assert decision.next_allowed_at is None
    text = render_decision(decision)
    assert "a text with this person is still in flight: sms to +16175550100" in text
    assert "placed 2026-03-17T15:00:05Z (attempt 7)" in text
    assert "When: once the contact in flight has ended" in text


def test_the_engines_own_block_and_next_lawful_time_are_kept() -> None:
    found = InFlight(9, "call", "+16175550100", PLACED, is_same_person=False)
    later = PLACED + timedelta(hours=4)
    engine = Decision(allowed=False, next_allowed_at=later)

    decision = with_contact_in_flight(engine, found)

    assert decision.next_allowed_at == later
    assert "a call to this number (another file)" in decision.reasons[0].message


def test_nothing_in_flight_changes_nothing() -> None:
    engine = Decision(allowed=True)
    assert with_contact_in_flight(engine, None) is engine
