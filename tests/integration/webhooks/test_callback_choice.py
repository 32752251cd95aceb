"""A time for a call back chosen on the keypad is checked when chosen: one that is not lawful
for the consumer (a holiday under the limits, outside the call hours in force) becomes the next
lawful time, which the consumer hears, and exactly that call is scheduled."""

from __future__ import annotations

from datetime import UTC, datetime

from dialer.admin.limit_changes import save_limits
from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import CaseEvent
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, debt_row, rows


def _limits(services: Services, limits: dict[str, object]) -> None:
    with transaction(services.sessions) as session:
        save_limits(
            session,
            scope="global",
            scope_key="",
            limits=limits,
            actor="alice",
            reason="policy",
            packs=services.packs,
            now=services.clock.now(),
        )


def _choose(twilio: Twilio, attempt_id: int, digits: str) -> str:
    twilio.answer(attempt_id)
    twilio.gather(attempt_id, "identity", "1")
    assert "stage=callback" in twilio.gather(attempt_id, "menu", "2").get_data(as_text=True)
    return twilio.gather(attempt_id, "callback", digits).get_data(as_text=True)


def test_a_morning_callback_on_a_holiday_moves_to_the_next_lawful_time_and_is_said(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    """Wednesday 2026-11-25, 10:00 in Massachusetts; "tomorrow morning" is Thanksgiving, and
    the limits say no contact on public holidays."""
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    _limits(services, {"no_contact_on_holidays": True})
    case = make_case(services.sessions, now=clock.now())

    body = _choose(twilio, case.attempt_id, "1")

    assert "We may not call you at that time, so we will call you back on Friday" in body
    assert "November 27, at 08:00" in body
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.callback_requested
    assert attempt.callback_at is not None
    assert attempt.callback_at.astimezone(UTC).date() == datetime(2026, 11, 27).date()
    assert debt_row(services.sessions, case.debt_id).callback_at == attempt.callback_at
    (event,) = rows(services.sessions, CaseEvent, CaseEvent.kind == "callback_requested")
    assert "not lawful then (holiday)" in event.summary
    assert event.detail["chosen_at"] == "2026-11-26T14:00:00+00:00"


def test_an_evening_callback_outside_the_call_hours_in_force_moves_to_the_next_morning(
    twilio: Twilio, services: Services
) -> None:
    """Admin call hours end at 17:00; the evening window starts at 18:00."""
    _limits(services, {"call_hours": {"start": "09:00", "end": "17:00"}})
    case = make_case(services.sessions, now=services.clock.now())

    body = _choose(twilio, case.attempt_id, "3")

    assert "we will call you back on Wednesday, March 18, at 09:00" in body
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.callback_at == datetime(2026, 3, 18, 13, 0, tzinfo=UTC)


def test_a_lawful_choice_is_confirmed_as_chosen(twilio: Twilio, services: Services) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    body = _choose(twilio, case.attempt_id, "1")
    assert "We will call you back in the morning." in body
    attempt = attempt_row(services.sessions, case.attempt_id)
    assert attempt.callback_at == datetime(2026, 3, 18, 13, 0, tzinfo=UTC)  # 09:00 in Boston
