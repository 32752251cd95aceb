"""Attack: replay a captured, validly signed webhook with a fresh I-Twilio-Idempotency-Token.

The header is not signed, so it must never decide what is new: the ledger dedupes on the
event's natural key built from signed fields, and keys pressed or an answer after the call
ended change nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from dialer.bootstrap import Services
from dialer.db.engine import transaction
from dialer.db.models import ConsumerFlagRecord, ProviderEvent
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, event_kinds

CALL_SID = "CA" + "1" * 32


def _ledger_size(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProviderEvent)) or 0


def _open_disputes(services: Services, consumer_id: int) -> int:
    with services.sessions() as session:
        query = select(func.count()).where(
            ConsumerFlagRecord.consumer_id == consumer_id,
            ConsumerFlagRecord.flag == "dispute_pending",
            ConsumerFlagRecord.cleared_at.is_(None),
        )
        return session.scalar(query) or 0


def test_a_replayed_dispute_with_a_new_token_does_not_come_back(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    twilio.answer(case.attempt_id)
    twilio.gather(case.attempt_id, "identity", "1")
    menu = f"/twilio/voice/gather?attempt={case.attempt_id}&stage=menu&try=1"
    pressed = {"CallSid": CALL_SID, "Digits": "3"}
    assert twilio.post(menu, pressed, token="first-delivery").status_code == 200
    assert _open_disputes(services, case.consumer_id) == 1
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="40")
    with transaction(services.sessions) as session:  # the dispute is resolved and cleared
        session.execute(
            update(ConsumerFlagRecord).values(
                cleared_at=services.clock.now(), cleared_reason="validated"
            )
        )
    stored = _ledger_size(services)

    replay = twilio.post(menu, pressed, token="attacker-fresh-token")

    assert replay.status_code == 200
    assert _open_disputes(services, case.consumer_id) == 0
    assert _ledger_size(services) == stored
    assert event_kinds(services.sessions, case.consumer_id) == [
        "identity_confirmed",
        "dispute",
        "call_ended",
    ]


def test_a_replayed_status_callback_with_a_new_token_is_a_duplicate(
    twilio: Twilio, services: Services
) -> None:
    case = make_case(services.sessions, now=services.clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    ringing = {"CallSid": CALL_SID, "CallStatus": "ringing", "SequenceNumber": "1"}
    assert twilio.post(path, ringing, token="tok-1").status_code == 204
    assert twilio.post(path, ringing, token="tok-2").status_code == 204
    assert twilio.post(path, ringing, token="tok-3").status_code == 204
    assert _ledger_size(services) == 1


def test_keys_pressed_after_the_call_ended_change_nothing(
    twilio: Twilio, services: Services
) -> None:
    """A signed gather that was never delivered before (another stage), sent after the call
    ended: hang up, no dispute, no opt-out, the attempt stays as it ended."""
    case = make_case(services.sessions, now=services.clock.now())
    twilio.answer(case.attempt_id)
    twilio.call_status(case.attempt_id, "completed", 4, CallDuration="9")
    before = attempt_row(services.sessions, case.attempt_id)

    late = twilio.gather(case.attempt_id, "menu", "3", tries=2)
    replayed_answer = twilio.answer(case.attempt_id)

    assert late.status_code == replayed_answer.status_code == 200
    assert "<Hangup" in late.get_data(as_text=True)
    assert "<Gather" not in late.get_data(as_text=True)
    after = attempt_row(services.sessions, case.attempt_id)
    assert (after.status, after.outcome, after.identity_confirmed) == (
        before.status,
        before.outcome,
        before.identity_confirmed,
    )
    assert _open_disputes(services, case.consumer_id) == 0
    assert event_kinds(services.sessions, case.consumer_id) == ["call_ended"]
