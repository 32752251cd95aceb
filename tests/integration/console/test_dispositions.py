"""Dispositions and what they do to the case record and to the compliance engine."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import Flask

from console.context import state
from dialer.bootstrap import Services
from dialer.cases.dispositions import DispositionCode, DispositionInput, record_disposition
from dialer.cases.why_not_now import explain_case
from dialer.db.engine import transaction
from dialer.db.models import AuditEntry, CaseEvent, ConsumerFlagRecord, Debt, Phone, PromiseToPay
from dialer.errors import InputError
from dialer.vocabulary import Channel
from tests.integration.console.conftest import form_post, login
from tests.integration.console.seed import Seeded
from tests.integration.console.test_desk import connected_call


def record(
    app: Flask,
    services: Services,
    seeded: Seeded,
    entry: DispositionInput,
    attempt_id: int | None = None,
) -> str:
    with app.app_context(), transaction(services.sessions) as session:
        return record_disposition(
            session,
            debt_id=seeded.debt_id,
            entry=entry,
            now=services.clock.now(),
            actor="ann",
            agent_id=seeded.agent_id,
            packs=state().packs,
            attempt_id=attempt_id,
        ).summary


def call_now(app: Flask, services: Services) -> tuple[bool, tuple[str, ...]]:
    with app.app_context(), transaction(services.sessions) as session:
        decision = explain_case(
            session,
            case_ref="D-1001",
            channel=Channel.CALL,
            at=services.clock.now(),
            packs=state().packs,
        )
        return decision.allowed, decision.reason_codes


def test_a_promise_to_pay_from_the_desk_lands_on_the_timeline(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    attempt_id = connected_call(services, seeded)
    client = app.test_client()
    login(client, "ann")
    response = form_post(
        client,
        "/desk",
        f"/cases/{seeded.debt_id}/disposition",
        {
            "code": "promise_to_pay",
            "amount": "120.00",
            "promised_date": "2026-03-31",
            "attempt_id": str(attempt_id),
            "next_page": "/desk",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{seeded.debt_id}").text
    assert "Promise to pay USD 120.00 by 2026-03-31" in page
    with transaction(services.sessions) as session:
        promise = session.query(PromiseToPay).one()
        assert (promise.amount, promise.due_date) == (Decimal("120.00"), date(2026, 3, 31))
        debt = session.get(Debt, seeded.debt_id)
        assert debt is not None
        assert debt.next_contact_at is not None
        assert debt.next_contact_at.date() == date(
            2026, 4, 3
        )  # the day after, plus the campaign's 2-day grace


def test_a_promise_above_the_balance_is_refused(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    with pytest.raises(InputError, match="more than the balance"):
        record(
            app,
            services,
            seeded,
            DispositionInput(
                code=DispositionCode.PROMISE_TO_PAY,
                amount=Decimal("500"),
                promised_date=date(2026, 3, 31),
            ),
        )


def test_a_dispute_stops_contact_about_that_debt(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    assert call_now(app, services)[0] is True
    record(app, services, seeded, DispositionInput(code=DispositionCode.DISPUTE))
    allowed, reasons = call_now(app, services)
    assert not allowed
    assert "dispute_pending" in reasons
    with transaction(services.sessions) as session:
        flag = session.query(ConsumerFlagRecord).one()
        assert (flag.flag, flag.debt_id) == ("dispute_pending", seeded.debt_id)
        assert session.query(AuditEntry).filter_by(action="consumer.flag").count() == 1


def test_a_cease_request_blocks_everything(app: Flask, services: Services, seeded: Seeded) -> None:
    record(app, services, seeded, DispositionInput(code=DispositionCode.CEASE_REQUEST))
    allowed, reasons = call_now(app, services)
    assert not allowed
    assert "cease_communication" in reasons


def test_paid_resolves_the_case(app: Flask, services: Services, seeded: Seeded) -> None:
    record(app, services, seeded, DispositionInput(code=DispositionCode.PAID))
    with transaction(services.sessions) as session:
        debt = session.get(Debt, seeded.debt_id)
        assert debt is not None
        assert (debt.stage, debt.next_contact_at) == ("resolved", None)


def test_wrong_number_marks_the_phone(app: Flask, services: Services, seeded: Seeded) -> None:
    attempt_id = connected_call(services, seeded)
    record(
        app,
        services,
        seeded,
        DispositionInput(code=DispositionCode.WRONG_NUMBER),
        attempt_id=attempt_id,
    )
    with transaction(services.sessions) as session:
        assert session.query(Phone).one().status == "wrong_party"


def test_a_callback_must_be_at_a_lawful_local_time(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    # 17 March 2026, 15:00 UTC is 11:00 in Massachusetts; 22:30 local is outside the hours.
    with pytest.raises(InputError, match="not lawful"):
        record(
            app,
            services,
            seeded,
            DispositionInput(
                code=DispositionCode.CALLBACK, callback_local=datetime(2026, 3, 18, 22, 30)
            ),
        )
    summary = record(
        app,
        services,
        seeded,
        DispositionInput(
            code=DispositionCode.CALLBACK, callback_local=datetime(2026, 3, 18, 10, 0)
        ),
    )
    assert "2026-03-18 10:00" in summary
    with transaction(services.sessions) as session:
        debt = session.get(Debt, seeded.debt_id)
        assert debt is not None
        assert debt.next_contact_at is not None
        assert debt.next_contact_at.isoformat() == "2026-03-18T14:00:00+00:00"
        kinds = [e.kind for e in session.query(CaseEvent).all()]
        assert kinds == ["disposition.callback"]


def test_no_calls_at_work_blocks_the_work_number_only(
    app: Flask, services: Services, seeded: Seeded
) -> None:
    with transaction(services.sessions) as session:
        phone = session.query(Phone).one()
        phone.phone_type = "work"
    summary = record(app, services, seeded, DispositionInput(code=DispositionCode.NO_CALLS_AT_WORK))
    assert summary == "Employer prohibits contact at work: no calls or texts to work numbers"
    allowed, reasons = call_now(app, services)
    assert not allowed
    assert "workplace_prohibited" in reasons
    with transaction(services.sessions) as session:
        flag = session.query(ConsumerFlagRecord).one()
        assert (flag.flag, flag.debt_id) == ("workplace_prohibited", None)
        session.add(
            Phone(
                consumer_id=phone.consumer_id,
                e164="+16175550199",
                phone_type="mobile",
                consent=True,
                status="valid",
                position=1,
            )
        )
    assert call_now(app, services) == (True, ())  # the mobile number may still be called
