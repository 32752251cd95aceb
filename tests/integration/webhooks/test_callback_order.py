"""Any order of a call's callbacks, with duplicates, gives the same attempt and case record."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialer.bootstrap import Services
from tests.integration.webhooks.builders import make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, debt_row, event_kinds

CALLBACKS = [
    ("queued", {}),
    ("initiated", {}),
    ("ringing", {}),
    ("in-progress", {"AnsweredBy": "human"}),
    ("completed", {"CallDuration": "37", "SipResponseCode": "200", "AnsweredBy": "human"}),
]
_refs = itertools.count()


def _run(twilio: Twilio, services: Services, order: list[int]) -> tuple[object, ...]:
    case = make_case(
        services.sessions,
        now=services.clock.now(),
        ref=f"P{next(_refs)}",
        number=f"+1617555{next(_refs):04d}",
    )
    sid = f"CA{case.attempt_id:032d}"
    for index in order:
        status, extra = CALLBACKS[index]
        data = {"CallSid": sid, "CallStatus": status, "SequenceNumber": str(index), **extra}
        assert (
            twilio.post(f"/twilio/voice/status?attempt={case.attempt_id}", data).status_code == 204
        )
    a = attempt_row(services.sessions, case.attempt_id)
    return (
        a.status,
        a.outcome,
        a.answered_by,
        a.duration_seconds,
        a.sip_response_code,
        a.last_sequence,
        a.answered_at,
        a.ended_at,
        a.updated_at,
        event_kinds(services.sessions, case.consumer_id),
        debt_row(services.sessions, case.debt_id).next_contact_at,
    )


def test_callbacks_in_any_order_with_duplicates(twilio: Twilio, services: Services) -> None:
    expected = _run(twilio, services, list(range(len(CALLBACKS))))
    assert expected[:2] == ("completed", "conversation")

    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        st.permutations(range(len(CALLBACKS))),
        st.lists(st.integers(0, len(CALLBACKS) - 1), max_size=4),
        st.randoms(use_true_random=False),
    )
    def run(order: list[int], duplicates: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
        deliveries = list(order) + duplicates
        rnd.shuffle(deliveries)
        assert _run(twilio, services, deliveries) == expected

    run()
