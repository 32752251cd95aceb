"""A contact that covered several debts of the person: its end makes every one of them due at
once (the call status webhook, batched on PostgreSQL, and the SMS delivery report), not only
the debt its webhooks name; a debt under dispute stays paused."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from dialer.bootstrap import Services
from dialer.clock import FakeClock
from dialer.db.engine import transaction
from dialer.db.models import AttemptDebt, ConsumerFlagRecord, Debt
from dialer.vocabulary import AttemptStatus, Channel, ConsumerFlag
from tests.integration.webhooks.builders import Case, make_case
from tests.integration.webhooks.conftest import Twilio
from tests.integration.webhooks.helpers import attempt_row, debt_row


def _three_debts(services: Services, case: Case, now: datetime) -> tuple[int, int]:
    """Two more debts of the consumer, both covered by the attempt (the second disputed);
    each waits as covering leaves it (looking again later), the claimed one out of the queue."""
    with transaction(services.sessions) as session:
        extra = [
            Debt(
                external_ref=f"D-extra-{n}",
                consumer_id=case.consumer_id,
                creditor=creditor,
                balance=Decimal(100 * n),
                currency="USD",
                jurisdiction="US-MA",
                next_contact_at=now + timedelta(minutes=1),
                created_at=now,
                updated_at=now,
            )
            for n, creditor in enumerate(("Beta Card", "Gamma Loans"), start=1)
        ]
        session.add_all(extra)
        session.flush()
        session.get(Debt, case.debt_id).next_contact_at = None
        for debt_id in (case.debt_id, extra[0].id, extra[1].id):
            session.add(AttemptDebt(attempt_id=case.attempt_id, debt_id=debt_id, step_index=0))
        session.add(
            ConsumerFlagRecord(
                consumer_id=case.consumer_id,
                debt_id=extra[1].id,
                flag=ConsumerFlag.DISPUTE_PENDING.value,
                source="test",
                learned_at=now,
            )
        )
        return extra[0].id, extra[1].id


@pytest.mark.parametrize("repeat", [1, 2])
def test_the_end_of_a_shared_call_replans_every_debt_it_covered(
    repeat: int, twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    case = make_case(services.sessions, now=clock.now(), ref="S", number="+16175550301")
    companion, disputed = _three_debts(services, case, clock.now())
    path = f"/twilio/voice/status?attempt={case.attempt_id}"
    clock.advance(timedelta(seconds=20))
    form = {
        "CallSid": f"CA{case.attempt_id:032d}",
        "CallStatus": "completed",
        "SequenceNumber": "3",
        "CallDuration": "40",
    }

    for _ in range(repeat):  # a duplicate delivery changes nothing more
        assert twilio.post(path, form).status_code == 204

    assert attempt_row(services.sessions, case.attempt_id).status == "completed"
    assert debt_row(services.sessions, case.debt_id).next_contact_at == clock.now()
    assert debt_row(services.sessions, companion).next_contact_at == clock.now()
    paused = debt_row(services.sessions, disputed).next_contact_at
    assert paused == clock.now() - timedelta(seconds=20) + timedelta(minutes=1)  # untouched


def test_the_delivery_report_of_a_shared_text_replans_every_debt_it_covered(
    twilio: Twilio, services: Services, clock: FakeClock
) -> None:
    case = make_case(
        services.sessions,
        now=clock.now(),
        ref="T",
        number="+16175550302",
        channel=Channel.SMS,
        status=AttemptStatus.SENT,
    )
    companion, disputed = _three_debts(services, case, clock.now())
    clock.advance(timedelta(seconds=5))

    data = {"MessageSid": "SM" + "5" * 32, "MessageStatus": "delivered"}
    path = f"/twilio/sms/status?attempt={case.attempt_id}"
    assert twilio.post(path, data).status_code == 204

    assert attempt_row(services.sessions, case.attempt_id).status == "delivered"
    assert debt_row(services.sessions, case.debt_id).next_contact_at == clock.now()
    assert debt_row(services.sessions, companion).next_contact_at == clock.now()
    assert debt_row(services.sessions, disputed).next_contact_at != clock.now()
